"""Progress letters: the s.55 response and later updates, drafted from the data, edited by the
PCC's office, and frozen exactly as sent when issued."""

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from inspections.text import LETTER_PART_MAX, NARRATIVE_MAX, SHORT_TEXT_MAX

from .choices import FindingKind, LetterPurpose, Responder
from .fields import ImageFileValidator, PlainCharField, PlainTextField
from .finding_words import FindingReferences
from .reference import Force, Inspection, Recommendation


class LetterRecipient(models.Model):
    """Who letters go to. Office holders change, so this is data a national administrator edits."""

    key = models.SlugField(
        "Short name", max_length=50, unique=True, help_text="A stable identifier: lower case."
    )
    name = PlainCharField(max_length=200, help_text="As addressed, e.g. 'Rt Hon … MP'.")
    office = PlainCharField(max_length=200, help_text="e.g. 'Home Secretary'.")
    address = PlainTextField(
        max_length=SHORT_TEXT_MAX, help_text="One line per line of the address."
    )
    confirmed_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day a national administrator last checked that this is still who holds "
        "the office, and their address. Drafts show it, so that PCC staff know how current it is.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.office}: {self.name}"


class LetterStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"


class FrozenLetterError(Exception):
    """Raised on any attempt to change an issued letter or its sections."""


def letter_upload_to(instance: "ProgressLetter", filename: str) -> str:
    return f"letters/{instance.uuid}/{filename}"


class ProgressLetterQuerySet(models.QuerySet["ProgressLetter"]):
    def issued(self) -> "ProgressLetterQuerySet":
        return self.filter(status=LetterStatus.ISSUED)

    def drafts(self) -> "ProgressLetterQuerySet":
        return self.filter(status=LetterStatus.DRAFT)


