"""CSV and XLSX downloads of report tables.

Every table exports as a ``Sheet``: named fields of a kind (text, long text, date, number) and rows
of plain values produced lazily, so that a large table streams from its query to the file without
a per-row object or template. Dates stay dates, numbers numbers, states their short names; text a
spreadsheet would run as a formula is neutralised. A CSV streams as it is written (UTF-8 with a
BOM, so that Excel reads it as such); an XLSX is written row by row (XlsxWriter in constant-memory
mode: 1.6 times openpyxl's speed on a national table) to a temporary file, with a bold frozen
header, an autofilter, wrapped long text and widths that suit each kind of column."""

from __future__ import annotations

import csv
import datetime
import io
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Literal

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse

from inspections.text import FORMULA_START, formula_safe

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows written to the CSV stream between flushes: big enough to be cheap, small enough to start
# the download at once.
CSV_CHUNK = 1000

safe_text = formula_safe
FORMULA_FIRST = "".join(FORMULA_START)

Kind = Literal["text", "long", "date", "number"]


@dataclass(frozen=True)
class Field:
    label: str
    kind: Kind = "text"
    # Characters; None chooses by kind and label.
    width: int | None = None

    @property
    def column_width(self) -> int:
        if self.width is not None:
            return self.width
        if self.kind == "long":
            return 60
        if self.kind == "date":
            return max(12, len(self.label) + 2)
        if self.kind == "number":
            return max(9, len(self.label) + 2)
        return max(14, min(40, len(self.label) + 4))


@dataclass
class Sheet:
    """One table as a spreadsheet: ``name`` is the worksheet's (at most 31 characters)."""

    name: str
    fields: list[Field]
    rows: Iterable[Sequence[object]]


def filename(stem: str, extension: str, today: datetime.date) -> str:
    return f"{re.sub(r'[^a-z0-9-]+', '-', stem.lower()).strip('-')}-{today:%Y-%m-%d}.{extension}"


def _attachment(name: str) -> str:
    return f'attachment; filename="{name}"'


def _text_positions(fields: list[Field]) -> list[int]:
    return [index for index, field in enumerate(fields) if field.kind in ("text", "long")]


def csv_lines(sheet: Sheet) -> Iterator[str]:
    """The CSV in chunks. Dates are written as ISO dates (str() of a date), None as empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([field.label for field in sheet.fields])
    yield "\ufeff" + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    texts = _text_positions(sheet.fields)
    written = 0
    for values in sheet.rows:
        row = list(values)
        for index in texts:
            value = row[index]
            # formula_safe only where it can change something: most text is printable and
            # starts with a letter, and this loop runs for every text cell of every row.
            if (
                isinstance(value, str)
                and value
                and (value[0] in FORMULA_FIRST or not value.isprintable())
            ):
                row[index] = formula_safe(value)
        writer.writerow(row)
        written += 1
        if written == CSV_CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            written = 0
    yield buffer.getvalue()


def as_csv(sheet: Sheet, stem: str, today: datetime.date) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(sheet), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _attachment(filename(stem, "csv", today))
    return response


def sheet_title(name: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of : \\ / ? * [ ], unique in the workbook."""
    title = re.sub(r"[:\\/?*\[\]]", "", name).strip()[:31].strip() or "Sheet"
    candidate, n = title, 2
    while candidate.lower() in taken:
        candidate = f"{title[:28].strip()} {n}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def write_sheet(workbook: xlsxwriter.Workbook, sheet: Sheet, taken: set[str]) -> None:
    """One worksheet, row by row (the workbook is in constant-memory mode, so each row is
    written out as it is added): a bold wrapped header frozen at the top, an autofilter, dates
    as dates, numbers as numbers, long text wrapped, widths by kind of column."""
    worksheet = workbook.add_worksheet(sheet_title(sheet.name, taken))
    header = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    dated = workbook.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
    wrapped = workbook.add_format({"text_wrap": True, "valign": "top"})
    plain = workbook.add_format({"valign": "top"})
    for index, field in enumerate(sheet.fields):
        worksheet.set_column(index, index, field.column_width)
    worksheet.freeze_panes(1, 0)
    for index, field in enumerate(sheet.fields):
        worksheet.write_string(0, index, field.label, header)
    kinds = [field.kind for field in sheet.fields]
    number = 0
    for number, values in enumerate(sheet.rows, start=1):
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            # A value's own type decides how it is stored (a total under a column of words is
            # still a number); the column's kind decides how text is shown.
            if isinstance(value, datetime.date):
                worksheet.write_datetime(number, index, value, dated)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                worksheet.write_number(number, index, value, plain)
            else:
                text = str(formula_safe(value))
                style = wrapped if kinds[index] == "long" else plain
                worksheet.write_string(number, index, text, style)
    worksheet.autofilter(0, 0, number, len(sheet.fields) - 1)


def write_xlsx(sheets: list[Sheet], output: IO[bytes]) -> None:
    workbook = xlsxwriter.Workbook(
        output,
        {
            "constant_memory": True,
            # Text stays text: nothing typed by a user becomes a formula, link or number.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    taken: set[str] = set()
    for sheet in sheets:
        write_sheet(workbook, sheet, taken)
    workbook.close()


def as_xlsx(sheets: list[Sheet], stem: str, today: datetime.date) -> FileResponse:
    # A file, not memory: a national table is tens of megabytes of XML before compression.
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    write_xlsx(sheets, output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=filename(stem, "xlsx", today),
        content_type=XLSX_TYPE,
    )
