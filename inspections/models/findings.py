"""What a force and its office do with a finding beyond progress updates: the local actions it is
broken into, requests to extend its deadline and the decisions on them, and the inspectorate's
own closure of it after a revisit."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Case, Q, Value, When
from simple_history.models import HistoricalRecords

from inspections.text import NOTE_MAX, REASON_MAX

from .choices import ActionStatus, ClosureAction, ExtensionState
from .fields import EvidenceFileValidator, PlainCharField, PlainTextField
from .reference import Force


def action_overdue(today: datetime.date) -> Q:
    """An action not closed whose due date has passed: the one definition, to filter, count and
    flag rows with."""
    return ~Q(status=ActionStatus.CLOSED) & Q(due_date__lt=today)


def copied_force(related_name: str) -> "models.ForeignKey[Force, Force]":
    """The implementation's force, copied when the record is made (an implementation never
    changes force), so that a force's list of them reads, scopes and orders on one table."""
    return models.ForeignKey(
        Force,
        on_delete=models.PROTECT,
        related_name=related_name,
        editable=False,
        help_text="The force whose finding this is.",
    )


class LocalActionQuerySet(models.QuerySet["LocalAction"]):
    def open(self) -> "LocalActionQuerySet":
        return self.exclude(status=ActionStatus.CLOSED)

    def overdue(self, today: datetime.date) -> "LocalActionQuerySet":
        return self.filter(action_overdue(today))

    def with_overdue_flag(self, today: datetime.date) -> "LocalActionQuerySet":
        return self.annotate(
            is_overdue=Case(
                When(action_overdue(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )


class LocalAction(models.Model):
    """A piece of work a force or its office set itself to answer a finding: who owns it, by
    when, and where it stands."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    implementation = models.ForeignKey(
        "ForceImplementation", on_delete=models.PROTECT, related_name="actions"
    )
    force = copied_force("local_actions")
    description = PlainTextField(max_length=NOTE_MAX, help_text="What will be done.")
    owner = PlainCharField(
        max_length=200, blank=True, help_text="Who is responsible. Empty until it is allocated."
    )
    due_date = models.DateField(null=True, blank=True, help_text="When it should be finished.")
    status = models.CharField(
        max_length=30, choices=ActionStatus.choices, default=ActionStatus.AWAITING_ALLOCATION
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="actions_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Goes up with every edit, to catch concurrent edits."
    )

    history = HistoricalRecords()
    objects = LocalActionQuerySet.as_manager()

    class Meta:
        ordering = ["implementation", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="action_status_valid", condition=Q(status__in=ActionStatus.values)
            ),
            models.CheckConstraint(
                name="action_allocated_has_owner",
                condition=Q(status=ActionStatus.AWAITING_ALLOCATION) | ~Q(owner=""),
                violation_error_message="An action that is allocated needs its owner.",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"], name="action_status_due_idx"),
            # The actions report, in due-date order: nationally, and for one force.
            models.Index(fields=["due_date", "id"], name="action_due_order_idx"),
            models.Index(fields=["force", "due_date", "id"], name="action_force_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.implementation}: action {self.description[:40]}"

    @property
    def is_closed(self) -> bool:
        return self.status == ActionStatus.CLOSED


class ExtensionRequestQuerySet(models.QuerySet["ExtensionRequest"]):
    def pending(self) -> "ExtensionRequestQuerySet":
        return self.filter(state=ExtensionState.PENDING)

    def approved(self) -> "ExtensionRequestQuerySet":
        return self.filter(state=ExtensionState.APPROVED)


class ExtensionRequest(models.Model):
    """A force asking to finish later than the deadline, and the office's decision. The deadline
    it asked to move is kept on the request, so the original date is never lost; an approved
    request moves the date the item falls due (and so what counts as overdue)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    implementation = models.ForeignKey(
        "ForceImplementation", on_delete=models.PROTECT, related_name="extension_requests"
    )
    force = copied_force("extension_requests")
    due_before = models.DateField(
        null=True, blank=True, help_text="When the item fell due when the request was made."
    )
    requested_date = models.DateField(help_text="The date the force asks to finish by.")
    reason = PlainTextField(max_length=REASON_MAX, help_text="Why more time is needed.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="extensions_requested"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(
        max_length=20, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extensions_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = PlainTextField(max_length=REASON_MAX, blank=True)

    history = HistoricalRecords()
    objects = ExtensionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["implementation", "requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="extension_state_valid", condition=Q(state__in=ExtensionState.values)
            ),
            models.CheckConstraint(
                name="extension_decision_complete",
                condition=Q(
                    state=ExtensionState.PENDING, decided_at__isnull=True, decided_by__isnull=True
                )
                | (
                    ~Q(state=ExtensionState.PENDING)
                    & Q(decided_at__isnull=False, decided_by__isnull=False)
                ),
                violation_error_message="A decided request records who decided it and when.",
            ),
            models.UniqueConstraint(
                fields=["implementation"],
                condition=Q(state=ExtensionState.PENDING),
                name="extension_one_pending_per_item",
                violation_error_message="This item already has a request awaiting decision.",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "requested_at"], name="extension_state_idx"),
            # One force's requests in a state, oldest first.
            models.Index(
                fields=["force", "state", "requested_at", "id"], name="extension_force_state_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.implementation}: extension to {self.requested_date:%-d %b %Y}"

    @property
    def is_pending(self) -> bool:
        return self.state == ExtensionState.PENDING


def closure_letter_upload_to(instance: "InspectorateClosure", filename: str) -> str:
    return f"closures/{instance.implementation.force.slug}/{instance.uuid}/{filename}"


class InspectorateClosure(models.Model):
    """HMICFRS closing (or reopening) an item after a revisit, with its letter as evidence. Kept
    as a list: the latest says where the inspectorate stands, beside the force's own sign-off."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    implementation = models.ForeignKey(
        "ForceImplementation", on_delete=models.PROTECT, related_name="closures"
    )
    action = models.CharField(max_length=10, choices=ClosureAction.choices)
    on = models.DateField(help_text="The date of the inspectorate's letter.")
    letter = models.FileField(
        upload_to=closure_letter_upload_to,
        max_length=255,
        blank=True,
        validators=[EvidenceFileValidator()],
    )
    letter_name = models.CharField(max_length=255, blank=True)
    url = models.URLField(blank=True, help_text="Where the letter is published, if it is.")
    note = PlainTextField(max_length=NOTE_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="closures_recorded"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["implementation", "on", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="closure_action_valid", condition=Q(action__in=ClosureAction.values)
            ),
            models.CheckConstraint(
                name="closure_has_evidence",
                condition=~Q(letter="") | ~Q(url=""),
                violation_error_message="Attach the inspectorate's letter or give its address.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.implementation}: {self.get_action_display()} on {self.on:%-d %b %Y}"

    @property
    def is_closed(self) -> bool:
        return self.action == ClosureAction.CLOSED
