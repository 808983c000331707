"""The accountability meeting pack: what a PCC's meeting (or a region's) reads about a force's
findings on a date, kept as an immutable snapshot so the next pack can say what changed."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from .choices import RagRule
from .reference import Force, Region


def pack_upload_to(instance: "MeetingPack", filename: str) -> str:
    return f"meeting-packs/{instance.uuid}/{filename}"


class MeetingPackQuerySet(models.QuerySet["MeetingPack"]):
    def awaiting_files(self) -> "MeetingPackQuerySet":
        return self.filter(pdf="")

    def for_area(self, *, force: Force | None, region: Region | None) -> "MeetingPackQuerySet":
        return self.filter(force=force, region=region)


class MeetingPack(models.Model):
    """One pack, for one force or one region. ``snapshot`` holds every figure and row the files
    show, so the pack can be read back and compared without recomputing it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    force = models.ForeignKey(
        Force, on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_packs"
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_packs"
    )
    meeting_date = models.DateField()
    rag_rule = models.CharField(max_length=20, choices=RagRule.choices, default=RagRule.OVERDUE)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_packs",
        help_text="The pack this one says what changed since.",
    )
    snapshot = models.JSONField()
    # Empty until written: a large pack's files are written by the render_meeting_packs command.
    docx = models.FileField(upload_to=pack_upload_to, max_length=255, blank=True)
    pdf = models.FileField(upload_to=pack_upload_to, max_length=255, blank=True)
    # A region's pack: every item, as a spreadsheet (its paper lists only the exceptions).
    annex = models.FileField(upload_to=pack_upload_to, max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_packs"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingPackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="pack_for_a_force_or_a_region",
                condition=Q(force__isnull=False, region__isnull=True)
                | Q(force__isnull=True, region__isnull=False),
            ),
            models.CheckConstraint(
                name="pack_rag_rule_valid", condition=Q(rag_rule__in=RagRule.values)
            ),
        ]
        indexes = [
            models.Index(fields=["force", "-created_at"], name="pack_force_idx"),
            models.Index(fields=["region", "-created_at"], name="pack_region_idx"),
        ]

    def __str__(self) -> str:
        return f"Meeting pack: {self.area_name}, {self.meeting_date:%-d %B %Y}"

    @property
    def files_ready(self) -> bool:
        return bool(self.docx) and bool(self.pdf)

    @property
    def area_name(self) -> str:
        area = self.force or self.region
        return str(area)
