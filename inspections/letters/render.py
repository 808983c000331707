"""One letter, three layouts, each like West Mercia's letter of 4 September 2023: recipient and
address, date, the report's title, the opening, each recommendation (its number and words, then
the force's narrative), the closing, the signature and the copy list."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from .content import LetterContent

FORMATS = ("html", "docx", "pdf")


def html(content: LetterContent, *, standalone: bool = True) -> str:
    """The letter as HTML: a whole document for PDF and snapshots, or a fragment for a page."""
    template = "letters/document.html" if standalone else "letters/body.html"
    return render_to_string(template, {"letter": content.printable()})


def docx(content: LetterContent) -> bytes:
    """A Word document with real headings and paragraphs, so the office can edit it."""
    content = content.printable()
    document = Document()
    core = document.core_properties
    core.title = f"{content.title}: {content.force_name}"
    core.author = content.signatory_name
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)

    for line in (content.recipient_name, content.recipient_office, *content.recipient_address):
        document.add_paragraph(line).paragraph_format.space_after = Pt(0)
    date = document.add_paragraph(content.date_text)
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    date.paragraph_format.space_before = Pt(12)

    document.add_heading(content.title, level=1)
    for paragraph in content.opening:
        document.add_paragraph(paragraph)
    for section in content.sections:
        heading = document.add_heading(level=2)
        heading.add_run(f"Recommendation {section.number}: ")
        heading.add_run(section.recommendation_text)
        document.add_paragraph(section.narrative or "No update has been recorded.")
    for paragraph in content.closing:
        document.add_paragraph(paragraph)

    signature = document.add_paragraph(content.signatory_name)
    signature.paragraph_format.space_before = Pt(24)
    for line in content.signatory_title:
        document.add_paragraph(line).paragraph_format.space_after = Pt(0)
    if content.cc:
        cc = document.add_paragraph(f"cc\t{content.cc[0]}")
        cc.paragraph_format.space_before = Pt(18)
        for line in content.cc[1:]:
            document.add_paragraph(f"\t{line}").paragraph_format.space_after = Pt(0)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf(content: LetterContent) -> bytes:
    """A PDF to send, from the same HTML as the preview with print styles."""
    from weasyprint import HTML  # heavy to import: only when a PDF is asked for

    return HTML(string=html(content, standalone=True)).write_pdf()
