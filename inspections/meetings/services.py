"""Making a meeting pack: worked out, written as DOCX and PDF, and kept, in one transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils.text import slugify

from inspections import clock
from inspections.models import Force, Marking, MeetingPack, RagRule, Region, User

from . import queries, render


def latest_pack(*, force: Force | None, region: Region | None) -> MeetingPack | None:
    return MeetingPack.objects.for_area(force=force, region=region).first()


def chosen_rag_rule(force: Force | None) -> str:
    """The rule the office chose for its last pack (overdue-based until it chooses)."""
    last = (
        MeetingPack.objects.for_area(force=force, region=None)
        .values_list("rag_rule", flat=True)
        .first()
        if force is not None
        else None
    )
    return last or RagRule.OVERDUE.value


@transaction.atomic
def make_meeting_pack(
    *,
    force: Force | None,
    region: Region | None,
    meeting_date: datetime.date,
    rag_rule: str,
    as_at: str = queries.AS_AT_MADE,
    marking: str = Marking.NONE,
    by: User,
) -> MeetingPack:
    """A pack for a force or a region, compared with the area's previous pack. Once made it is
    never changed: the next pack is a new one."""
    if (force is None) == (region is None):
        raise ValidationError("A pack is for one force or one region.")
    if as_at not in queries.AS_AT_WORDS:
        raise ValidationError({"as_at": "Choose the date the figures are as at."})
    if marking not in Marking.values:
        raise ValidationError({"marking": "Choose the protective marking, or none."})
    if rag_rule not in RagRule.values:
        raise ValidationError({"rag_rule": "Choose how red, amber and green are decided."})
    today = clock.today()
    # Packs for one area are made one at a time, so each compares with the one before it.
    if force is not None:
        list(Force.objects.select_for_update().filter(pk=force.pk))
    elif region is not None:
        list(Region.objects.select_for_update().filter(pk=region.pk))
    previous = latest_pack(force=force, region=region)
    content = queries.build(
        force=force,
        region=region,
        meeting_date=meeting_date,
        rule=rag_rule,
        today=today,
        previous=previous.snapshot if previous else None,
        as_at=as_at,
        marking=marking,
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
    pack.save()
    if queries.rows_listed(content) <= WRITE_AT_ONCE:
        write_files(pack)
    else:
        transaction.on_commit(lambda: write_files_soon.enqueue())
    return pack


@task()
def write_files_soon() -> int:
    """Write the files of the packs waiting for them, in the background worker."""
    return len(write_waiting_files())


# A pack listing up to this many rows has its files written at once (well under a second); a
# larger one (a region's, say: its PDF can take half a minute) is written by the background
# worker (``django.tasks``), so no request waits for it.
WRITE_AT_ONCE = 300


def write_files(pack: MeetingPack) -> None:
    """Write a pack's DOCX and PDF, and a region's spreadsheet annex, from its snapshot (the
    same whenever they are written)."""
    content = pack.snapshot
    stem = f"meeting-pack-{slugify(content['area'])}-{pack.meeting_date:%Y-%m-%d}"
    pack.docx.save(f"{stem}.docx", ContentFile(render.docx(content)), save=False)
    pack.pdf.save(f"{stem}.pdf", ContentFile(render.pdf(content)), save=False)
    if content.get("annex"):
        pack.annex.save(f"{stem}-annex.xlsx", ContentFile(render.annex(content)), save=False)
    pack.save(update_fields=["docx", "pdf", "annex"])


def write_waiting_files() -> list[MeetingPack]:
    """Every pack still without its files, oldest first, each in its own transaction."""
    written = []
    for pk in (
        MeetingPack.objects.awaiting_files().order_by("created_at").values_list("pk", flat=True)
    ):
        with transaction.atomic():
            pack = MeetingPack.objects.select_for_update().filter(pk=pk).awaiting_files().first()
            if pack is None:  # another run wrote it meanwhile
                continue
            write_files(pack)
            written.append(pack)
    return written
