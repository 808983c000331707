"""Writes for letters: draft, edit, issue (freeze), discard; letters sent elsewhere; publication.
Each in one transaction."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Collection, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from inspections import clock, permissions, pictures
from inspections.history import record_author
from inspections.models import (
    ChiefConstableComments,
    FindingKind,
    Force,
    Inspection,
    LetterPurpose,
    LetterSection,
    LetterSentElsewhere,
    LetterStatus,
    LetterTemplate,
    ProgressLetter,
    Publication,
    Responder,
    User,
)
from inspections.responses import queries
from inspections.text import REASON_MAX
from inspections.validation import text_problems

from . import content, render


class StaleLetterError(Exception):
    """Someone else saved the draft since this copy was read."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def require_editor(user: User, force: Force, inspection: Inspection) -> None:
    if not permissions.can_write_response(user, force, inspection):
        who = (
            "force lead or PCC staff" if permissions.answered_by_force(inspection) else "PCC staff"
        )
        raise PermissionDenied(f"Only {force.name}'s {who} can draft and issue these letters.")


def require_template_keeper(user: User, force: Force, writer: str) -> None:
    if not permissions.can_keep_letter_template(user, force, writer):
        raise PermissionDenied(f"You cannot change {force.name}'s letter template.")


@transaction.atomic
def draft_letter(
    *,
    force: Force,
    inspection: Inspection,
    author: User,
    letter_date: datetime.date | None = None,
) -> ProgressLetter:
    """A new draft from the force's latest updates, following its last issued letter if any.
    The first letter on a report is its s.55 response; once one has been sent, a new letter
    reports progress since the latest letter sent (the office may change either on the draft)."""
    require_editor(author, force, inspection)
    if ProgressLetter.objects.drafts().filter(force=force, inspection=inspection).exists():
        raise ValidationError(
            "There is already a draft letter for this force and inspection: carry on with that "
            "one, or discard it first."
        )
    last_sent = queries.latest_letter_sent_on(force, inspection)
    purpose = LetterPurpose.RESPONSE if last_sent is None else LetterPurpose.PROGRESS
    built = content.from_data(
        force, inspection, letter_date or clock.today(), purpose=purpose, since=last_sent
    )
    letter = ProgressLetter(
        force=force,
        inspection=inspection,
        purpose=purpose,
        letter_date=built.letter_date,
        recipient_name=built.recipient_name,
        recipient_office=built.recipient_office,
        recipient_address="\n".join(built.recipient_address),
        title=built.title,
        opening="\n\n".join(built.opening),
        closing="\n\n".join(built.closing),
        signatory_name=built.signatory_name,
        signatory_title="\n".join(built.signatory_title),
        cc="\n".join(built.cc),
        letterhead_name=built.letterhead_name,
        letterhead_address="\n".join(built.letterhead_address),
        reference=built.reference,
        salutation=built.salutation,
        valediction=built.valediction,
        follows=ProgressLetter.objects.issued()
        .filter(force=force, inspection=inspection)
        .order_by("-issued_on", "-issued_at")
        .first(),
        created_by=author,
    )
    # The template's pictures are copied: a later change to the template leaves this letter be.
    for name, image in (("logo", built.logo), ("signature", built.signature)):
        if image is not None:
            extension = "png" if image.content_type == "image/png" else "jpg"
            getattr(letter, name).save(f"{name}.{extension}", ContentFile(image.data), save=False)
    record_author(letter, author)
    letter.save()
    LetterSection.objects.bulk_create(
        LetterSection(
            letter=letter,
            recommendation_id=section.recommendation_id,
            kind=section.kind,
            number=section.number,
            recommendation_text=section.recommendation_text,
            narrative=section.narrative,
            source_update_id=section.update_id,
        )
        for section in built.sections
    )
    return letter