class ProgressLetter(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="letters")
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="letters")
    status = models.CharField(
        max_length=10, choices=LetterStatus.choices, default=LetterStatus.DRAFT, editable=False
    )
    letter_date = models.DateField(help_text="The date printed on the letter.")
    printed_date = PlainCharField(
        max_length=40,
        blank=True,
        help_text="A letter sent in another style: its date exactly as printed ('04 September "
        "2023'). Empty for the house style.",
    )
    purpose = models.CharField(
        max_length=10,
        choices=LetterPurpose.choices,
        default=LetterPurpose.RESPONSE,
        help_text="The s.55 response answers the report; a progress letter reports progress "
        "since the last letter. Only the response counts on the 56-day clock.",
    )
    recipient_name = PlainCharField(max_length=200)
    recipient_office = PlainCharField(max_length=200)
    recipient_address = PlainTextField(
        max_length=SHORT_TEXT_MAX, help_text="One line per line of the address."
    )
    title = PlainCharField(max_length=300, help_text="The report's title, as the subject line.")
    opening = PlainTextField(
        max_length=LETTER_PART_MAX,
        help_text="Paragraphs before the recommendations; blank line between.",
    )
    closing = PlainTextField(
        max_length=LETTER_PART_MAX,
        help_text="Paragraphs after the recommendations; blank line between.",
    )
    signatory_name = PlainCharField(max_length=200)
    signatory_title = PlainTextField(
        max_length=SHORT_TEXT_MAX, help_text="Lines under the signature, e.g. title and area."
    )
    cc = PlainTextField(
        max_length=SHORT_TEXT_MAX, blank=True, help_text="One copy recipient per line."
    )
    # The office's letterhead and forms of words, copied from its letter template when drafted.
    letterhead_name = PlainCharField(max_length=200, blank=True)
    letterhead_address = PlainTextField(
        max_length=SHORT_TEXT_MAX, blank=True, help_text="One line per line of the address."
    )
    reference = PlainCharField(max_length=200, blank=True)
    salutation = PlainCharField(max_length=200, blank=True)
    valediction = PlainCharField(max_length=200, blank=True)
    logo = models.FileField(upload_to=letter_upload_to, max_length=255, blank=True)
    signature = models.FileField(upload_to=letter_upload_to, max_length=255, blank=True)
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followed_by",
        help_text="The last issued letter when this one was drafted, to show what changed.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="letters_drafted"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    issued_on = models.DateField(null=True, blank=True, help_text="The day it was sent.")
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters_issued",
    )
    html_snapshot = models.TextField(blank=True, editable=False)
    html_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    docx_file = models.FileField(
        upload_to=letter_upload_to, max_length=255, blank=True, editable=False
    )
    docx_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    pdf_file = models.FileField(
        upload_to=letter_upload_to, max_length=255, blank=True, editable=False
    )
    pdf_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    history = HistoricalRecords()
    objects = ProgressLetterQuerySet.as_manager()

    class Meta:
        ordering = ["force__name", "inspection", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "inspection"],
                condition=Q(status=LetterStatus.DRAFT),
                name="letter_one_draft_per_force_and_inspection",
                violation_error_message="There is already a draft letter for this force and "
                "inspection: carry on with that one.",
            ),
            models.CheckConstraint(
                name="letter_issued_is_complete",
                condition=Q(status=LetterStatus.DRAFT)
                | (
                    Q(issued_on__isnull=False, issued_at__isnull=False)
                    & ~Q(docx_sha256="")
                    & ~Q(pdf_sha256="")
                    & ~Q(html_sha256="")
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["inspection", "status", "issued_on"], name="letter_s55_idx")
        ]

    def __str__(self) -> str:
        state = (
            f"issued {self.issued_on:%-d %b %Y}" if self.status == LetterStatus.ISSUED else "draft"
        )
        return f"{self.force.name}: letter on {self.inspection.title} ({state})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An integrity guard: an issued letter is the record of what was sent. Its purpose is
        # how the tracker counts it, not part of what was sent, so the office may choose it.
        purpose_only = set(kwargs.get("update_fields") or ()) == {"purpose"}
        if (
            not self._state.adding
            and not purpose_only
            and type(self).objects.filter(pk=self.pk, status=LetterStatus.ISSUED).exists()
        ):
            raise FrozenLetterError("An issued letter cannot be changed; draft a new one.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("letter", args=[self.uuid])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.is_issued:
            raise FrozenLetterError("An issued letter cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_issued(self) -> bool:
        return self.status == LetterStatus.ISSUED


def template_upload_to(instance: "LetterTemplate", filename: str) -> str:
    return f"letter-templates/{instance.force.slug}/{filename}"


class LetterTemplate(models.Model):
    """How a PCC office's letters look, kept by its staff: every new draft starts from it. A
    force has a second, its own, for the letters the force writes (to a coroner, the IOPC)."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="letter_templates")
    writer = models.CharField(
        "Whose letters",
        max_length=10,
        choices=Responder.choices,
        default=Responder.OFFICE,
        help_text="The office's letters (s.55), or the force's own (to a coroner, the IOPC).",
    )
    office_name = PlainCharField(
        max_length=200,
        blank=True,
        help_text="The letterhead's first line, e.g. 'Office of the Police and Crime "
        "Commissioner for West Mercia'.",
    )
    office_address = PlainTextField(
        max_length=SHORT_TEXT_MAX, blank=True, help_text="One line per line of the address."
    )
    logo = models.FileField(
        upload_to=template_upload_to,
        max_length=255,
        blank=True,
        validators=[ImageFileValidator()],
        help_text="A PNG or JPEG of at most 1 MB, printed at the top of the letter.",
    )
    reference = PlainCharField(
        max_length=200, blank=True, help_text="Printed under the date, e.g. 'Our ref: JC/0923'."
    )
    salutation = PlainCharField(
        max_length=200, blank=True, help_text="e.g. 'Dear Home Secretary,'; leave empty for none."
    )
    valediction = PlainCharField(
        max_length=200, blank=True, help_text="e.g. 'Yours sincerely,'; leave empty for none."
    )
    signatory_name = PlainCharField(
        max_length=200,
        blank=True,
        help_text="Empty: the commissioner's name (on the force's template, the chief "
        "constable's).",
    )
    signatory_title = PlainTextField(
        max_length=SHORT_TEXT_MAX,
        blank=True,
        help_text="Lines under the signature. Empty: the commissioner's title and the area (on "
        "the force's template, 'Chief Constable' and the area).",
    )
    signature = models.FileField(
        upload_to=template_upload_to,
        max_length=255,
        blank=True,
        validators=[ImageFileValidator()],
        help_text="A PNG or JPEG of the signature, at most 1 MB.",
    )
    cc = PlainTextField(
        max_length=SHORT_TEXT_MAX,
        blank=True,
        help_text="One copy recipient per line. Empty: the chief constable and HMICFRS (on the "
        "force's template, the police and crime commissioner).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["force", "writer"], name="letter_template_one_per_writer"
            ),
            models.CheckConstraint(
                name="letter_template_writer_valid", condition=Q(writer__in=Responder.values)
            ),
        ]

    def __str__(self) -> str:
        whose = "letter template" if self.writer == Responder.OFFICE else "force letter template"
        return f"{self.force.name}: {whose}"


class LetterSection(FindingReferences, models.Model):
    """One local finding in a letter: its words and the force's narrative. Its kind and number
    are copied, like its words, so the letter reads as it was written."""

    letter = models.ForeignKey(ProgressLetter, on_delete=models.CASCADE, related_name="sections")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="letter_sections"
    )
    kind = models.CharField(
        max_length=30, choices=FindingKind.choices, default=FindingKind.RECOMMENDATION
    )
    number = models.PositiveSmallIntegerField()
    recommendation_text = PlainTextField()
    narrative = PlainTextField(
        max_length=NARRATIVE_MAX, help_text="What the force has done and will do."
    )
    # The update the narrative was taken from, so that a newer one can be offered.
    heading = PlainCharField(
        max_length=60,
        blank=True,
        help_text="A letter sent in another style: its heading exactly as printed "
        "('Recommendation 3 –'). Empty for the house style ('Recommendation 3:').",
    )
    source_update = models.ForeignKey(
        "inspections.ProgressUpdate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letter_sections",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["letter", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "recommendation"], name="letter_section_unique"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: Any, **kwargs: Any) -> None:
        if ProgressLetter.objects.filter(pk=self.letter_id, status=LetterStatus.ISSUED).exists():
            raise FrozenLetterError("An issued letter's sections cannot be changed.")
        super().save(*args, **kwargs)


class S55State(models.TextChoices):
    """A force's s.55 response, in the order a manager reads them: what needs chasing first."""

    MISSING = "missing", "Not sent, past the deadline"
    DUE_SOON = "due_soon", "Due soon"
    NOT_YET = "not_yet", "Not yet due"
    LATE = "late", "Sent late"
    ON_TIME = "on_time", "Sent on time"


S55_DUE_SOON_DAYS = 14


def s55_days_late(sent_on: datetime.date, due: datetime.date) -> int:
    """How many days after the s.55 deadline a response was sent (0 when on time)."""
    return max(0, (sent_on - due).days)


def s55_state(
    issued_on: datetime.date | None, due: datetime.date, today: datetime.date
) -> tuple[str, str]:
    """(code, words) for a force's s.55 response to an inspection."""
    if issued_on is None:
        if today > due:
            return S55State.MISSING, f"Not yet issued: {(today - due).days} days past the deadline"
        if (due - today).days <= S55_DUE_SOON_DAYS:
            return S55State.DUE_SOON, f"Not yet issued: due by {due:%-d %B %Y}"
        return S55State.NOT_YET, f"Not yet issued: due by {due:%-d %B %Y}"
    late = s55_days_late(issued_on, due)
    if not late:
        return S55State.ON_TIME, f"Issued on time, {issued_on:%-d %B %Y}"
    return S55State.LATE, f"Issued late, {issued_on:%-d %B %Y} ({late} days late)"
