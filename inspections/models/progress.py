"""What forces do about local recommendations: one implementation per force and recommendation,
its append-only progress updates and its target-date revisions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from inspections.text import REASON_MAX

from .attention import ImplementationQuerySet
from .choices import (
    CLOSED_STATUSES,
    ItemState,
    OverdueKind,
    Status,
)
from .fields import PlainCharField, PlainTextField
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