@transaction.atomic
def keep_as_printed(
    *, letter: ProgressLetter, author: User, printed_date: str, headings: Mapping[int, str]
) -> ProgressLetter:
    """Before a letter sent in another style is issued: keep its date and its findings' headings
    exactly as printed (``headings`` by finding number), so the issued letter reproduces what
    was sent rather than the house style."""
    locked = ProgressLetter.objects.select_for_update().get(pk=letter.pk)
    require_editor(author, locked.force, locked.inspection)
    if locked.is_issued:
        raise ValidationError("An issued letter cannot be changed.")
    problems = [
        problem
        for text in (printed_date, *headings.values())
        for problem in text_problems(text, 60)
    ]
    if problems:
        raise ValidationError(problems)
    locked.printed_date = printed_date.strip()
    record_author(locked, author)
    locked.save(update_fields=["printed_date", "updated_at"])
    for section in locked.sections.all():
        if section.number in headings and section.kind == FindingKind.RECOMMENDATION:
            section.heading = headings[section.number].strip()
            section.save(update_fields=["heading"])
    return locked


EDITABLE_FIELDS = (
    "purpose",
    "letterhead_name",
    "letterhead_address",
    "letter_date",
    "reference",
    "recipient_name",
    "recipient_office",
    "recipient_address",
    "title",
    "salutation",
    "opening",
    "closing",
    "valediction",
    "signatory_name",
    "signatory_title",
    "cc",
)


@transaction.atomic
def update_draft(
    *,
    letter: ProgressLetter,
    author: User,
    version: int,
    fields: Mapping[str, object],
    narratives: Mapping[int, str],
    use_latest: Collection[int] = (),
) -> ProgressLetter:
    """Save edits to a draft, refusing if someone else saved it since ``version`` was read. The
    sections in ``use_latest`` take the latest update's narrative instead of what was typed."""
    locked = ProgressLetter.objects.select_for_update().get(pk=letter.pk)
    require_editor(author, locked.force, locked.inspection)
    if locked.is_issued:
        raise ValidationError("This letter has been issued and can no longer be changed.")
    if locked.version != version:
        raise StaleLetterError(
            "Someone else saved this draft while you were editing it. Reload it to see their "
            "changes, then make yours again."
        )
    for name in EDITABLE_FIELDS:
        if name in fields:
            setattr(locked, name, fields[name])
    locked.version += 1
    locked.full_clean(exclude=["follows", "created_by", "issued_by"])
    record_author(locked, author)
    locked.save()
    newer = content.newer_updates(locked) if use_latest else {}
    for section in locked.sections.all():
        narrative, source = narratives.get(section.pk, section.narrative), section.source_update
        if section.pk in use_latest and section.pk in newer:
            source = newer[section.pk]
            narrative = source.narrative
        if narrative != section.narrative or source != section.source_update:
            section.narrative, section.source_update = narrative, source
            section.full_clean(exclude=["letter", "recommendation", "source_update"])
            record_author(section, author)
            section.save(update_fields=["narrative", "source_update"])
    return locked


@transaction.atomic
def issue_letter(
    *, letter: ProgressLetter, author: User, issued_on: datetime.date | None = None
) -> ProgressLetter:
    """Freeze the letter: its HTML, DOCX and PDF are stored with their SHA-256 and never change."""
    locked = (
        ProgressLetter.objects.select_for_update(of=("self",))
        .select_related("force", "inspection")
        .get(pk=letter.pk)
    )
    require_editor(author, locked.force, locked.inspection)
    if locked.is_issued:
        raise ValidationError("This letter has already been issued.")
    issued_on = issued_on or clock.today()
    if issued_on > clock.today():
        raise ValidationError({"issued_on": "The issue date cannot be in the future."})
    if issued_on < locked.inspection.published:
        raise ValidationError({"issued_on": "The issue date is before the report was published."})
    if any(not section.narrative.strip() for section in locked.sections.all()):
        raise ValidationError("Every recommendation needs a narrative before the letter is issued.")
    if locked.purpose == LetterPurpose.RESPONSE:
        refuse_second_response(locked.force, locked.inspection)
    built = content.from_letter(locked)
    # Stored without surrounding whitespace, as all the tracker's text is, so that a backup
    # restored from XML (which trims text values) keeps the exact bytes the hash covers.
    html = render.html(built).strip().encode("utf-8")
    docx = render.docx(built)
    pdf = render.pdf(built)
    stem = f"{locked.force.slug}-{locked.inspection.slug}-{issued_on:%Y-%m-%d}"
    locked.html_snapshot = html.decode("utf-8")
    locked.html_sha256 = sha256(html)
    locked.docx_file.save(f"{stem}.docx", ContentFile(docx), save=False)
    locked.docx_sha256 = sha256(docx)
    locked.pdf_file.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    locked.pdf_sha256 = sha256(pdf)
    locked.status = LetterStatus.ISSUED
    locked.issued_on = issued_on
    locked.issued_at = timezone.now()
    locked.issued_by = author
    record_author(locked, author)
    locked.save()
    return locked


