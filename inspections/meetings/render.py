"""A meeting pack as a Word document and a PDF, both drawn from its kept snapshot, so a pack
reads the same whenever it is opened."""

from __future__ import annotations

import datetime
import io
from typing import Any, cast

from django.template.loader import render_to_string
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.text.paragraph import CT_P
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from inspections.exports import Field, Sheet, write_xlsx
from inspections.models import Source
from inspections.templatetags import tracker
from inspections.text import printable


def long_date(iso: str | None) -> str:
    return tracker.long_date(iso) or "No date"


def title(snapshot: dict[str, Any]) -> str:
    return (
        f"Inspection findings: {snapshot['area']}, meeting of {long_date(snapshot['meeting_date'])}"
    )


def as_at_sentence(snapshot: dict[str, Any]) -> str:
    """Which date the figures are as at (packs made before this was kept: the day made)."""
    words = snapshot.get("as_at_words")
    on = long_date(snapshot.get("as_at") or snapshot["made_on"])
    return f"Figures are as at {on}" + (f" ({words}). " if words else ". ")


def html(snapshot: dict[str, Any]) -> str:
    """The PDF's HTML. Each overdue item's facts are one sentence, as in the DOCX, rather than
    the screen's summary list: a force's pack of 1,600 overdue items took 20 s to lay out with
    a list (a table, to WeasyPrint) for each."""
    overdue = [{**item, "facts": item_facts(item)} for item in snapshot["overdue"]]
    return render_to_string(
        "meetings/document.html",
        {"pack": {**snapshot, "overdue": overdue}, "title": title(snapshot)},
    )


