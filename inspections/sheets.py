"""Reading a spreadsheet of updates, CSV or XLSX, with every limit enforced while reading: any
file is refused with a message saying what is wrong, or read whole, quickly and in little
memory. Both import routes (the command and the admin) read through here."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

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
        raise ImportFileError(
            f"The workbook unpacks to {unpacked / 1024 / 1024:.0f} MB; the limit is "
            f"{MAX_UNPACKED_BYTES // 1024 // 1024} MB. Save the sheet of updates on its own."
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
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
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise ImportFileError(f"The workbook cannot be read: {error}.") from error
    finally:
        workbook.close()


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
