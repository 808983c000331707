"""What a letter says, built from the data or read from a saved letter, as one plain structure
that every output (HTML preview, DOCX, PDF) lays out the same way."""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.fields.files import FieldFile

from inspections.models import (
    FINDING_ORDER,
    AddressedTo,
    Dependency,
    DependencyKind,
    FindingKind,
    Force,
    ForceImplementation,
    Inspection,
    LetterPurpose,
    LetterRecipient,
    LetterTemplate,
    ProgressLetter,
    ProgressUpdate,
    Responder,
    Scope,
)
from inspections.models.finding_words import finding_reference
from inspections.models.reference import finding_order
from inspections.text import printable


class LetterDataError(Exception):
    """The data needed for a letter is missing; the message says what to enter."""


@dataclass
class Section:
    recommendation_id: int
    number: int
    recommendation_text: str
    narrative: str
    # The update the narrative comes from (None when there is none, or for a saved letter).
    update_id: int | None = None
    kind: str = FindingKind.RECOMMENDATION
    # A letter as sent keeps its own heading ('Recommendation 3 –'); a draft uses the house style.
    heading: str = ""

    @property
    def reference(self) -> str:
        return finding_reference(self.kind, self.number)

    @property
    def heading_text(self) -> str:
        return self.heading or f"{self.reference}:"


@dataclass(frozen=True)
class Picture:
    """A logo or signature to print: its bytes, so every layout embeds the same image."""

    data: bytes
    content_type: str
    description: str

    @property
    def data_uri(self) -> str:
        return f"data:{self.content_type};base64,{base64.b64encode(self.data).decode('ascii')}"


def picture(stored: FieldFile | None, description: str) -> Picture | None:
    if not stored:
        return None
    with stored.open("rb") as handle:
        data = handle.read()
    kind = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return Picture(data, kind, description)


@dataclass
class LetterContent:
    force_name: str
    inspection_title: str
    letter_date: datetime.date
    recipient_name: str
    recipient_office: str
    recipient_address: list[str]
    title: str
    opening: list[str]
    sections: list[Section]
    closing: list[str]
    signatory_name: str
    signatory_title: list[str]
    cc: list[str] = field(default_factory=list)
    # The office's letter template: all optional (West Mercia's letter of 2023 has none).
    letterhead_name: str = ""
    letterhead_address: list[str] = field(default_factory=list)
    reference: str = ""
    salutation: str = ""
    valediction: str = ""
    logo: Picture | None = None
    signature: Picture | None = None
    # A letter as sent keeps its date as printed ('04 September 2023'); a draft uses the house
    # style ('6 December 2026').
    printed_date: str = ""

    def printable(self) -> LetterContent:
        """The same letter with any control character dropped: Word and PDF files cannot hold
        them, and text stored before they were refused at input may still contain one."""

        def clean(items: list[str]) -> list[str]:
            return [printable(item) for item in items]

        return replace(
            self,
            force_name=printable(self.force_name),
            inspection_title=printable(self.inspection_title),
            recipient_name=printable(self.recipient_name),
            recipient_office=printable(self.recipient_office),
            recipient_address=clean(self.recipient_address),
            title=printable(self.title),
            opening=clean(self.opening),
            sections=[
                replace(
                    s,
                    recommendation_text=printable(s.recommendation_text),
                    narrative=printable(s.narrative),
                )
                for s in self.sections
            ],
            closing=clean(self.closing),
            signatory_name=printable(self.signatory_name),
            signatory_title=clean(self.signatory_title),
            cc=clean(self.cc),
            letterhead_name=printable(self.letterhead_name),
            letterhead_address=clean(self.letterhead_address),
            reference=printable(self.reference),
            salutation=printable(self.salutation),
            valediction=printable(self.valediction),
        )

    @property
    def date_text(self) -> str:
        return self.printed_date or f"{self.letter_date:%-d %B %Y}"


def ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def long_date(value: datetime.date) -> str:
    """'11th July 2023', as letters write it."""
    return f"{ordinal(value.day)} {value:%B %Y}"


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def progress_opening(force: Force, inspection: Inspection, since: datetime.date | None) -> str:
    """A progress letter's opening: it reports progress since the last letter, naming its date."""
    last = f" since my letter of {long_date(since)}" if since is not None else ""
    return (
        f"I am writing to update you on the progress made in {force.short_name}{last} against "
        f"the recommendations of the above {inspection.issued_by} report, published on "
        f"{long_date(inspection.published)}.\n\nBelow I set out where each recommendation "
        "now stands."
    )


def force_opening(force: Force, inspection: Inspection) -> str:
    """The opening of a response the force writes (to a coroner, the IOPC, an inquiry): what
    it answers, and that it says for each what is done or proposed, with a timetable, or why
    nothing is (what a prevention of future deaths report and the IOPC ask for)."""
    sent = (
        f", sent to {force.short_name} on {long_date(inspection.sent_on)}"
        if inspection.sent_on
        else ""
    )
    first = (
        f"I am writing in response to the {inspection.duty.report_words} "
        f"'{inspection.title}' of {long_date(inspection.published)}{sent}."
    )
    if inspection.summary.strip():
        first += " " + inspection.summary.strip()
    second = (
        f"It made {findings_in_words(inspection)}. For each, I set out below the action "
        f"{force.short_name} has taken or proposes to take, with its timetable, or why no "
        "action is proposed."
    )
    return f"{first}\n\n{second}"


def default_opening(force: Force, inspection: Inspection) -> str:
    """The opening, with the counts and the date computed, never typed."""
    if inspection.duty.responder == Responder.FORCE:
        return force_opening(force, inspection)
    counts = inspection.recommendations.aggregate(
        total=Count("pk"),
        local=Count("pk", filter=Q(scope=Scope.LOCAL)),
        waiting=Count("pk", filter=Q(scope=Scope.LOCAL, dependencies__isnull=False), distinct=True),
    )
    first = (
        f"I am writing to you in response to the above {inspection.issued_by} report "
        f"published on {long_date(inspection.published)}."
    )
    if inspection.summary.strip():
        first += " " + inspection.summary.strip()
    if inspection.addressed_to == AddressedTo.EVERY_FORCE:
        second = (
            "Alongside identifying good practice, the inspectorate identified a number of "
            f"improvements to be made, resulting in {counts['total']} national recommendations "
            f"({counts['local']} of which were for local forces). Below I set out how the Chief "
            f"Constable in {force.short_name} will address these recommendations."
        )
    else:
        second = (
            f"The inspectorate identified {findings_in_words(inspection)}. Below I set out how "
            f"the Chief Constable in {force.short_name} will address them."
        )
    if counts["waiting"]:
        second += (
            " In many cases, delivery against the local recommendations is reliant on or will be "
            "informed by regional and national activity."
        )
        if includes := dependency_summary(inspection):
            second += f" This includes {includes}."
    return f"{first}\n\n{second}"


def findings_in_words(inspection: Inspection) -> str:
    """'1 cause of concern, 2 recommendations and 3 areas for improvement'."""
    counts = dict(inspection.recommendations.values_list("kind").annotate(n=Count("pk")).order_by())
    parts = []
    for kind in FindingKind:
        n = counts.get(kind.value, 0)
        if n:
            noun = {
                FindingKind.CAUSE_OF_CONCERN: ("cause of concern", "causes of concern"),
                FindingKind.RECOMMENDATION: ("recommendation", "recommendations"),
                FindingKind.AREA_FOR_IMPROVEMENT: ("area for improvement", "areas for improvement"),
            }[kind][n != 1]
            parts.append(f"{n} {noun}")
    if not parts:
        return "no findings"
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def dependency_summary(inspection: Inspection) -> str:
    """What the local recommendations wait on, in the letter's words, from the kinds of the
    dependencies recorded against them (regional arrangements, national guidance, APP)."""
    kinds = set(
        Dependency.objects.filter(
            recommendations__inspection=inspection, recommendations__scope=Scope.LOCAL
        ).values_list("kind", flat=True)
    )
    parts = []
    if kinds & {DependencyKind.REGIONAL_ARRANGEMENT, DependencyKind.OTHER}:
        parts.append("regional and national coordination")
    changes = []
    if DependencyKind.NATIONAL_GUIDANCE in kinds:
        changes.append("national guidance")
    if DependencyKind.APP_REVISION in kinds:
        changes.append("Authorised Professional Practice (APP)")
    if changes:
        parts.append("changes to " + " and ".join(changes))
    if DependencyKind.EQUIPMENT in kinds:
        parts.append("equipment from national suppliers")
    return ", and ".join(parts)


