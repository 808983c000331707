"""One letter, three layouts, each like West Mercia's letter of 4 September 2023: recipient and
address, date, the report's title, the opening, each recommendation (its number and words, then
the force's narrative), the closing, the signature and the copy list."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

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
    core.language = "en-GB"
    office_layout(document)

    if content.logo is not None:
        document.add_picture(io.BytesIO(content.logo.data), width=Mm(40))
        document.inline_shapes[-1]._inline.docPr.set("descr", content.logo.description)
    if content.letterhead_name:
        office = document.add_paragraph()
        office.add_run(content.letterhead_name).bold = True
        office.paragraph_format.space_after = Pt(0)
    for line in content.letterhead_address:
        document.add_paragraph(line).paragraph_format.space_after = Pt(0)
    if content.letterhead_name or content.letterhead_address:
        document.paragraphs[-1].paragraph_format.space_after = Pt(18)

    for line in (content.recipient_name, content.recipient_office, *content.recipient_address):
        document.add_paragraph(line).paragraph_format.space_after = Pt(0)
    date = document.add_paragraph(content.date_text)
    date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    date.paragraph_format.space_before = Pt(12)
    if content.reference:
        reference = document.add_paragraph(content.reference)
        reference.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if content.salutation:
        document.add_paragraph(content.salutation)

    document.add_heading(content.title, level=1)
    for paragraph in content.opening:
        document.add_paragraph(paragraph)
    for section in content.sections:
        heading = document.add_heading(level=2)
        heading.add_run(f"{section.heading_text} ")
        heading.add_run(section.recommendation_text)
        heading.paragraph_format.keep_with_next = True  # a heading keeps its first paragraph
        document.add_paragraph(section.narrative or "No update has been recorded.")
    closing = [document.add_paragraph(paragraph) for paragraph in content.closing]
    if content.valediction:
        closing.append(document.add_paragraph(content.valediction))
    if closing:
        # The signature never stands alone on a page: the last paragraph goes with it.
        closing[-1].paragraph_format.keep_with_next = True

    if content.signature is not None:
        document.add_picture(io.BytesIO(content.signature.data), width=Mm(45))
        document.inline_shapes[-1]._inline.docPr.set("descr", content.signature.description)
        document.paragraphs[-1].paragraph_format.keep_with_next = True
    signature = document.add_paragraph(content.signatory_name)
    signature.paragraph_format.space_before = Pt(6 if content.signature else 24)
    signature.paragraph_format.keep_with_next = True
    for index, line in enumerate(content.signatory_title):
        title = document.add_paragraph(line)
        title.paragraph_format.space_after = Pt(0)
        # The cc list stays on the signature's page.
        title.paragraph_format.keep_with_next = index < len(content.signatory_title) - 1 or bool(
            content.cc
        )
    for index, line in enumerate(content.cc):
        cc = document.add_paragraph(f"cc\t{line}" if index == 0 else f"\t{line}")
        cc.paragraph_format.space_before = Pt(18 if index == 0 else 0)
        cc.paragraph_format.space_after = Pt(0)
        cc.paragraph_format.keep_with_next = index < len(content.cc) - 1

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def office_layout(document: DocumentObject) -> None:
    """A4 with the PDF's margins; Arial throughout, black headings (no Word theme colours or
    theme fonts); British English proofing."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = section.top_margin = Mm(22)
        section.bottom_margin = Mm(25)
    sizes = {"Normal": 11, "Title": 12, "Heading 1": 12, "Heading 2": 11}
    for name, size in sizes.items():
        style = document.styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
        if name != "Normal":
            style.font.bold = True
            style.font.italic = False
        properties = style.element.get_or_add_rPr()
        fonts = properties.find(qn("w:rFonts"))
        if fonts is not None:
            for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
                fonts.attrib.pop(qn(attribute), None)
            fonts.set(qn("w:ascii"), "Arial")
            fonts.set(qn("w:hAnsi"), "Arial")
            fonts.set(qn("w:cs"), "Arial")
        colour = properties.find(qn("w:color"))
        if colour is not None:
            for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
                colour.attrib.pop(qn(attribute), None)
        language = properties.find(qn("w:lang"))
        if language is None:
            language = OxmlElement("w:lang")
            properties.append(language)
        language.set(qn("w:val"), "en-GB")
    heading_space = document.styles["Heading 2"].paragraph_format
    heading_space.space_before, heading_space.space_after = Pt(12), Pt(4)
    heading_space.keep_with_next = True


def pdf(content: LetterContent) -> bytes:
    """A PDF to send, from the same HTML as the preview with print styles."""
    from weasyprint import HTML  # heavy to import: only when a PDF is asked for

    data: bytes = HTML(string=html(content, standalone=True)).write_pdf()
    return data