def pdf(snapshot: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # heavy to import: only when a PDF is made

    data: bytes = HTML(string=html(snapshot)).write_pdf()
    return data


ANNEX_FIELDS = [
    Field("Force"),
    Field("Report"),
    Field("Finding"),
    Field("Title", "long", 50),
    Field("State"),
    Field("RAG"),
    Field("Days overdue", "number"),
    Field("Deadline", "date"),
    Field("Falls due", "date"),
    Field("Target date", "date"),
    Field("Owner"),
    Field("Waiting on"),
    Field("Local actions"),
    Field("Latest update", "date"),
    Field("Latest narrative", "long"),
    Field("Source"),
]


def annex(snapshot: dict[str, Any]) -> bytes:
    """A region pack's annex: every item of the snapshot, as the paper words each one."""

    def day(iso: str | None) -> datetime.date | None:
        return datetime.date.fromisoformat(iso) if iso else None

    rows = (
        [
            item["force"],
            item["inspection"],
            item["reference"],
            item["words"],
            item["status_label"],
            str(item["rag"]).capitalize(),
            item["days_overdue"] or None,
            day(item["deadline"]),
            day(item["due"]),
            day(item["target"]),
            item["owner"],
            item["reason"],
            item["actions"],
            day(item["latest_on"]),
            item["narrative"],
            # Packs kept before reports had sources hold HMICFRS items only.
            Source(item.get("source", Source.HMICFRS)).label,
        ]
        for item in snapshot.get("annex", [])
    )
    output = io.BytesIO()
    write_xlsx([Sheet(f"Every item ({snapshot['area']})", ANNEX_FIELDS, rows)], output)
    return output.getvalue()


class Paper:
    """A Word document written paragraph by paragraph, each style looked up once and each
    paragraph put straight before the body's closing section properties.

    python-docx resolves a paragraph's style by name on every paragraph, and checks each time
    whether it is the document's default by reading every style in the file: for a region's
    pack that was 60 % of the time taken to write it (profiled: 1,500 overdue items, 9.4 s of
    15.7 s in ``Paragraph.style``). Here each style's id is read once and set on the new
    paragraph's own element (python-docx's ``CT_P.style``). And python-docx finds where a new
    paragraph goes by reading every paragraph already in the body, so a pack of 6,500 overdue
    items spent 7.8 s of 11.7 in that search (``first_child_found_in``); the place is kept here.
    Everything else is the document's."""

    def __init__(self) -> None:
        self.document = Document()
        self.style_ids: dict[str, str] = {}
        self.end = self.document.element.body.sectPr

    def __getattr__(self, name: str) -> Any:
        return getattr(self.document, name)

    def add_paragraph(self, text: str = "", style: str | None = None) -> Any:
        if self.end is None:
            paragraph = self.document.add_paragraph()
        else:
            element = cast(CT_P, OxmlElement("w:p"))
            self.end.addprevious(element)
            paragraph = Paragraph(element, self.document._body)
        if text:
            paragraph.add_run(text)
        if style is not None:
            if style not in self.style_ids:
                self.style_ids[style] = self.document.styles[style].style_id
            paragraph._p.style = self.style_ids[style]
        return paragraph

    def add_heading(self, text: str = "", level: int = 1) -> Any:
        return self.add_paragraph(text, "Title" if level == 0 else f"Heading {level}")


def docx(snapshot: dict[str, Any]) -> bytes:
    """The committee paper in Word, in the order of meetings/paper.html (screen and PDF)."""
    document = Paper()
    document.core_properties.title = title(snapshot)
    document.styles["Normal"].font.size = Pt(10)
    marking = snapshot.get("marking", "")
    if marking:
        for section in document.sections:
            header = section.header.paragraphs[0]
            header.text = marking
            header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cover(document, snapshot)
    one_force = bool(snapshot.get("one_force"))
    previous = snapshot.get("previous")
    first = "This is the first pack: there is nothing earlier to compare with."

    document.add_heading("What changed since the last pack", level=1)
    if snapshot["changes"]:
        table(
            document,
            [*([] if one_force else ["Force"]), "Finding", "Change", "Was", "Now"],
            [
                [
                    *([] if one_force else [c["force"]]),
                    f"{c['inspection']}: {c['reference']}",
                    c.get("what", "Status"),
                    c["from"],
                    c["to"],
                ]
                for c in snapshot["changes"]
            ],
        )
    else:
        document.add_paragraph("Nothing changed since the last pack." if previous else first)

    document.add_heading("Where the findings stand", level=1)
    document.add_paragraph(f"{snapshot['rag_rule_label']} RAG. {snapshot['rag_definition']}")
    table(
        document,
        ["State", "Findings"],
        [*[row for row in snapshot["by_status"] if row[1]], ["All", snapshot["total"]]],
    )
    table(document, ["RAG", "Findings"], snapshot["by_rag"])
    if snapshot.get("by_source"):
        table(
            document,
            ["Source", "Findings", "Overdue", "Due soon", "Complete"],
            snapshot["by_source"],
        )
    if snapshot.get("by_force"):
        document.add_heading("Each force", level=1)
        table(
            document,
            ["Force", "Findings", "Overdue", "Red", "Complete"],
            [
                [f["force"], f["total"], f["overdue"], f["red"], f["complete"]]
                for f in snapshot["by_force"]
            ],
        )

    document.add_heading("Extension requests for decision", level=1)
    for e in snapshot["extensions"]:
        document.add_heading(
            f"{'' if one_force else e['force'] + ': '}{e['inspection']}, {e['reference']}",
            level=2,
        )
        document.add_paragraph(
            f"Falls due {long_date(e['due_before'])}; asked for {long_date(e['requested'])} by "
            f"{e['asked_by']} on {long_date(e['asked_on'])}."
        )
        document.add_paragraph(printable(e["reason"]))
    if not snapshot["extensions"]:
        document.add_paragraph("No extension request is awaiting decision.")

    document.add_heading(f"Overdue ({len(snapshot['overdue'])})", level=1)
    for item in snapshot["overdue"]:
        overdue_item(document, item, one_force)
    if not snapshot["overdue"]:
        document.add_paragraph("Nothing is overdue.")

    if not one_force:
        every = len(snapshot.get("annex", []))
        document.add_paragraph(
            "A region's paper lists only the exceptions (what is overdue, and the extension "
            f"requests). Every item{f' ({every})' if every else ''}, with what falls due soon "
            "and what was completed, is in the pack's spreadsheet annex, and on the pack's page "
            "in the tracker."
        )
    else:
        document.add_heading(f"Due soon ({len(snapshot['due_soon'])})", level=1)
        if snapshot["due_soon"]:
            table(
                document,
                ["Finding", "Falls due", "State"],
                [
                    [finding(i), long_date(i["due"]), i["status_label"]]
                    for i in snapshot["due_soon"]
                ],
            )
        else:
            document.add_paragraph("Nothing falls due soon.")
        document.add_heading("Completed since the last pack", level=1)
        for i in snapshot["completed_since"]:
            document.add_paragraph(f"{finding(i)} ({i['status_label'].lower()})", "List Bullet")
        if not snapshot["completed_since"]:
            document.add_paragraph(
                "Nothing was completed since the last pack." if previous else first
            )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def cover(document: Any, snapshot: dict[str, Any]) -> None:
    if snapshot.get("marking"):
        marking = document.add_paragraph()
        marking.alignment = WD_ALIGN_PARAGRAPH.CENTER
        marking.add_run(snapshot["marking"]).bold = True
    letterhead = snapshot.get("letterhead") or {}
    if letterhead.get("name"):
        document.add_paragraph("\n".join([letterhead["name"], *letterhead.get("address", [])]))
    document.add_heading(title(snapshot), level=0)
    previous = snapshot.get("previous")
    document.add_paragraph(
        f"Meeting of {long_date(snapshot['meeting_date'])}. Made on "
        f"{long_date(snapshot['made_on'])}. " + as_at_sentence(snapshot)
    )
    document.add_paragraph(
        f"Changes are since the pack for the meeting of {long_date(previous['meeting_date'])}."
        if previous
        else "This is the first pack: there is nothing earlier to compare with."
    )
    document.add_page_break()


def overdue_item(document: Any, item: dict[str, Any], one_force: bool) -> None:
    document.add_heading(f"{'' if one_force else item['force'] + ': '}{finding(item)}", level=2)
    document.add_paragraph(item_facts(item))
    document.add_paragraph(
        f"Latest update ({long_date(item['latest_on'])}): {printable(item['narrative'])}"
        if item["narrative"]
        else "No update has been recorded."
    )


def item_facts(item: dict[str, Any]) -> str:
    """An overdue item's RAG, state, dates, owner, what it waits on and its actions, in one
    sentence (the DOCX and the PDF; the screen lists them)."""
    days = item.get("days_overdue") or 0
    facts = [
        f"RAG: {item['rag'].capitalize()}." if item.get("rag") else "",
        f"{item['status_label']}" + (f", {days} day{'s'[: days != 1]} overdue." if days else "."),
        f"Deadline {long_date(item.get('deadline'))}; falls due {long_date(item['due'])}"
        + (f"; the force's target {long_date(item['target'])}." if item.get("target") else "."),
        f"Owner: {item['owner']}." if item["owner"] else "",
        f"Waiting on: {item['reason']}." if item["reason"] else "",
        f"Local actions: {item['actions']}." if item["actions"] else "",
    ]
    return " ".join(fact for fact in facts if fact)


def finding(item: dict[str, Any]) -> str:
    return f"{item['inspection']}, {item['reference']}: {item['words']}"


def table(document: Any, columns: list[str], rows: list[list[Any]]) -> None:
    grid = document.add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    for cell, label in zip(grid.rows[0].cells, columns, strict=True):
        cell.text = label
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = printable(str(value if value is not None else ""))
