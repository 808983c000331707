"""A force's append-only progress updates on an item, and the files that support them. The item
is named by its model's name, so that the item's own module (whose queryset reads the latest
update) can import this one and not the other way round."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from inspections.text import NARRATIVE_MAX, NOTE_MAX

from .choices import EVIDENCED_STATUSES, Status
from .fields import EvidenceFileValidator, PlainTextField
from .reference import Dependency

# "The latest update": the one a report describes as of the latest date, the last recorded on
# that day winning. The one definition, used by every query and the admin's lists.
LATEST_FIRST = ("-as_of", "-created_at", "-id")


class ProgressUpdateQuerySet(models.QuerySet["ProgressUpdate"]):
    """Updates are append-only: bulk changes and deletes are refused, like single ones."""

    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("Progress updates cannot be changed; record a new update.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Progress updates cannot be deleted; record a correcting update.")

    def latest_first(self) -> "ProgressUpdateQuerySet":
        return self.order_by(*LATEST_FIRST)


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete a saved progress update."""


def evidence_upload_to(instance: "ProgressUpdate", filename: str) -> str:
    return f"evidence/{instance.implementation.force.slug}/{filename}"


class ProgressUpdate(models.Model):
    """A dated statement of where a force has got to. Never edited: corrections are new updates."""

    implementation = models.ForeignKey(
        "ForceImplementation", on_delete=models.PROTECT, related_name="updates"
    )
    status = models.CharField(
        max_length=30, choices=Status.choices, help_text="The status this update sets."
    )
    narrative = PlainTextField(
        max_length=NARRATIVE_MAX,
        help_text="What has been done and what happens next. This text goes into the letter.",
    )
    as_of = models.DateField(help_text="The date the narrative describes.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    evidence_note = PlainTextField(
        max_length=NOTE_MAX,
        blank=True,
        help_text="Required for 'complete' (what shows it is done) and for 'not applicable' "
        "(why it does not apply).",
    )
    internal_note = PlainTextField(
        max_length=NOTE_MAX,
        blank=True,
        help_text="For the force and the office only: never goes into a letter or an export.",
    )
    returned = models.BooleanField(
        default=False,
        help_text="The force lead sent the item back to PCC staff with this update (its internal "
        "note is the comment). While it is the latest update the item is 'Returned to PCC staff'.",
    )
    dependencies = models.ManyToManyField(
        Dependency,
        related_name="progress_updates",
        blank=True,
        help_text="For 'awaiting dependency': the pending national or regional work it waits on.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["implementation", "as_of", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="update_status_valid", condition=Q(status__in=Status.values)
            ),
            models.CheckConstraint(name="update_has_narrative", condition=~Q(narrative="")),
            models.CheckConstraint(
                name="update_returned_is_in_progress",
                condition=Q(returned=False) | Q(status=Status.IN_PROGRESS),
            ),
            models.CheckConstraint(
                name="update_closing_status_has_evidence",
                condition=~Q(status__in=sorted(EVIDENCED_STATUSES)) | ~Q(evidence_note=""),
                violation_error_message="'Complete' needs evidence and 'not applicable' needs "
                "a reason.",
            ),
        ]
        indexes = [
            models.Index(
                fields=["implementation", "-as_of", "-created_at"], name="update_latest_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.implementation}: {self.get_status_display()} as of {self.as_of:%-d %b %Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An integrity guard rather than business logic: an update is a record of what someone
        # said on a day, and rewriting it would lose that record.
        if not self._state.adding:
            raise AppendOnlyError("Progress updates cannot be changed; record a new update.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Progress updates cannot be deleted; record a correcting update.")


def evidence_file_upload_to(instance: "EvidenceFile", filename: str) -> str:
    return f"evidence/{instance.update.implementation.force.slug}/{instance.uuid}/{filename}"


class EvidenceFile(models.Model):
    """A document supporting an update. Like the update, never changed once stored; served only
    through a permission-checked view, by its UUID."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    update = models.ForeignKey(ProgressUpdate, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(
        upload_to=evidence_file_upload_to, max_length=255, validators=[EvidenceFileValidator()]
    )
    name = models.CharField(max_length=255, help_text="The file's name as uploaded.")
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["update", "id"]

    def __str__(self) -> str:
        return self.name
