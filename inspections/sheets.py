"""Reading a spreadsheet of updates, CSV or XLSX, with every limit enforced while reading: any
file is refused with a message saying what is wrong, or read whole, quickly and in little
memory. Both import routes (the command and the admin) read through here."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Sequence
from xml.parsers import expat

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from inspections.text import is_plain_number

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 50
MAX_CELL_CHARACTERS = 20_000
# What an .xlsx may unpack to (its parts, added up): far above any real sheet of 5,000 rows,
# far below what would hurt a server. Checked from the zip's directory before anything is read.
MAX_UNPACKED_BYTES = 40 * 1024 * 1024
# The sheet our exports name; a workbook with several sheets must have one called this.
SHEET_NAME = "Progress updates"
XLSX_MAGIC = b"PK\x03\x04"
# Cells one row of a worksheet may hold, blank or not, before it is refused: a sheet of updates
# has at most MAX_COLUMNS columns, and a saved workbook keeps few blank cells beyond its data.
MAX_CELLS_PER_ROW = 1_000
CHUNK = 64 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be read as an update sheet; the message says why."""


def read_table(data: bytes, filename: str = "") -> tuple[list[str], list[list[object]]]:
    """Headers and rows from CSV or XLSX bytes, or an ImportFileError saying what is wrong.

    Every limit is enforced while reading, so any file is refused or read whole quickly and in
    little memory. Blank rows are kept (as empty lists) so that line numbers stay the ones the
    user sees; trailing blank rows are dropped."""
    if not data.strip():
        raise ImportFileError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB. Split it into smaller files."
        )
    is_xlsx = data.startswith(XLSX_MAGIC)
    if filename.lower().endswith(".xlsx") and not is_xlsx:
        raise ImportFileError("The file is named .xlsx but is not an Excel workbook.")
    table = read_xlsx(data) if is_xlsx else read_csv(data)
    while table and is_blank(table[-1]):
        table.pop()
    while table and is_blank(table[0]):
        raise ImportFileError("Line 1 is empty: the first line must be the column headings.")
    if not table:
        raise ImportFileError("The file is empty.")
    headers = [str(cell or "").strip() for cell in table[0]]
    rows = table[1:]
    if not any(not is_blank(row) for row in rows):
        raise ImportFileError("The file has column headings but no rows of updates.")
    return headers, rows


def is_blank(row: Sequence[object]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row)


def checked_row(row: Sequence[object], line: int) -> list[object]:
    """A row within the limits (columns, cell length), or an ImportFileError naming the line."""
    cells = list(row)
    while cells and (cells[-1] is None or cells[-1] == ""):
        cells.pop()
    if len(cells) > MAX_COLUMNS:
        raise ImportFileError(
            f"Line {line} has {len(cells)} columns; a sheet of updates has at most {MAX_COLUMNS}."
        )
    for number, cell in enumerate(cells, start=1):
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARACTERS:
            raise ImportFileError(
                f"Line {line}, column {number} has {len(cell):,} characters; the limit is "
                f"{MAX_CELL_CHARACTERS:,}."
            )
    return cells


def too_many_rows(line: int) -> ImportFileError:
    return ImportFileError(
        f"The file has more than {MAX_ROWS} rows of updates (line {line}); split it into "
        "smaller files."
    )


def read_csv(data: bytes) -> list[list[object]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read). Save it as "
            "'CSV UTF-8' or as an Excel workbook (.xlsx)."
        ) from error
    if "\x00" in text:
        raise ImportFileError("The file is not a CSV text file or an Excel workbook.")
    table: list[list[object]] = []
    try:
        for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if line > MAX_ROWS + 1:
                raise too_many_rows(line)
            table.append(checked_row(row, line))
    except csv.Error as error:
        raise ImportFileError(f"The CSV cannot be read: {error}.") from error
    return table


