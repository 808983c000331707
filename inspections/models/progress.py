"""What forces do about local recommendations: one implementation per force and recommendation,
its append-only progress updates and its target-date revisions."""

import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from simple_history.models import HistoricalRecords

from inspections.text import NARRATIVE_MAX, NOTE_MAX, REASON_MAX

from .attention import ImplementationQuerySet
from .choices import (
    CLOSED_STATUSES,
    EVIDENCED_STATUSES,
    ItemState,
    OverdueKind,
    Status,
)
from .fields import EvidenceFileValidator, PlainCharField, PlainTextField
from .reference import Dependency, Force, Recommendation


class ForceImplementation(models.Model):
    """One force's response to one local recommendation."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="implementations")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="implementations"
    )
    status = models.CharField(
        max_length=30,
        choices=Status.choices,
        default=Status.NOT_STARTED,
        editable=False,
        help_text="Set by the latest progress update.",
    )
    latest_update_on = models.DateField(
        null=True, blank=True, editable=False, help_text="As-of date of the latest update."
    )
    # A copy of the recommendation's due date (deadline, or publication day), so that every
    # report filters and orders on an indexed column. Kept in step by the services that change
    # a deadline or a publication date (refresh_dates), never edited.
    due_date = models.DateField(
        null=True, blank=True, editable=False, help_text="When the recommendation falls due."
    )
    # Likewise what 'stale' counts from, so that counting stale items reads this table alone.
    last_activity = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The latest update's date, or publication day before any update.",
    )
    # Who must act next (Attention.next_actor), stored so that each overdue report is an index
    # range scan in due-date order rather than a dependency lookup per row. Kept in step by the
    # services (refresh_next_actors), never edited.
    next_actor = models.CharField(
        max_length=30,
        choices=OverdueKind.choices,
        blank=True,
        default=OverdueKind.WITHIN_CONTROL,
        editable=False,
        help_text="Who must act next: the force, a dependency's owner or the signing-off "
        "officer; empty once closed. Follows the status and the dependencies.",
    )
    # What every view calls its state (Attention.state): the status, or 'dependency delivered:
    # review'. Kept in step with next_actor by the same services, never edited.
    state = models.CharField(
        max_length=30,
        choices=ItemState.choices,
        default=ItemState.NOT_STARTED,
        editable=False,
        help_text="The status, or 'Dependency delivered: review' when nothing it waits on is "
        "still pending, or 'Returned to PCC staff' while the force lead's return is the latest "
        "update.",
    )
    agreed_due_date = models.DateField(
        null=True,
        blank=True,
        help_text="For a finding without a deadline: the date the office agreed it falls due.",
    )
    agreed_due_reason = PlainTextField(
        max_length=REASON_MAX, blank=True, help_text="Why the office agreed that date."
    )
    lead_officer = PlainCharField(
        max_length=200, blank=True, help_text="The officer or member of staff who leads the work."
    )
    target_date = models.DateField(
        null=True,
        blank=True,
        help_text="The force's own date for finishing. Changing it needs a reason; every "
        "earlier date is kept.",
    )
    blocking_dependencies = models.ManyToManyField(
        Dependency,
        related_name="blocked_implementations",
        blank=True,
        help_text="What this is waiting on, as named by the latest 'awaiting dependency' update.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Goes up with every edit, to catch concurrent edits."
    )

    # next_actor and last_activity are derived from what the history holds.
    history = HistoricalRecords(
        m2m_fields=[blocking_dependencies],
        excluded_fields=["next_actor", "state", "last_activity"],
    )
    objects = ImplementationQuerySet.as_manager()

    class Meta:
        ordering = ["force__name", "recommendation__inspection", "recommendation__number"]
        verbose_name = "force implementation"
        constraints = [
            models.UniqueConstraint(
                fields=["force", "recommendation"], name="implementation_unique_per_force"
            ),
            models.CheckConstraint(
                name="implementation_status_valid", condition=Q(status__in=Status.values)
            ),
            models.CheckConstraint(
                name="implementation_state_valid", condition=Q(state__in=ItemState.values)
            ),
            models.CheckConstraint(
                name="implementation_agreed_date_has_reason",
                condition=Q(agreed_due_date__isnull=True) | ~Q(agreed_due_reason=""),
                violation_error_message="An agreed date needs the reason it was agreed.",
            ),
            models.CheckConstraint(
                name="implementation_next_actor_valid",
                condition=Q(next_actor__in=[*OverdueKind.values, ""]),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "force"], name="impl_status_force_idx"),
            models.Index(fields=["state", "force"], name="impl_state_force_idx"),
            models.Index(fields=["recommendation", "status"], name="impl_rec_status_idx"),
            # The national reports: a status (or a few) and a range of, or order by, due date.
            models.Index(fields=["status", "due_date"], name="impl_status_due_idx"),
            # A force user's reports: the same within one force.
            models.Index(fields=["force", "status", "due_date"], name="impl_force_status_due_idx"),
            # A page of a report in due-date order: walked from the earliest date, so the first
            # 50 rows are found without sorting every overdue item (70 ms to 2 ms nationally).
            # With next_actor, this month's overdue items are counted from the index alone.
            models.Index(fields=["due_date", "next_actor", "id"], name="impl_due_actor_idx"),
            # The overdue reports, one table per who must act next: a range of due dates, read
            # in due-date order (the first 50 rows without sorting every overdue item).
            models.Index(fields=["next_actor", "due_date", "id"], name="impl_actor_due_idx"),
            models.Index(
                fields=["force", "next_actor", "due_date"], name="impl_force_actor_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.force.name}: {self.recommendation.reference_in_text}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class ActorTallyQuerySet(models.QuerySet["ActorTally"]):
    def refresh(self, force_ids: Iterable[int]) -> None:
        """Count again, for these forces, their items per actor and month due: what the paths
        that change who acts next or a due date, or add or remove items, call. One DELETE and
        one INSERT."""
        forces = sorted(set(force_ids))
        if not forces:
            return
        self.filter(force_id__in=forces).delete()
        counted = (
            ForceImplementation.objects.filter(force_id__in=forces)
            .annotate(month=TruncMonth("due_date", output_field=models.DateField()))
            .values_list("force_id", "next_actor", "month")
            .annotate(items=Count("pk"))
            .order_by()
        )
        self.bulk_create(
            [
                self.model(force_id=force_id, next_actor=actor, due_month=month, items=items)
                for force_id, actor, month, items in counted
            ]
        )


class ActorTally(models.Model):
    """How many of a force's items wait on each actor (``next_actor``), by the month they fall
    due, kept in step with them. A national overdue count is then a sum over the past months'
    tallies (a number bounded by the calendar, not the data) and a count of this month's
    overdue items, rather than a count of every overdue item, which grows with the data."""

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="actor_tallies")
    next_actor = models.CharField(max_length=30, choices=OverdueKind.choices, blank=True)
    due_month = models.DateField(
        null=True, blank=True, help_text="The first day of the month the items fall due."
    )
    items = models.PositiveIntegerField()

    objects = ActorTallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["force", "next_actor", "due_month"],
                name="actor_tally_unique",
            )
        ]
        indexes = [models.Index(fields=["next_actor", "due_month"], name="actor_tally_month_idx")]

    def __str__(self) -> str:
        return f"{self.force_id} {self.next_actor or 'closed'} {self.due_month}: {self.items}"


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
        ForceImplementation, on_delete=models.PROTECT, related_name="updates"
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


class TargetDateRevision(models.Model):
    """Every date a force has set for itself, with the reason for each change."""

    implementation = models.ForeignKey(
        ForceImplementation, on_delete=models.PROTECT, related_name="target_date_revisions"
    )
    previous_date = models.DateField(null=True, blank=True)
    new_date = models.DateField(null=True, blank=True)
    reason = PlainTextField(max_length=REASON_MAX, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="target_date_revisions"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["implementation", "changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="target_revision_change_has_reason",
                condition=Q(previous_date__isnull=True) | ~Q(reason=""),
                violation_error_message="Changing a target date needs a reason.",
            ),
        ]

    def __str__(self) -> str:
        before = f"{self.previous_date:%-d %b %Y}" if self.previous_date else "none"
        after = f"{self.new_date:%-d %b %Y}" if self.new_date else "none"
        return f"{self.implementation}: {before} → {after}"