@transaction.atomic
def discard_draft(*, letter: ProgressLetter, author: User) -> None:
    require_editor(author, letter.force, letter.inspection)
    if letter.is_issued:
        raise ValidationError("An issued letter cannot be discarded.")
    record_author(letter, author)
    letter.delete()


def refuse_second_response(force: Force, inspection: Inspection) -> None:
    """At most one letter on a report is the s.55 response: a second one is asked about, never
    counted silently (the office can make it the response from its page afterwards)."""
    current = queries.response_letter(force, inspection)
    if current is not None:
        sent = getattr(current, "issued_on", None) or getattr(current, "sent_on", None)
        raise ValidationError(
            {
                "purpose": f"The s.55 response to this report was already sent on "
                f"{sent:%-d %B %Y}. Record this as a progress letter, or make it the response "
                "from its page afterwards."
            }
        )


@transaction.atomic
def choose_response(
    *, letter: ProgressLetter | LetterSentElsewhere, reason: str, author: User
) -> ProgressLetter | LetterSentElsewhere:
    """After the check page: this letter (issued, or sent elsewhere and not withdrawn) is the
    office's s.55 response to its report; every other letter on it becomes a progress letter.
    The reason is kept in each changed letter's history."""
    require_editor(author, letter.force, letter.inspection)
    if isinstance(letter, ProgressLetter) and not letter.is_issued:
        raise ValidationError("Only a letter that was sent can be the response: issue it first.")
    if isinstance(letter, LetterSentElsewhere) and letter.is_withdrawn:
        raise ValidationError("A withdrawn letter cannot be the response.")
    problems = text_problems(reason or "", REASON_MAX)
    if not (reason or "").strip():
        problems.append("Say why this letter is the response: the reason is kept.")
    if problems:
        raise ValidationError({"reason": problems})
    why = f"Chosen as the s.55 response: {reason.strip()}"
    others: list[ProgressLetter | LetterSentElsewhere] = [
        *ProgressLetter.objects.issued()
        .select_for_update()
        .filter(force=letter.force, inspection=letter.inspection),
        *LetterSentElsewhere.objects.current()
        .select_for_update()
        .filter(force=letter.force, inspection=letter.inspection),
    ]
    for other in others:
        chosen = type(other) is type(letter) and other.pk == letter.pk
        purpose = LetterPurpose.RESPONSE if chosen else LetterPurpose.PROGRESS
        if other.purpose != purpose:
            other.purpose = purpose
            record_author(other, author)
            other._change_reason = why  # type: ignore[union-attr]  # simple-history's hook
            other.save(update_fields=["purpose"])
    letter.refresh_from_db(fields=["purpose"])
    return letter


# --- responses sent elsewhere, and publication ------------------------------------------------


