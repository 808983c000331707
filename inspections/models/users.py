from __future__ import annotations

import unicodedata
from typing import Any, ClassVar

from django.contrib.auth import get_backends
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from .choices import FORCE_ROLES, ONE_FORCE_READERS, ONE_FORCE_ROLES, DigestFrequency, Role
from .fields import PlainCharField


class DigestDelivery(models.Model):
    """A digest sent to someone on a day, so that a second run that day sends nothing again."""

    user = models.ForeignKey("inspections.User", on_delete=models.CASCADE, related_name="digests")
    sent_on = models.DateField()
    frequency = models.CharField(max_length=10, choices=DigestFrequency.choices)
    items = models.PositiveIntegerField(help_text="How many items the digest listed.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "user"]
        verbose_name_plural = "digest deliveries"
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="digest_once_per_user_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.sent_on:%-d %b %Y}"


class SignInFailure(models.Model):
    """A failed sign-in, kept briefly to slow down password guessing (in the database, so every
    app server sees the same count)."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    known_account = models.BooleanField(
        default=True,
        help_text="Whether the username belonged to an account. Failures on unknown usernames "
        "never lock out the people who share their address.",
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(
                fields=["ip_address", "known_account", "at"], name="signin_failure_by_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.username} from {self.ip_address} at {self.at:%Y-%m-%d %H:%M}"


class PasswordResetRequest(models.Model):
    """A request for a password-reset email, kept for an hour so that nobody can flood a
    mailbox: requests are counted per address asked for and per client."""

    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.email} from {self.ip_address} at {self.at:%Y-%m-%d %H:%M}"


def canonical_username(value: str) -> str:
    """The one form of a username used to store, find, count and compare it: compatibility
    characters folded (a full-width 'ｇ' is a 'g') and case ignored."""
    return unicodedata.normalize("NFKC", value or "").casefold().strip()


class TrackerUserManager(UserManager["User"]):
    def create_user(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra_fields: Any,
    ) -> User:
        # Django's manager makes ordinary users non-staff; in the tracker every account is.
        extra_fields.setdefault("is_staff", True)
        return super().create_user(username, email, password, **extra_fields)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username__iexact=canonical_username(username or ""))


class User(AbstractUser):
    """A person who signs in. Force roles belong to exactly one force; national roles to none."""

    role = models.CharField(
        max_length=20,
        choices=Role.choices,
        default=Role.VIEWER,
        help_text="What this person may do. PCC staff and force leads work on one force only.",
    )
    force = models.ForeignKey(
        "inspections.Force",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="Required for every role of one force; empty for national roles.",
    )
    job_title = PlainCharField(max_length=200, blank=True)
    # Every role signs in to the admin screens too (what each may do there is decided by its
    # role), so every account is staff, however it was created.
    is_staff = models.BooleanField(
        default=True,
        help_text="Every tracker user can reach the admin screens; their role decides what "
        "they may do there.",
    )
    digest_frequency = models.CharField(
        max_length=10,
        choices=DigestFrequency.choices,
        default=DigestFrequency.DAILY,
        help_text="How often PCC staff and force leads get the reminder digest by email.",
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects: ClassVar[TrackerUserManager] = TrackerUserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_unique_ignoring_case",
                violation_error_message="Someone already has that username (ignoring case).",
            ),
            models.CheckConstraint(
                name="user_force_matches_role",
                condition=(
                    Q(role__in=sorted(ONE_FORCE_ROLES), force__isnull=False)
                    | (~Q(role__in=sorted(ONE_FORCE_ROLES)) & Q(force__isnull=True))
                ),
                violation_error_message=(
                    "PCC staff, force leads, office administrators and scrutiny members need a "
                    "force; national administrators and viewers must not have one."
                ),
            ),
            models.CheckConstraint(name="user_role_valid", condition=Q(role__in=Role.values)),
        ]

    @classmethod
    def normalize_username(cls, username: str) -> str:
        return canonical_username(super().normalize_username(username))

    def __str__(self) -> str:
        full_name = self.get_full_name()
        return f"{full_name} ({self.username})" if full_name else self.username

    def has_perm(self, perm: str, obj: models.Model | None = None) -> bool:
        """What permissions.py's rules allow, and nothing else: not Django's "an active superuser
        may do anything" (the rules count a superuser as a national administrator, who may not,
        say, delete a letter as sent), and not the stock permission tables (the tracker's sign-in
        backends grant nothing)."""
        return self.is_active and any(
            backend.has_perm(self, perm, obj)
            for backend in get_backends()
            if hasattr(backend, "has_perm")
        )

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and any(
            backend.has_module_perms(self, app_label)
            for backend in get_backends()
            if hasattr(backend, "has_module_perms")
        )

    @property
    def is_national_admin(self) -> bool:
        return self.is_superuser or self.role == Role.NATIONAL_ADMIN

    @property
    def is_force_user(self) -> bool:
        return self.role in FORCE_ROLES and not self.is_superuser

    @property
    def is_force_lead(self) -> bool:
        return self.role == Role.FORCE_LEAD and not self.is_superuser

    @property
    def reads_one_force(self) -> bool:
        """Reads one force's items (its workers, its office administrators and scrutiny)."""
        return self.role in ONE_FORCE_READERS and not self.is_superuser

    @property
    def is_office_admin(self) -> bool:
        return self.role == Role.OFFICE_ADMIN and not self.is_superuser

    @property
    def reads_drafts(self) -> bool:
        """Draft letters are the office's and the force's working papers: scrutiny members and
        office administrators read what was sent."""
        return self.is_superuser or self.role not in {Role.SCRUTINY, Role.OFFICE_ADMIN}

    @property
    def sees_all_forces(self) -> bool:
        return self.is_superuser or self.role in {Role.NATIONAL_ADMIN, Role.VIEWER}
