"""The people an office manages: invitations to join, which organisation's Microsoft tenant
belongs to which force, and the trail of who was let in, changed or removed, and by whom."""

from __future__ import annotations

import datetime
import uuid

from django.db import models
from django.db.models import Q

from .choices import ONE_FORCE_READERS, Role
from .fields import PlainCharField

# Roles an invitation may name (nobody is invited to wait for approval).
INVITABLE_ROLES = [role for role in Role if role != Role.PENDING]


class InvitationState(models.TextChoices):
    OPEN = "open", "Waiting to be accepted"
    ACCEPTED = "accepted", "Accepted"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open_at(self, now: datetime.datetime) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """A one-time invitation to join with a role (and a force, for a force's roles). Only the
    hash of its secret link is kept: whoever holds the link may accept it once, before it
    expires; the account it makes is the invitation's, never matched on an email address."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    email = models.EmailField(help_text="Where the link is sent. Never used to match an account.")
    first_name = PlainCharField(max_length=150)
    last_name = PlainCharField(max_length=150)
    role = models.CharField(max_length=20, choices=[(r.value, r.label) for r in INVITABLE_ROLES])
    force = models.ForeignKey(
        "inspections.Force",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
    )
    invited_by = models.ForeignKey(
        "inspections.User", on_delete=models.PROTECT, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.OneToOneField(
        "inspections.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitation",
        help_text="The account made when the invitation was accepted.",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["force", "accepted_at"], name="invitation_by_force")]
        constraints = [
            models.CheckConstraint(
                name="invitation_force_matches_role",
                condition=(
                    Q(role__in=sorted(ONE_FORCE_READERS), force__isnull=False)
                    | (~Q(role__in=sorted(ONE_FORCE_READERS)) & Q(force__isnull=True))
                ),
                violation_error_message="A force's roles need a force; national roles none.",
            ),
            models.CheckConstraint(
                name="invitation_accepted_has_account",
                condition=Q(accepted_at__isnull=True) | Q(accepted_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        where = f" for {self.force}" if self.force_id else ""
        return f"{self.first_name} {self.last_name} as {self.get_role_display()}{where}"

    def state_at(self, now: datetime.datetime) -> InvitationState:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.withdrawn_at is not None:
            return InvitationState.WITHDRAWN
        if self.expires_at <= now:
            return InvitationState.EXPIRED
        return InvitationState.OPEN


class TenantForce(models.Model):
    """One organisation's Microsoft tenant serving one force. A tenant may serve several forces
    and a force several tenants (its office's and the force's own). A person who signs in from
    a tenant that serves exactly one force waits for that force's office to approve them; from
    a tenant that serves several, only an invitation lets them in."""

    tenant_id = models.CharField(
        max_length=36, help_text="The tenant's id, a GUID (lower case), as Entra ID shows it."
    )
    force = models.ForeignKey("inspections.Force", on_delete=models.CASCADE, related_name="tenants")
    name = PlainCharField(max_length=200, blank=True, help_text="Whose tenant it is.")

    class Meta:
        ordering = ["tenant_id", "force"]
        constraints = [
            models.UniqueConstraint(fields=["tenant_id", "force"], name="tenant_force_once")
        ]

    def __str__(self) -> str:
        return f"{self.name or self.tenant_id} → {self.force}"


class AccessEventKind(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGNED_OUT = "signed_out", "Signed out"
    SSO_REFUSED = "sso_refused", "Microsoft sign-in refused"
    WAITING = "waiting", "Asked for access"
    INVITED = "invited", "Invited"
    INVITATION_WITHDRAWN = "invitation_withdrawn", "Invitation withdrawn"
    INVITATION_ACCEPTED = "invitation_accepted", "Accepted an invitation"
    APPROVED = "approved", "Approved"
    ROLE_CHANGED = "role_changed", "Role changed"
    REMOVED = "removed", "Removed"
    RESTORED = "restored", "Access given back"
    TWO_FACTOR_ON = "two_factor_on", "Two-factor authentication turned on"
    TWO_FACTOR_OFF = "two_factor_off", "Two-factor authentication turned off"
    TWO_FACTOR_FAILED = "two_factor_failed", "Wrong two-factor code"
    TEAMS_SET = "teams_set", "Teams channel changed"
    API_KEY_MADE = "api_key_made", "API key made"
    API_KEY_REVOKED = "api_key_revoked", "API key revoked"
    TENANT_ADDED = "tenant_added", "Microsoft tenant added to a force"
    TENANT_REMOVED = "tenant_removed", "Microsoft tenant taken off a force"


class AccessEvent(models.Model):
    """Who came in, and who let them in or took them out: sign-ins, invitations, approvals,
    role changes, removals and refused Microsoft sign-ins, for the audit trail."""

    kind = models.CharField(max_length=30, choices=AccessEventKind.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        "inspections.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_events_made",
        help_text="Who did it (empty when nobody was signed in).",
    )
    subject = models.ForeignKey(
        "inspections.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_events",
        help_text="Whose access it was about.",
    )
    force = models.ForeignKey(
        "inspections.Force",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_events",
    )
    detail = PlainCharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["force", "-at"], name="access_event_by_force"),
            models.Index(fields=["-at"], name="access_event_by_time"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()}: {self.subject or self.detail} at {self.at:%Y-%m-%d %H:%M}"
        )
