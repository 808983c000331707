"""Emails the tracker must send, kept until they go: a notice saved with the change that caused
it, so a mail server that is down loses nothing and the daily run tries again."""

from __future__ import annotations

from django.db import models


class OutboundEmailQuerySet(models.QuerySet["OutboundEmail"]):
    def unsent(self) -> OutboundEmailQuerySet:
        return self.filter(sent_at__isnull=True)


class OutboundEmail(models.Model):
    about = models.CharField(
        max_length=100, db_index=True, help_text="What caused it, e.g. 'dependency-3'."
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    to = models.TextField(help_text="One address per line.")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_unsent_idx",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        state = "sent" if self.sent_at else f"unsent after {self.attempts} attempts"
        return f"{self.subject} ({state})"

    @property
    def recipients(self) -> list[str]:
        return [line for line in self.to.splitlines() if line.strip()]


class TeamsChannel(models.Model):
    """Where an office's notices are posted in Microsoft Teams: a Teams Workflows webhook
    address (a secret: whoever holds it can post to the channel)."""

    force = models.OneToOneField(
        "inspections.Force", on_delete=models.CASCADE, related_name="teams_channel"
    )
    webhook_url = models.URLField(max_length=2000)
    set_by = models.ForeignKey("inspections.User", on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Teams channel of {self.force}"


class OutboundPostQuerySet(models.QuerySet["OutboundPost"]):
    def unsent(self) -> OutboundPostQuerySet:
        return self.filter(sent_at__isnull=True)


class OutboundPost(models.Model):
    """An Adaptive Card the tracker must post to an office's Teams channel, kept until it goes
    (the same outbox as email: saved with the change, retried by the daily run)."""

    about = models.CharField(max_length=100, db_index=True)
    force = models.ForeignKey(
        "inspections.Force", on_delete=models.CASCADE, related_name="teams_posts"
    )
    card = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    objects = OutboundPostQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["force", "-created_at"], name="teams_post_by_force")]

    def __str__(self) -> str:
        state = "sent" if self.sent_at else f"unsent after {self.attempts} attempts"
        return f"Teams card {self.about} for {self.force_id} ({state})"