def default_closing(force: Force, inspection: Inspection) -> str:
    if inspection.duty.responder == Responder.FORCE:
        return (
            f"{force.short_name} will keep you informed of its progress against these actions, "
            "and the police and crime commissioner's office tracks them with us."
        )
    return (
        "I will continue to hold the Chief Constable to account for delivering these "
        f"recommendations in {force.short_name}, and to monitor progress through my ongoing "
        "assurance and accountability activity."
    )


def default_cc(force: Force, inspection: Inspection) -> str:
    if inspection.duty.responder == Responder.FORCE:
        return force.local_policing_body or "The police and crime commissioner"
    return f"{force.name} Chief Constable\n{inspection.issued_by}"


def current_sections(force: Force, inspection: Inspection) -> list[Section]:
    """Each local recommendation in number order with the force's latest narrative, in one
    query whatever the number of updates."""
    latest = ProgressUpdate.objects.filter(implementation=OuterRef("pk")).latest_first()
    rows = (
        ForceImplementation.objects.filter(
            force=force, recommendation__inspection=inspection, recommendation__scope=Scope.LOCAL
        )
        .annotate(
            latest_narrative=Subquery(latest.values("narrative")[:1]),
            latest_update=Subquery(latest.values("pk")[:1]),
        )
        .values(
            "recommendation_id",
            "recommendation__kind",
            "recommendation__number",
            "recommendation__text",
            "latest_narrative",
            "latest_update",
        )
        .order_by(finding_order("recommendation__"), "recommendation__number")
    )
    return [
        Section(
            recommendation_id=row["recommendation_id"],
            number=row["recommendation__number"],
            kind=row["recommendation__kind"],
            recommendation_text=row["recommendation__text"],
            narrative=row["latest_narrative"] or "",
            update_id=row["latest_update"],
        )
        for row in rows
    ]


def recipient(key: str) -> LetterRecipient:
    found = LetterRecipient.objects.filter(key=key).first()
    if found is None:
        raise LetterDataError(
            "No letter recipient is set: a national administrator should enter the Home "
            "Secretary under Letter recipients (or run load_reference_data)."
        )
    return found


def from_data(
    force: Force,
    inspection: Inspection,
    letter_date: datetime.date,
    *,
    purpose: str = LetterPurpose.RESPONSE,
    since: datetime.date | None = None,
) -> LetterContent:
    """A letter as it would be drafted today from the force's latest updates: the response
    answers the report, a progress letter reports progress since the letter of ``since``."""
    sections = current_sections(force, inspection)
    if not sections:
        raise LetterDataError(f"{inspection.title} has no local recommendations to report on.")
    if not any(section.narrative for section in sections):
        raise LetterDataError(
            f"{force.name} has recorded no progress updates on {inspection.title} yet."
        )
    office = template_for(force, inspection.duty.responder)
    return LetterContent(
        force_name=force.name,
        inspection_title=inspection.title,
        letter_date=letter_date,
        **addressee(inspection),
        title=inspection.title,
        opening=paragraphs(
            default_opening(force, inspection)
            if purpose == LetterPurpose.RESPONSE
            else progress_opening(force, inspection, since)
        ),
        sections=sections,
        closing=paragraphs(default_closing(force, inspection)),
        **from_template(force, inspection, office),
        logo=picture(office.logo, f"Logo of {office.office_name or force.name}"),
        signature=picture(office.signature, "Signature"),
    )


def addressee(inspection: Inspection) -> dict[str, Any]:
    """Who the letter goes to: for an HMICFRS report, the Home Secretary as a national
    administrator keeps the name and address; for any other, the body that made the
    recommendations, by the name the report gives it, else as its duty names the recipient
    ("The joint audit committee"); the address is added on the draft."""
    if key := inspection.duty.recipient_key:
        to = recipient(key)
        return {
            "recipient_name": to.name,
            "recipient_office": to.office,
            "recipient_address": lines(to.address),
        }
    named = inspection.inspectorate or inspection.duty.recipient
    return {
        "recipient_name": named[:1].upper() + named[1:],
        "recipient_office": "",
        "recipient_address": [],
    }


