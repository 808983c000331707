"""Spreadsheet import and export in the admin (django-import-export), driven by the importer
core in inspections/importers.py so the admin and the command answer the same way."""

from __future__ import annotations

from typing import Any

import tablib
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from import_export import resources
from import_export.fields import Field
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import RowResult

from inspections import clock, importers, sheets
from inspections.exports import safe_text
from inspections.models import ForceImplementation, User
from inspections.text import is_plain_number


def sheet_fields() -> dict[str, Field]:
    return {
        column.lower().replace(" ", "_"): Field(column_name=column, attribute=None)
        for column in importers.COLUMNS
    }


class UpdateSheetResource(resources.Resource):
    """Imports one progress update per row; every row is checked before any is recorded."""

    class Meta:
        use_transactions = True
        skip_diff = True
        report_skipped = True
        import_id_fields: list[str] = []
        # Rows never load existing objects: each is a new, append-only update.
        instance_loader_class = BaseInstanceLoader

    def __init__(self, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields.update(sheet_fields())
        self.user = user
        self.plan: importers.ImportPlan | None = None
        self.planned: dict[int, importers.PlannedUpdate] = {}

    @classmethod
    def get_display_name(cls) -> str:
        return "Progress updates sheet"

    def get_diff_headers(self) -> list[str]:
        return list(importers.COLUMNS)

    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        if self.user is None:
            raise ValidationError("The import needs to know who is importing.")
        self.plan = importers.plan_import(
            dataset.headers or [],
            [list(row) for row in dataset],
            user=self.user,
            today=clock.today(),
        )
        self.planned = {update.line: update for update in self.plan.updates}

    def import_row(self, row: dict[str, Any], instance_loader: object, **kwargs: Any) -> RowResult:
        line = kwargs["row_number"] + 1  # the header is line 1
        result = self.get_row_result_class()()
        lowered = {str(key).strip().lower(): value for key, value in row.items()}
        result.diff = [importers.text(lowered.get(c.lower())) for c in importers.COLUMNS]
        if self.plan is None or line in self.plan.errors:
            messages = self.plan.errors[line] if self.plan else ["the file could not be checked"]
            result.import_type = RowResult.IMPORT_TYPE_INVALID
            result.validation_error = ValidationError([f"Line {line}: {m}" for m in messages])
            return result
        planned = self.planned.get(line)
        if planned is None:  # a blank row: skipped here as in the command
            result.import_type = RowResult.IMPORT_TYPE_SKIP
            return result
        if planned.unchanged:
            result.import_type = RowResult.IMPORT_TYPE_SKIP
            return result
        result.import_type = RowResult.IMPORT_TYPE_NEW
        # The whole file was checked again in before_import: record only if every row passed.
        if not kwargs.get("dry_run") and self.plan.ok:
            assert self.user is not None  # before_import refused otherwise
            result.object_id = planned.record(author=self.user).pk
        return result


class ImplementationSheetResource(resources.Resource):
    """Each implementation with its latest update, in exactly the columns the import reads."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields.update(sheet_fields())

    @classmethod
    def get_display_name(cls) -> str:
        return "Progress updates sheet (the latest update of each)"

    def export(self, queryset: QuerySet[Any] | None = None, **kwargs: Any) -> tablib.Dataset:
        if queryset is None:
            queryset = ForceImplementation.objects.none()
        rows = importers.sheet_implementations(queryset)
        # The sheet name the import looks for, so the file goes back in as it came out.
        dataset = tablib.Dataset(headers=list(importers.SHEET_COLUMNS), title=sheets.SHEET_NAME)
        for row in rows:
            dataset.append([safe_text(value) if value is not None else "" for value in row])
        return dataset


def export_filename(queryset: QuerySet[Any], extension: str) -> str:
    """progress-updates-<force>-<date>: the force when the rows are one force's."""
    forces = list(queryset.values_list("force__slug", flat=True).distinct().order_by()[:2])
    words = ["progress-updates", *(forces if len(forces) == 1 else [])]
    return f"{'-'.join(words)}-{clock.today():%Y-%m-%d}.{extension}"


def dataset_from(data: bytes, filename: str) -> tablib.Dataset:
    """The admin reads a sheet with the command's reader, so both routes see the same rows
    (every one of them, whatever the workbook's <dimension> says), within the same limits."""
    try:
        headers, rows = importers.read_table(data, filename)
    except importers.ImportFileError as error:
        raise ValidationError(str(error)) from error
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    for row in rows:
        dataset.append([*row[:width], *([None] * (width - len(row)))])
    return dataset


class SheetCSV(CSV):
    def create_dataset(self, in_stream: str | bytes, **kwargs: Any) -> tablib.Dataset:
        data = in_stream.encode("utf-8") if isinstance(in_stream, str) else in_stream
        return dataset_from(data, "sheet.csv")


class SheetXLSX(XLSX):
    def create_dataset(self, in_stream: bytes, **kwargs: Any) -> tablib.Dataset:
        return dataset_from(in_stream, "sheet.xlsx")


class UpdateSheetImportForm(ImportForm):
    """Checks the file as a whole before any row is looked at."""

    def clean_import_file(self) -> object:
        upload = self.cleaned_data["import_file"]
        if upload.size > importers.MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{importers.MAX_BYTES // 1024 // 1024} MB."
            )
        data = upload.read()
        upload.seek(0)
        try:
            headers, _rows = importers.read_table(data, upload.name)
            importers.column_positions(headers)
        except importers.ImportFileError as error:
            raise forms.ValidationError(str(error)) from error
        return upload


class UpdateSheetConfirmForm(ConfirmImportForm):
    """The confirmation of a previewed file: its format must be one the page offers (by its
    place in the list), so a made-up value is a message, never a server error."""

    FORMATS = 2  # SheetCSV, SheetXLSX, as ProgressUpdateAdmin.formats lists them

    def clean_format(self) -> str:
        value = str(self.cleaned_data["format"])
        if not is_plain_number(value) or int(value) >= self.FORMATS:
            raise forms.ValidationError("That is not a format this page offers.")
        return value
