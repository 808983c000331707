"""Rules for free text, defined once: how line endings are stored, which characters are refused,
how long each kind of text may be, and which first characters make a spreadsheet cell a formula.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError

# C0 control characters and DEL, other than tab and line feed. Carriage returns are turned into
# line feeds before this is checked, so text pasted from Windows is accepted.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

# Spreadsheets run a cell starting with one of these as a formula (tab and carriage return can
# hide one). Exports put an apostrophe before such text; imports take it off again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Free-text limits, in characters. A narrative goes into a letter paragraph: 10,000 characters is
# about 1,600 words, far beyond any seen in a real letter, and keeps a PDF under a second.
NARRATIVE_MAX = 10_000
NOTE_MAX = 5_000
REASON_MAX = 2_000
LETTER_PART_MAX = 20_000
SHORT_TEXT_MAX = 2_000


def is_plain_number(value: str) -> bool:
    """Whether ``value`` is written with the digits 0 to 9 alone. Not ``str.isdigit``: that also
    accepts superscripts such as '¹', which ``int()`` refuses, and digits of other scripts."""
    return value.isascii() and value.isdigit()


def normalise_newlines(value: str) -> str:
    """Browsers send textarea line breaks as CRLF; text is stored with LF only."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def describe_character(char: str) -> str:
    name = unicodedata.name(char, "") or {
        "\x0b": "vertical tab",
        "\x0c": "form feed",
        "\x00": "null",
        "\x1b": "escape",
        "\x7f": "delete",
    }.get(char, "control character")
    return f"U+{ord(char):04X} ({name.lower()})"


def control_character_problem(value: str) -> str | None:
    """A message naming the first refused character and where it is, or None."""
    found = CONTROL_CHARACTERS.search(normalise_newlines(value))
    if found is None:
        return None
    return (
        f"Remove the invisible control character {describe_character(found.group())} at "
        f"character {found.start() + 1}: only text, tabs and line breaks can be stored."
    )


def validate_plain_text(value: object) -> None:
    if isinstance(value, str) and (problem := control_character_problem(value)):
        raise ValidationError(problem, code="control_character")


def validate_one_line(value: object) -> None:
    if isinstance(value, str) and (found := re.search(r"[\r\n\u2028\u2029\x85]", value)):
        raise ValidationError(
            f"Keep this to one line: remove the line break at character {found.start() + 1}.",
            code="line_break",
        )


def length_problem(value: str, limit: int) -> str | None:
    if len(value) <= limit:
        return None
    return f"Shorten this to {limit:,} characters or fewer (it has {len(value):,})."


def printable(value: str) -> str:
    """Text safe for every output format (XML-based DOCX and XLSX refuse control characters),
    for data stored before they were refused at input."""
    if value.isprintable():  # the usual case, checked at C speed: nothing to take out
        return value
    return CONTROL_CHARACTERS.sub("", normalise_newlines(value))


def formula_safe(value: object) -> object:
    """A cell a spreadsheet would run as a formula, made text with a leading apostrophe."""
    if isinstance(value, str):
        value = printable(value)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def unformula(value: str) -> str:
    """Undo formula_safe on a cell read back from one of our exports."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def evidence_file_problem(name: str, size: int) -> str | None:
    """Why an evidence file cannot be accepted (size and kind, both configurable), or None."""
    from django.conf import settings

    limit_mb = settings.TRACKER_EVIDENCE_MAX_MB
    if size > limit_mb * 1024 * 1024:
        return (
            f"The file {name} is {size / 1024 / 1024:.1f} MB; evidence files can be at most "
            f"{limit_mb} MB."
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = [e.strip().lower() for e in settings.TRACKER_EVIDENCE_EXTENSIONS if e.strip()]
    if extension not in allowed:
        return (
            f"The file {name} is not a kind accepted as evidence. Upload one of: "
            f"{', '.join(allowed)}."
        )
    return None


# How each kind of evidence file begins: a file whose content is not what its name says (a
# script named .pdf, a page named .docx) is refused, whatever else it may also be.
ZIP_MAGIC = (b"PK\x03\x04",)
OLE_MAGIC = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "docx": ZIP_MAGIC,
    "xlsx": ZIP_MAGIC,
    "pptx": ZIP_MAGIC,
    "odt": ZIP_MAGIC,
    "ods": ZIP_MAGIC,
    "doc": OLE_MAGIC,
    "xls": OLE_MAGIC,
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}
TEXT_KINDS = frozenset({"csv", "txt"})
HEAD_BYTES = 8192


def uploaded_file_problem(upload: Any) -> str | None:
    """``evidence_file_problem``, and whether the file's first bytes are what its name says
    (read, then rewound: nothing else is read)."""
    name = str(getattr(upload, "name", "") or "the file").rsplit("/", 1)[-1]
    if problem := evidence_file_problem(name, upload.size or 0):
        return problem
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not head:
        return f"The file {name} is empty."
    if extension in TEXT_KINDS:
        if b"\x00" in head:
            return f"The file {name} is named .{extension} but is not a text file."
        return None
    expected = MAGIC.get(extension)
    if expected is not None and not head.lstrip(b"\r\n\t ").startswith(expected):
        return (
            f"The file {name} is named .{extension} but its content is not a "
            f"{extension.upper()} file. Upload the document itself."
        )
    return None