@transaction.atomic
def record_letter_sent_elsewhere(
    *,
    force: Force,
    inspection: Inspection,
    sent_on: datetime.date,
    file: File[bytes],
    note: str = "",
    purpose: str = LetterPurpose.RESPONSE,
    author: User,
    today: datetime.date | None = None,
) -> LetterSentElsewhere:
    """A letter the office sent outside the tracker: a response counts for s.55 like an issued
    one; a progress letter is listed, never timed."""
    require_editor(author, force, inspection)
    today = today or clock.today()
    problems = []
    if sent_on > today:
        problems.append("The date it was sent cannot be in the future.")
    if inspection.published is not None and sent_on < inspection.published:
        problems.append(
            f"The date it was sent cannot be before the report was published "
            f"({inspection.published:%-d %B %Y})."
        )
    if problems:
        raise ValidationError(problems)
    if purpose == LetterPurpose.RESPONSE:
        refuse_second_response(force, inspection)
    data = file.read()
    file.seek(0)
    record = LetterSentElsewhere(
        force=force,
        inspection=inspection,
        sent_on=sent_on,
        file_name=(file.name or "letter").rsplit("/", 1)[-1],
        file_sha256=sha256(data),
        note=note,
        purpose=purpose,
        recorded_by=author,
    )
    record.file.save(record.file_name, ContentFile(data), save=False)
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def withdraw_letter_sent_elsewhere(
    *, record: LetterSentElsewhere, reason: str, author: User
) -> LetterSentElsewhere:
    """Recorded in error: it stops counting (and leaves the public pages) but is kept."""
    require_editor(author, record.force, record.inspection)
    record = LetterSentElsewhere.objects.select_for_update().get(pk=record.pk)
    if record.is_withdrawn:
        raise ValidationError("This letter was already withdrawn.")
    if not reason.strip():
        raise ValidationError("Say why the record is withdrawn.")
    record.withdrawn_at = timezone.now()
    record.withdrawn_by = author
    record.withdrawn_reason = reason
    record.save()
    return record


@transaction.atomic
def publish_response(
    *,
    letter: ProgressLetter | LetterSentElsewhere,
    office_url: str = "",
    with_chief_comments: bool = False,
    author: User,
) -> Publication:
    """Make a sent response public on the service's open pages, with the chief constable's
    comments and the office's response to them when asked."""
    require_editor(author, letter.force, letter.inspection)
    kind: dict[str, ProgressLetter | LetterSentElsewhere | None]
    if isinstance(letter, ProgressLetter):
        letter = ProgressLetter.objects.select_for_update().get(pk=letter.pk)
        if not letter.is_issued or letter.issued_on is None:
            raise ValidationError("Only an issued letter can be published: issue it first.")
        sent_on, kind = letter.issued_on, {"letter": letter, "sent_elsewhere": None}
    else:
        letter = LetterSentElsewhere.objects.select_for_update().get(pk=letter.pk)
        if letter.is_withdrawn:
            raise ValidationError("This letter was withdrawn, so it cannot be published.")
        sent_on, kind = letter.sent_on, {"letter": None, "sent_elsewhere": letter}
    if Publication.objects.filter(**kind).exists():
        raise ValidationError("This letter is already published.")
    chief_comments = None
    if with_chief_comments:
        chief_comments = ChiefConstableComments.objects.filter(
            force=letter.force, inspection=letter.inspection
        ).first()
        if chief_comments is None:
            raise ValidationError("No chief constable's comments are recorded for this report.")
    publication = Publication(
        force=letter.force,
        inspection=letter.inspection,
        sent_on=sent_on,
        chief_comments=chief_comments,
        office_url=office_url,
        published_by=author,
        **kind,
    )
    if chief_comments is not None:
        freeze_comments(publication, chief_comments)
    publication.full_clean()
    publication.save()
    return publication


