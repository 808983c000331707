"""CSV and XLSX downloads of report tables.

Every table exports as a ``Sheet``: named fields of a kind (text, long text, date, number) and rows
of plain values produced lazily, so that a large table streams from its query to the file without
a per-row object or template. Dates stay dates, numbers numbers, states their short names; text a
spreadsheet would run as a formula is neutralised. A CSV streams as it is written (UTF-8 with a
BOM, so that Excel reads it as such); an XLSX is written row by row (openpyxl's write-only mode)
to a temporary file, with a bold frozen header, an autofilter, wrapped long text and widths that
suit each kind of column."""

from __future__ import annotations

import csv
import datetime
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.http import FileResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from inspections.text import formula_safe

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows written to the CSV stream between flushes: big enough to be cheap, small enough to start
# the download at once.
CSV_CHUNK = 1000

safe_text = formula_safe

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
            if value:
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


def _cell_writer(sheet: WriteOnlyWorksheet, field: Field) -> Callable[[object], object]:
    """How one column's values become cells. A styled cell is reused from row to row: the
    write-only sheet serialises each row as it is appended."""
    if field.kind == "date":
        dated = WriteOnlyCell(sheet)
        dated.number_format = "dd/mm/yyyy"

        def date_cell(value: Any) -> object:
            if value is None:
                return None
            dated.value = value
            return dated

        return date_cell
    if field.kind == "long":
        wrapped = WriteOnlyCell(sheet)
        wrapped.alignment = Alignment(wrap_text=True, vertical="top")

        def long_cell(value: Any) -> object:
            if not value:
                return None
            wrapped.value = str(formula_safe(value))
            return wrapped

        return long_cell
    if field.kind == "text":
        return lambda value: formula_safe(value) if value else None
    return lambda value: value


def write_sheet(workbook: Workbook, sheet: Sheet, taken: set[str]) -> None:
    worksheet = workbook.create_sheet(title=sheet_title(sheet.name, taken))
    worksheet.freeze_panes = "A2"
    for index, field in enumerate(sheet.fields, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = field.column_width
    header = []
    for field in sheet.fields:
        cell = WriteOnlyCell(worksheet, value=field.label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    worksheet.append(header)
    writers = [_cell_writer(worksheet, field) for field in sheet.fields]
    count = 0
    for values in sheet.rows:
        worksheet.append([write(value) for write, value in zip(writers, values, strict=True)])
        count += 1
    last = get_column_letter(len(sheet.fields))
    worksheet.auto_filter.ref = f"A1:{last}{count + 1}"


def as_xlsx(sheets: list[Sheet], stem: str, today: datetime.date) -> FileResponse:
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for sheet in sheets:
        write_sheet(workbook, sheet, taken)
    # A file, not memory: a national table is tens of megabytes of XML before compression.
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename=filename(stem, "xlsx", today),
        content_type=XLSX_TYPE,
    )
