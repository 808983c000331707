"""A document's text as lines, whatever it came as: HTML (lxml, with no network and no entity
expansion; scripts, styles, navigation and page furniture left out, one line per block), PDF
(pypdf, page by page, running headers and page numbers dropped) or plain text. Each limit is a
refusal with a message saying what is wrong; nothing is ever half-read silently."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass

import lxml.etree
import lxml.html

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 400
MAX_CHARACTERS = 2_000_000

BLOCKS = {
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "div", "section", "article", "td", "th",
    "blockquote", "dt", "dd", "tr", "br", "caption", "figcaption", "summary",
}  # fmt: skip
# Page furniture that never holds a finding.
SKIPPED = {"script", "style", "noscript", "template", "nav", "header", "footer", "form", "svg"}


# A page number, or a list's marker that PDF text gives on a line of its own.
PAGE_FURNITURE = re.compile(r"(?:Page )?\d+(?: of \d+)?|\d+\.|[a-z]\)|[\u2022\u25cf\u25aa\u2013*-]")


class DocumentRefused(ValueError):
    """The document cannot be read; the message says why, for the person who gave it."""


@dataclass
class Text:
    lines: list[str]
    title: str = ""


def text_of(data: bytes) -> Text:
    if len(data) > MAX_BYTES:
        raise DocumentRefused(
            f"The file is {len(data) // (1024 * 1024)} MB: the largest report that can be read "
            f"is {MAX_BYTES // (1024 * 1024)} MB."
        )
    if not data.strip():
        raise DocumentRefused("The document is empty.")
    if data.lstrip().startswith(b"%PDF-"):
        return pdf_text(data)
    head = data[:2000].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head:
        return html_text(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DocumentRefused(
            "The document is not an HTML page, a PDF or text in UTF-8 (a Word file? Save it "
            "as PDF or copy its text)."
        ) from error
    return Text(plain_lines(text))


def plain_lines(text: str) -> list[str]:
    if len(text) > MAX_CHARACTERS:
        raise DocumentRefused(
            f"The document has {len(text):,} characters of text: the most that can be read is "
            f"{MAX_CHARACTERS:,}."
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)
    return [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]


def html_text(data: bytes) -> Text:
    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, recover=True, huge_tree=False
    )
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (lxml.etree.ParserError, ValueError) as error:
        raise DocumentRefused("The HTML page cannot be read.") from error
    for element in list(root.iter(*SKIPPED)):
        element.drop_tree()
    title = ""
    heading = root.find(".//h1")
    if heading is not None:
        title = " ".join(heading.text_content().split())
    elif (found := root.find(".//title")) is not None:
        title = " ".join(found.text_content().split())
    pieces: list[str] = []

    def walk(element: lxml.html.HtmlElement) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        block = tag in BLOCKS
        if block:
            pieces.append("\n\n")
        if element.text and tag not in SKIPPED:
            pieces.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                pieces.append(child.tail)
        if block:
            pieces.append("\n\n")

    body = root.find("body")
    walk(body if body is not None else root)
    text = "".join(pieces)
    # Within a block, line breaks are the page source's wrapping, not the report's.
    blocks = [" ".join(part.split()) for part in re.split(r"\n\s*\n", text)]
    lines: list[str] = []
    for block in blocks:
        if block:
            lines += [block, ""]
    if sum(len(line) for line in lines) > MAX_CHARACTERS:
        raise DocumentRefused(f"The page has more than {MAX_CHARACTERS:,} characters of text.")
    return Text(lines, title)


def pdf_text(data: bytes) -> Text:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = reader.pages
        if len(pages) > MAX_PAGES:
            raise DocumentRefused(
                f"The PDF has {len(pages)} pages: the longest report that can be read has "
                f"{MAX_PAGES}."
            )
        texts: list[str] = []
        total = 0
        for page in pages:
            text = page.extract_text() or ""
            total += len(text)
            if total > MAX_CHARACTERS:
                raise DocumentRefused(
                    f"The PDF has more than {MAX_CHARACTERS:,} characters of text."
                )
            texts.append(text)
    except DocumentRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as error:
        raise DocumentRefused("The PDF cannot be read (it may be damaged or protected).") from error
    if not any(text.strip() for text in texts):
        raise DocumentRefused(
            "The PDF has no text to read (a scan?): paste the report's text instead."
        )
    page_lines = [plain_lines(text) for text in texts]
    # A line on most pages is a running header or footer; a bare number is a page number.
    counts = Counter(line for lines in page_lines for line in set(lines) if line)
    furniture = {line for line, n in counts.items() if n >= 3 and n > len(page_lines) // 2}
    kept = [
        line
        for page in page_lines
        for line in page
        if line and line not in furniture and not PAGE_FURNITURE.fullmatch(line)
    ]
    return Text(paragraphs(kept))


def paragraphs(lines: list[str]) -> list[str]:
    """A PDF's text has no blank lines between paragraphs: a line that ends a sentence well
    short of the usual width ends its paragraph."""
    if not lines:
        return []
    lengths = sorted(len(line) for line in lines)
    usual = lengths[int(len(lengths) * 0.9)]
    spaced: list[str] = []
    for line in lines:
        spaced.append(line)
        if line.rstrip().endswith((".", ":", ";")) and len(line) < 0.8 * usual:
            spaced.append("")
        elif len(line) < 0.6 * usual and not line.rstrip().endswith(","):
            spaced.append("")  # a heading
    return spaced
