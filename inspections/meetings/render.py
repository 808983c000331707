"""A meeting pack as a Word document and a PDF, both drawn from its kept snapshot, so a pack
reads the same whenever it is opened."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string
from docx import Document
from docx.shared import Pt

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
    return render_to_string("meetings/document.html", {"pack": snapshot, "title": title(snapshot)})


def pdf(snapshot: dict[str, Any]) -> bytes:
    from weasyprint import HTML  # heavy to import: only when a PDF is made

    data: bytes = HTML(string=html(snapshot)).write_pdf()
    return data


def docx(snapshot: dict[str, Any]) -> bytes:
    document = Document()
    document.core_properties.title = title(snapshot)
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(title(snapshot), level=0)
    previous = snapshot.get("previous")
    document.add_paragraph(
        f"Made on {long_date(snapshot['made_on'])}. "
        + as_at_sentence(snapshot)
        + (
            f"Changes are since the pack for the meeting of {long_date(previous['meeting_date'])}."
            if previous
            else "This is the first pack: there is nothing earlier to compare with."
        )
    )
    document.add_heading("How red, amber and green are decided", level=1)
    document.add_paragraph(snapshot["rag_definition"])

    document.add_heading("Where the findings stand", level=1)
    table(document, ["State", "Findings"], [*snapshot["by_status"], ["All", snapshot["total"]]])
    table(document, ["RAG", "Findings"], snapshot["by_rag"])

    document.add_heading("Completed since the last pack", level=1)
    if snapshot["completed_since"]:
        table(
            document,
            ["Force", "Finding", "Status"],
            [[i["force"], finding(i), i["status_label"]] for i in snapshot["completed_since"]],
        )
    else:
        document.add_paragraph(
            "Nothing was completed since the last pack."
            if previous
            else "This is the first pack: there is nothing earlier to compare with."
        )

    document.add_heading("Extension requests for decision", level=1)
    if snapshot["extensions"]:
        table(
            document,
            ["Force", "Finding", "Falls due", "Asked for", "Why", "Asked by"],
            [
                [
                    e["force"],
                    f"{e['inspection']}: {e['reference']}",
                    long_date(e["due_before"]),
                    long_date(e["requested"]),
                    e["reason"],
                    f"{e['asked_by']}, {long_date(e['asked_on'])}",
                ]
                for e in snapshot["extensions"]
            ],
        )
    else:
        document.add_paragraph("No extension request is awaiting decision.")

    document.add_heading("Overdue", level=1)
    if snapshot["overdue"]:
        for item in snapshot["overdue"]:
            document.add_heading(f"{item['force']}: {finding(item)}", level=2)
            document.add_paragraph(
                f"Due {long_date(item['due'])}. {item['status_label']}. "
                f"Owner: {item['owner'] or 'not named'}."
                + (f" Waiting on: {item['reason']}." if item["reason"] else "")
                + (f" Local actions: {item['actions']}." if item["actions"] else "")
            )
            document.add_paragraph(
                f"Latest update ({long_date(item['latest_on'])}): {item['narrative']}"
                if item["narrative"]
                else "No update has been recorded."
            )
    else:
        document.add_paragraph("Nothing is overdue.")

    document.add_heading("Due soon", level=1)
    if snapshot["due_soon"]:
        table(
            document,
            ["Force", "Finding", "Falls due", "Status", "Owner"],
            [
                [i["force"], finding(i), long_date(i["due"]), i["status_label"], i["owner"]]
                for i in snapshot["due_soon"]
            ],
        )
    else:
        document.add_paragraph("Nothing falls due soon.")

    document.add_heading("What changed since the last pack", level=1)
    if snapshot["changes"]:
        table(
            document,
            ["Force", "Finding", "Change", "Was", "Now"],
            [
                [
                    c["force"],
                    f"{c['inspection']}: {c['reference']}",
                    c.get("what", "Status"),
                    c["from"],
                    c["to"],
                ]
                for c in snapshot["changes"]
            ],
        )
    else:
        document.add_paragraph(
            "Nothing changed since the last pack."
            if previous
            else "This is the first pack: there is nothing earlier to compare with."
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


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
