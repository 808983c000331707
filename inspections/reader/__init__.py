"""Reads an inspection report (a saved HTML page, a PDF, or pasted text) and proposes its title,
publication date and every finding it can read: kind, number, the cause of concern it is under,
addressee, scope, deadline in the report's words and the full wording, each with the text it came
from and what the reader was unsure of. The wording rules are data (``rules.py``): a new phrasing
is a new rule and a test, not a new branch of code. Nothing here saves anything."""

from .documents import DocumentRefused, text_of
from .pfd import is_pfd, read_pfd
from .read import ReadFinding, Reading, read_text


def read_report(data: bytes) -> Reading:
    """Read a document (HTML, PDF or text, told apart by content): a coroner's report to
    prevent future deaths by its template, any other report by the inspection wording rules."""
    source = text_of(data)
    return read_pfd(source) if is_pfd(source) else read_text(source)


__all__ = ["DocumentRefused", "ReadFinding", "Reading", "read_report", "read_text", "text_of"]