def read_xlsx(data: bytes) -> list[list[object]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportFileError(
            "The file looks like a zip archive but is not an Excel workbook (.xlsx)."
        ) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise unpacks_too_far(unpacked)
    # Every part read once, as it inflates, before openpyxl reads any: what a file claims (its
    # sizes, its rows' numbers) is never trusted, and the scan stops at the first excess.
    scan_xlsx(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except READ_ERRORS as error:
        raise ImportFileError(
            "The file looks like a zip archive but is not an Excel workbook (.xlsx)."
        ) from error
    try:
        sheet = choose_sheet(workbook)
        # The workbook's own <dimension> can claim a million rows and 16,384 columns, or fewer
        # than it has: it is ignored, and the rows are read as they are, one at a time.
        sheet.reset_dimensions()
        table: list[list[object]] = []
        # (types-openpyxl types iter_rows for the ordinary worksheet only.)
        rows = sheet.iter_rows(values_only=True)  # type: ignore[misc]
        for line, row in enumerate(rows, start=1):
            if line > MAX_ROWS + 1:
                raise too_many_rows(line)
            table.append(checked_row(row, line))
        return table
    except READ_ERRORS as error:
        raise ImportFileError(f"The workbook cannot be read: {error}.") from error
    finally:
        workbook.close()


# What reading a damaged workbook can raise (lxml's syntax errors are SyntaxErrors).
READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    SyntaxError,
    EOFError,
)


def unpacks_too_far(unpacked: int) -> ImportFileError:
    return ImportFileError(
        f"The workbook unpacks to more than {unpacked / 1024 / 1024:.0f} MB; the limit is "
        f"{MAX_UNPACKED_BYTES // 1024 // 1024} MB. Save the sheet of updates on its own."
    )


class SheetScan:
    """Counts a worksheet's rows and each row's cells as the XML is parsed, and stops at the
    first one past the limits, whatever the row numbers in the file say."""

    def __init__(self) -> None:
        self.rows = 0
        self.cells = 0
        self.line = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        tag = name.rsplit(":", 1)[-1]
        if tag == "row":
            self.rows += 1
            self.cells = 0
            claimed = attributes.get("r", "")
            self.line = int(claimed) if is_plain_number(claimed) and len(claimed) < 8 else self.rows
            if self.rows > MAX_ROWS + 1:
                raise too_many_rows(self.line)
        elif tag == "c":
            self.cells += 1
            if self.cells > MAX_CELLS_PER_ROW:
                raise ImportFileError(
                    f"Line {self.line} has more than {MAX_CELLS_PER_ROW:,} cells; a sheet of "
                    f"updates has at most {MAX_COLUMNS} columns."
                )


def refuse_doctype(*_args: object) -> None:
    raise ImportFileError(
        "The workbook contains an XML document type declaration (DOCTYPE or ENTITY), which a "
        "spreadsheet never needs. Save it again from Excel as a .xlsx workbook."
    )


def scan_xlsx(data: bytes) -> None:
    """Read every XML part of a workbook as it inflates, in constant memory: refuse a document
    type declaration (entities) anywhere, more bytes than the limit however the sizes were
    declared, and a worksheet with more rows, or a row with more cells, than a sheet of updates
    can have. Stops at the first problem."""
    inflated = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                if not member.filename.endswith((".xml", ".rels")):
                    continue
                parser = expat.ParserCreate()
                parser.StartDoctypeDeclHandler = refuse_doctype
                parser.EntityDeclHandler = refuse_doctype
                if member.filename.startswith("xl/worksheets/"):
                    parser.StartElementHandler = SheetScan().start
                with archive.open(member) as stream:
                    while chunk := stream.read(CHUNK):
                        inflated += len(chunk)
                        if inflated > MAX_UNPACKED_BYTES:
                            raise unpacks_too_far(inflated)
                        parser.Parse(chunk, False)
                    parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise ImportFileError(
            f"The workbook cannot be read: one of its parts is not well-formed XML ({error})."
        ) from error
    except READ_ERRORS as error:
        raise ImportFileError(f"The workbook cannot be read: {error}.") from error


def choose_sheet(workbook: Workbook) -> ReadOnlyWorksheet:
    """The only sheet, or the one named as our exports name it; never a silent guess. (A
    workbook opened read-only gives read-only sheets; a chart sheet holds no rows.)"""
    sheets = [sheet for sheet in workbook.worksheets if isinstance(sheet, ReadOnlyWorksheet)]
    if len(sheets) == 1:
        return sheets[0]
    for sheet in sheets:
        if sheet.title.strip().lower() == SHEET_NAME.lower():
            return sheet
    names = ", ".join(f"'{sheet.title}'" for sheet in sheets)
    raise ImportFileError(
        f"The workbook has {len(sheets)} sheets ({names}). Keep only the sheet of updates, or "
        f"name it '{SHEET_NAME}'."
    )