def comments_fingerprint(comments: ChiefConstableComments) -> str:
    """What the comments and the response say, as one hash: the published copy's, or the
    current record's, to tell whether they differ."""
    digest = hashlib.sha256()
    for part in (str(comments.received_on), comments.text, comments.pcc_response):
        digest.update(part.encode("utf-8") + b"\x1f")
    if comments.file:
        with comments.file.open("rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()


def freeze_comments(publication: Publication, comments: ChiefConstableComments) -> None:
    """Copy the comments, the response and the file onto the publication as they stand now."""
    publication.comments_received_on = comments.received_on
    publication.comments_text = comments.text
    publication.comments_response = comments.pcc_response
    publication.comments_file_name = comments.file_name if comments.file else ""
    if comments.file:
        with comments.file.open("rb") as handle:
            data = handle.read()
        publication.comments_file.save(comments.file_name, ContentFile(data), save=False)
    else:
        publication.comments_file = ""
    publication.comments_sha256 = comments_fingerprint(comments)
    publication.comments_published_at = timezone.now()


def comments_changed_since_published(publication: Publication) -> bool:
    comments = publication.chief_comments
    return comments is not None and comments_fingerprint(comments) != publication.comments_sha256


@transaction.atomic
def republish_comments(*, publication: Publication, author: User) -> Publication:
    """After the check page: the public pages show the comments and the response as they now
    stand. The copy published before is replaced (its history keeps it)."""
    locked = Publication.objects.select_for_update().get(pk=publication.pk)
    if not permissions.can_publish(author, locked.force):
        raise PermissionDenied(f"Only {locked.force.name}'s PCC staff publish its comments.")
    comments = ChiefConstableComments.objects.filter(
        force=locked.force, inspection=locked.inspection
    ).first()
    if comments is None:
        raise ValidationError("No chief constable's comments are recorded for this report.")
    if locked.chief_comments_id == comments.pk and not comments_changed_since_published(locked):
        raise ValidationError("The published comments are already the current ones.")
    locked.chief_comments = comments
    freeze_comments(locked, comments)
    record_author(locked, author)
    locked.save()
    return locked


@transaction.atomic
def save_chief_comments(
    *,
    force: Force,
    inspection: Inspection,
    author: User,
    received_on: datetime.date,
    text: str,
    file: File[bytes] | None = None,
    pcc_response: str | None = None,
    today: datetime.date | None = None,
) -> ChiefConstableComments:
    """Record (or correct) the chief constable's comments on a report; PCC staff also record the
    office's response to them. A file already kept stays unless a new one replaces it."""
    if not permissions.can_record_chief_comments(author, force):
        raise PermissionDenied(f"Only {force.name}'s own people record its chief's comments.")
    comments = (
        ChiefConstableComments.objects.select_for_update()
        .filter(force=force, inspection=inspection)
        .first()
    ) or ChiefConstableComments(force=force, inspection=inspection, recorded_by=author)
    if pcc_response is not None and pcc_response != comments.pcc_response:
        if not permissions.can_respond_to_chief_comments(author, force):
            raise PermissionDenied("Only the PCC's staff record the response to the comments.")
        comments.pcc_response = pcc_response
    today = today or clock.today()
    problems = []
    if received_on > today:
        problems.append("The date they were received cannot be in the future.")
    if received_on < inspection.published:
        problems.append(
            "The date they were received cannot be before the report was published "
            f"({inspection.published:%-d %B %Y})."
        )
    if not text.strip() and file is None and not comments.file:
        problems.append("Give the comments as text, as a file, or both.")
    if problems:
        raise ValidationError(problems)
    comments.received_on = received_on
    comments.text = text
    if file is not None:
        comments.file_name = (file.name or "comments").rsplit("/", 1)[-1]
        comments.file.save(comments.file_name, file, save=False)
    comments.full_clean(exclude=["recorded_by"])
    record_author(comments, author)
    comments.save()
    return comments


TEMPLATE_TEXT_FIELDS = (
    "office_name",
    "office_address",
    "reference",
    "salutation",
    "valediction",
    "signatory_name",
    "signatory_title",
    "cc",
)


@transaction.atomic
def save_letter_template(
    *,
    force: Force,
    author: User,
    values: Mapping[str, str],
    logo: File[bytes] | None = None,
    signature: File[bytes] | None = None,
    remove_logo: bool = False,
    remove_signature: bool = False,
    writer: str = Responder.OFFICE,
) -> LetterTemplate:
    """Keep the office's letter template, or the force's own (``writer``): every new draft of
    theirs starts from it, and drafts already made follow it in every part not changed on the
    draft itself (issued letters keep what they were issued with)."""
    require_template_keeper(author, force, writer)
    template = LetterTemplate.objects.select_for_update().filter(
        force=force, writer=writer
    ).first() or LetterTemplate(force=force, writer=writer)
    drafts = [
        draft
        for draft in ProgressLetter.objects.drafts()
        .select_for_update(of=("self",))
        .select_related("inspection", "force")
        .filter(force=force)
        if draft.inspection.duty.responder == writer
    ]
    before = {d.pk: content.template_fields(force, d.inspection, template) for d in drafts}
    for name in TEMPLATE_TEXT_FIELDS:
        if name in values:
            setattr(template, name, values[name])
    replaced = []
    for field, upload, remove in (
        ("logo", logo, remove_logo),
        ("signature", signature, remove_signature),
    ):
        if upload is not None:
            if problem := pictures.image_problem(upload):
                raise ValidationError({field: problem})
            name = (upload.name or field).rsplit("/", 1)[-1]
            upload.seek(0)
            kept = ContentFile(pictures.fitted(upload.read()), name=name)
            replaced.append(getattr(template, field).name)
            getattr(template, field).save(name, kept, save=False)
        elif remove:
            replaced.append(getattr(template, field).name)
            setattr(template, field, "")
    template.full_clean()
    record_author(template, author)
    template.save()
    pictures_changed = [
        field
        for field, upload, remove in (
            ("logo", logo, remove_logo),
            ("signature", signature, remove_signature),
        )
        if upload is not None or remove
    ]
    for draft in drafts:
        replaced += follow_template(
            draft=draft,
            template=template,
            before=before[draft.pk],
            pictures=pictures_changed,
            author=author,
        )
    stale = [name for name in replaced if name]
    transaction.on_commit(lambda: delete_unused_pictures(stale))
    return template


def follow_template(
    *,
    draft: ProgressLetter,
    template: LetterTemplate,
    before: Mapping[str, str],
    pictures: Collection[str],
    author: User,
) -> list[str]:
    """Give a draft the template's new values where it still holds what the old template gave
    it (an edit made on the draft is kept), and its new pictures. The draft's version moves on,
    so a page open on the old draft is asked to reload rather than overwrite. Returns the
    names of the draft's own pictures that were replaced."""
    after = content.template_fields(draft.force, draft.inspection, template)
    changed = [
        name
        for name, value in after.items()
        if value != before[name] and getattr(draft, name) == before[name]
    ]
    for name in changed:
        setattr(draft, name, after[name])
    replaced = [getattr(draft, name).name for name in pictures if getattr(draft, name)]
    for name in pictures:
        stored = getattr(template, name)
        if stored:
            stored.open("rb")
            with stored:
                data = stored.read()
            extension = "png" if data.startswith(b"\x89PNG") else "jpg"
            getattr(draft, name).save(f"{name}.{extension}", ContentFile(data), save=False)
        else:
            setattr(draft, name, "")
    if changed or pictures:
        draft.version += 1
        record_author(draft, author)
        draft.save()
    return replaced


def delete_unused_pictures(names: Collection[str]) -> None:
    """Delete replaced pictures from storage, unless a template or a letter (draft or issued)
    still refers to one: letters keep copies of their own, so this is a safeguard."""
    for name in names:
        used = (
            LetterTemplate.objects.filter(Q(logo=name) | Q(signature=name)).exists()
            or ProgressLetter.objects.filter(Q(logo=name) | Q(signature=name)).exists()
        )
        if not used:
            LetterTemplate._meta.get_field("logo").storage.delete(name)
