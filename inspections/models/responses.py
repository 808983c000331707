"""A force's s.55 response beyond the tracker's own letters: a letter the office sent from
elsewhere (Word, say), and the publication of a response on the service's public pages, which
section 55 of the Police Act 1996 requires of the local policing body."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from inspections.text import NARRATIVE_MAX, REASON_MAX

from .choices import LetterPurpose
from .fields import EvidenceFileValidator, PlainTextField
from .letters import LetterStatus, ProgressLetter, s55_days_late
from .reference import Force, Inspection


def sent_letter_upload_to(instance: "LetterSentElsewhere", filename: str) -> str:
    return f"letters/sent-elsewhere/{instance.uuid}/{filename}"


class LetterSentElsewhereQuerySet(models.QuerySet["LetterSentElsewhere"]):
    def current(self) -> "LetterSentElsewhereQuerySet":
        """Not withdrawn: what counts for s.55."""
        return self.filter(withdrawn_at__isnull=True)


class LetterSentElsewhere(models.Model):
    """A response sent outside the tracker: the day it went and the signed file, kept as
    uploaded. Withdrawn (never deleted) when recorded in error."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="letters_elsewhere")
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="letters_elsewhere"
    )
    sent_on = models.DateField(help_text="The day the letter was sent.")
    purpose = models.CharField(
        max_length=10,
        choices=LetterPurpose.choices,
        default=LetterPurpose.RESPONSE,
        help_text="The s.55 response answers the report; a progress letter reports progress.",
    )
    file = models.FileField(
        upload_to=sent_letter_upload_to, max_length=255, validators=[EvidenceFileValidator()]
    )
    file_name = models.CharField(max_length=255, help_text="The file's name as uploaded.")
    file_sha256 = models.CharField(max_length=64)
    note = PlainTextField(max_length=REASON_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="letters_recorded"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letters_withdrawn",
    )
    withdrawn_reason = PlainTextField(max_length=REASON_MAX, blank=True)

    history = HistoricalRecords()
    objects = LetterSentElsewhereQuerySet.as_manager()

    class Meta:
        ordering = ["force__name", "inspection", "sent_on"]
        constraints = [
            models.CheckConstraint(
                name="letter_elsewhere_withdrawal_complete",
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | (Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False)),
            ),
            models.CheckConstraint(name="letter_elsewhere_has_hash", condition=~Q(file_sha256="")),
        ]
        indexes = [
            models.Index(fields=["inspection", "force", "sent_on"], name="letter_elsewhere_s55_idx")
        ]

    def __str__(self) -> str:
        return f"{self.force.name}: letter on {self.inspection.title} sent {self.sent_on:%-d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("letter-elsewhere", args=[self.uuid])

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class PublicationQuerySet(models.QuerySet["Publication"]):
    def public(self) -> "PublicationQuerySet":
        """What the public pages may show: nothing else is ever reachable there."""
        return self.filter(
            Q(letter__status=LetterStatus.ISSUED, sent_elsewhere__isnull=True)
            | Q(letter__isnull=True, sent_elsewhere__withdrawn_at__isnull=True)
        )


def published_comments_upload_to(instance: "Publication", filename: str) -> str:
    return f"published/{instance.uuid}/{filename}"


class Publication(models.Model):
    """A s.55 response published on the service's public pages: an issued letter, or a letter
    sent elsewhere. A letter sent elsewhere that is withdrawn leaves the public pages with it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="publications")
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="publications"
    )
    letter = models.OneToOneField(
        ProgressLetter,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publication",
    )
    sent_elsewhere = models.OneToOneField(
        LetterSentElsewhere,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publication",
    )
    sent_on = models.DateField(help_text="The day the response was sent, as published.")
    chief_comments = models.ForeignKey(
        "ChiefConstableComments",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        help_text="Published with the response: the chief constable's comments and the PCC's "
        "response to them. The public pages show the copy kept when they were published.",
    )
    # The chief constable's comments and the office's response as published: a frozen copy
    # (with its hash), so a later edit changes nothing public until the office publishes it.
    comments_received_on = models.DateField(null=True, blank=True, editable=False)
    comments_text = models.TextField(blank=True, editable=False)
    comments_response = models.TextField(blank=True, editable=False)
    comments_file = models.FileField(
        upload_to=published_comments_upload_to, max_length=255, blank=True, editable=False
    )
    comments_file_name = models.CharField(max_length=255, blank=True, editable=False)
    comments_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    comments_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    office_url = models.URLField(
        max_length=500, blank=True, help_text="Where the office also published it, if anywhere."
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="publications"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", "force__name"]
        constraints = [
            models.CheckConstraint(
                name="publication_of_one_letter",
                condition=Q(letter__isnull=False, sent_elsewhere__isnull=True)
                | Q(letter__isnull=True, sent_elsewhere__isnull=False),
                violation_error_message="A publication is of one letter: issued here or sent "
                "elsewhere.",
            )
        ]
        indexes = [
            models.Index(fields=["inspection", "force"], name="publication_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.force.name}: response on {self.inspection.title}, published"

    @property
    def purpose(self) -> str:
        """The published letter's purpose: only a response is timed against the 56 days."""
        sent = self.letter if self.letter is not None else self.sent_elsewhere
        return sent.purpose if sent is not None else LetterPurpose.RESPONSE

    @property
    def is_response(self) -> bool:
        return self.purpose == LetterPurpose.RESPONSE

    def on_time(self) -> bool:
        return self.days_late() == 0

    def days_late(self) -> int:
        """Days after the s.55 deadline, for the response; a progress letter is never late."""
        due = self.inspection.response_due
        if due is None or not self.is_response:
            return 0
        return s55_days_late(self.sent_on, due)


def comments_upload_to(instance: "ChiefConstableComments", filename: str) -> str:
    return f"letters/chief-constable/{instance.uuid}/{filename}"


class ChiefConstableComments(models.Model):
    """The chief constable's comments on an inspection report of the force, which the local
    policing body receives and answers; one record per force and report, kept with its history."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="chief_comments")
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="chief_comments"
    )
    received_on = models.DateField(help_text="The day the comments reached the PCC's office.")
    text = PlainTextField(max_length=NARRATIVE_MAX, blank=True)
    file = models.FileField(
        upload_to=comments_upload_to,
        max_length=255,
        blank=True,
        validators=[EvidenceFileValidator()],
    )
    file_name = models.CharField(max_length=255, blank=True)
    pcc_response = PlainTextField(
        max_length=NARRATIVE_MAX,
        blank=True,
        help_text="The local policing body's response to the chief constable's comments.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chief_comments"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "force__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "inspection"],
                name="chief_comments_one_per_force_and_report",
                violation_error_message="The chief constable's comments on this report are "
                "already recorded: change that record.",
            ),
            models.CheckConstraint(
                name="chief_comments_text_or_file",
                condition=~Q(text="") | ~Q(file=""),
                violation_error_message="Give the comments as text, as a file, or both.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.force.name}: chief constable's comments on {self.inspection.title}"