def template_for(force: Force, writer: str) -> LetterTemplate:
    """The letter template of the force's office, or of the force itself (``Responder``)."""
    return LetterTemplate.objects.filter(force=force, writer=writer).first() or LetterTemplate(
        force=force, writer=writer
    )


def from_template(force: Force, inspection: Inspection, office: LetterTemplate) -> dict[str, Any]:
    """What a letter takes from the template (or, where it is not filled in, from the force's
    record: the commissioner signs the office's letters, the chief constable the force's), as
    ``LetterContent`` holds it."""
    if office.writer == Responder.FORCE:
        name = force.chief_constable_name or "[Chief constable's name not entered]"
        title = ["Chief Constable", force.short_name]
    else:
        name = force.commissioner_name or "[Commissioner's name not entered]"
        title = [force.commissioner_title or "Commissioner", force.short_name]
    return {
        "signatory_name": office.signatory_name or name,
        "signatory_title": lines(office.signatory_title) or title,
        "cc": lines(office.cc or default_cc(force, inspection)),
        "letterhead_name": office.office_name,
        "letterhead_address": lines(office.office_address),
        "reference": office.reference,
        "salutation": office.salutation,
        "valediction": office.valediction,
    }


def template_fields(force: Force, inspection: Inspection, office: LetterTemplate) -> dict[str, str]:
    """``from_template`` as a draft letter's fields store it (lines joined)."""
    return {
        name: "\n".join(value) if isinstance(value, list) else value
        for name, value in from_template(force, inspection, office).items()
    }


def from_letter(letter: ProgressLetter) -> LetterContent:
    """A saved letter's content (draft or issued), sections in number order."""
    return LetterContent(
        force_name=letter.force.name,
        inspection_title=letter.inspection.title,
        letter_date=letter.letter_date,
        recipient_name=letter.recipient_name,
        recipient_office=letter.recipient_office,
        recipient_address=lines(letter.recipient_address),
        title=letter.title,
        opening=paragraphs(letter.opening),
        sections=[
            Section(
                s.recommendation_id,
                s.number,
                s.recommendation_text,
                s.narrative,
                kind=s.kind,
                heading=s.heading,
            )
            for s in sorted(letter.sections.all(), key=lambda s: (FINDING_ORDER[s.kind], s.number))
        ],
        closing=paragraphs(letter.closing),
        signatory_name=letter.signatory_name,
        signatory_title=lines(letter.signatory_title),
        cc=lines(letter.cc),
        letterhead_name=letter.letterhead_name,
        letterhead_address=lines(letter.letterhead_address),
        reference=letter.reference,
        salutation=letter.salutation,
        valediction=letter.valediction,
        logo=picture(letter.logo, f"Logo of {letter.letterhead_name or letter.force.name}"),
        signature=picture(letter.signature, f"Signature of {letter.signatory_name}"),
        printed_date=letter.printed_date,
    )


def newer_updates(letter: ProgressLetter) -> dict[int, ProgressUpdate]:
    """For each section of a draft whose recommendation has had an update since the one its
    narrative came from, with different words: that update (by section id). Two queries."""
    latest = ProgressUpdate.objects.filter(
        implementation__force=letter.force_id,
        implementation__recommendation=OuterRef("recommendation"),
    ).latest_first()
    sections = list(
        letter.sections.annotate(latest_id=Subquery(latest.values("pk")[:1])).values(
            "pk", "latest_id", "source_update_id", "narrative"
        )
    )
    candidates = {
        s["pk"]: s["latest_id"]
        for s in sections
        if s["latest_id"] is not None and s["latest_id"] != s["source_update_id"]
    }
    updates = ProgressUpdate.objects.select_related("author").in_bulk(candidates.values())
    narratives = {s["pk"]: s["narrative"] for s in sections}
    return {
        section_id: updates[update_id]
        for section_id, update_id in candidates.items()
        if updates[update_id].created_at >= letter.created_at
        and updates[update_id].narrative != narratives[section_id]
    }
