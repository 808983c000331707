"""CSV and XLSX downloads of report tables: columns labelled for people, dates as dates, and
text that a spreadsheet would run as a formula neutralised."""

from __future__ import annotations

import csv
import datetime
import io
import re

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from inspections.text import formula_safe

from .tables import Table

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


safe_text = formula_safe


def filename(stem: str, extension: str, today: datetime.date) -> str:
    return f"{re.sub(r'[^a-z0-9-]+', '-', stem.lower()).strip('-')}-{today:%Y-%m-%d}.{extension}"


def as_csv(table: Table, stem: str, today: datetime.date) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(stem, "csv", today)}"'
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow([column.label for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                cell.value.isoformat() if cell.is_date else safe_text(cell.export_value)
                for cell in row
            ]
        )
    return response


def sheet_title(caption: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of : \\ / ? * [ ], unique in the workbook."""
    title = re.sub(r"[:\\/?*\[\]]", "", caption).strip()[:31] or "Sheet"
    candidate, n = title, 2
    while candidate.lower() in taken:
        candidate = f"{title[:28]} {n}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def as_xlsx(tables: list[Table], stem: str, today: datetime.date) -> HttpResponse:
    # Write-only mode streams rows out: constant memory, and no per-row lookups of the sheet
    # (reading a sheet's size while appending made large exports quadratic).
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(title=sheet_title(table.caption, taken))
        sheet.freeze_panes = "A2"
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(
                60, max(12, len(column.label) + 4)
            )
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=column.label)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            values = []
            for cell in row:
                if cell.is_date:
                    dated = WriteOnlyCell(sheet, value=cell.value)
                    dated.number_format = "dd/mm/yyyy"
                    values.append(dated)
                else:
                    values.append(safe_text(cell.export_value))
            sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename(stem, "xlsx", today)}"'
    return response
