"""Making a meeting pack: worked out, written as DOCX and PDF, and kept, in one transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify

from inspections import clock
from inspections.models import Force, MeetingPack, RagRule, Region, User

from . import render, snapshot


def latest_pack(*, force: Force | None, region: Region | None) -> MeetingPack | None:
    return MeetingPack.objects.for_area(force=force, region=region).first()


@transaction.atomic
def make_meeting_pack(
    *,
    force: Force | None,
    region: Region | None,
    meeting_date: datetime.date,
    rag_rule: str,
    by: User,
) -> MeetingPack:
    """A pack for a force or a region, compared with the area's previous pack. Once made it is
    never changed: the next pack is a new one."""
    if (force is None) == (region is None):
        raise ValidationError("A pack is for one force or one region.")
    if rag_rule not in RagRule.values:
        raise ValidationError({"rag_rule": "Choose how red, amber and green are decided."})
    today = clock.today()
    # Packs for one area are made one at a time, so each compares with the one before it.
    if force is not None:
        list(Force.objects.select_for_update().filter(pk=force.pk))
    elif region is not None:
        list(Region.objects.select_for_update().filter(pk=region.pk))
    previous = latest_pack(force=force, region=region)
    content = snapshot.build(
        force=force,
        region=region,
        meeting_date=meeting_date,
        rule=rag_rule,
        today=today,
        previous=previous.snapshot if previous else None,
    )
    pack = MeetingPack(
        force=force,
        region=region,
        meeting_date=meeting_date,
        rag_rule=rag_rule,
        previous=previous,
        snapshot=content,
        created_by=by,
    )
    stem = f"meeting-pack-{slugify(content['area'])}-{meeting_date:%Y-%m-%d}"
    pack.docx.save(f"{stem}.docx", ContentFile(render.docx(content)), save=False)
    pack.pdf.save(f"{stem}.pdf", ContentFile(render.pdf(content)), save=False)
    pack.save()
    return pack
