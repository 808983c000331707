"""Keys for the read-only API: each reads one force's data (as that force's scrutiny member
does) or, national, what the viewer reads. Only a hash of each key is kept; every use is logged
with the key's name."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from .fields import PlainCharField


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    def live(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiKey(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = PlainCharField(max_length=100, help_text="What it is for, e.g. 'Power BI dashboard'.")
    force = models.ForeignKey(
        "inspections.Force",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_keys",
        help_text="The force whose data it reads; empty for a national key.",
    )
    prefix = models.CharField(max_length=12, help_text="The key's first characters, to tell it.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        "inspections.User", on_delete=models.PROTECT, related_name="api_keys_made"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        "inspections.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_keys_revoked",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["force", "revoked_at"], name="api_key_by_force")]
        constraints = [
            models.CheckConstraint(
                name="api_key_revoked_by_someone",
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False),
            )
        ]

    def __str__(self) -> str:
        whose = self.force.name if self.force_id and self.force else "national"
        return f"{self.name} ({whose}, {self.prefix}…)"


class ApiKeyUse(models.Model):
    """One request made with a key: which, when, and the address asked for (never the key)."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="uses")
    at = models.DateTimeField(auto_now_add=True)
    path = models.CharField(max_length=300)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["key", "-at"], name="api_key_use_by_key")]

    def __str__(self) -> str:
        return f"{self.key.name} {self.path} at {self.at:%Y-%m-%d %H:%M}"
