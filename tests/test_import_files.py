"""Crafted files against the one reader both import routes share: each is refused with a
message, or read whole, quickly and in little memory; the two routes answer alike."""

import io
import re
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections import importers

from .conftest import TODAY, login
from .test_imports import HEADER, as_csv, as_xlsx, row, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY


def rewrite(xlsx: bytes, member: str, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == member:
                content = change(content)
            target.writestr(item, content)
    return out.getvalue()


def with_dimension(xlsx: bytes, ref: str) -> bytes:
    def change(xml: bytes) -> bytes:
        if b"<dimension" in xml:
            return re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml)
        return xml.replace(b"<sheetData", f'<dimension ref="{ref}"/><sheetData'.encode(), 1)

    return rewrite(xlsx, "xl/worksheets/sheet1.xml", change)


def read_within_limits(data: bytes, name: str):
    """Read (or refuse) the file, measuring time and peak memory."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = importers.read_table(data, name)
        error = None
    except importers.ImportFileError as refused:
        result, error = None, str(refused)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 2, elapsed
    assert peak < 100 * 1024 * 1024, peak
    return result, error


def test_a_dimension_claiming_the_whole_sheet_is_ignored(cast, impl_a):
    data = with_dimension(as_xlsx(row()), "A1:XFD1048576")
    result, error = read_within_limits(data, "bomb.xlsx")
    assert error is None
    headers, rows = result
    assert headers == HEADER
    assert len(rows) == 1


def test_a_dimension_understating_the_rows_is_ignored_too(tmp_path, cast, impl_a):
    from django.core.management import CommandError

    data = with_dimension(as_xlsx(row(), row(force="Nowhere Police")), "A1:B1")
    result, _ = read_within_limits(data, "short.xlsx")
    _, rows = result
    assert len(rows) == 2  # the second, bad row is read and will be checked
    with pytest.raises(CommandError, match="1 bad row"):
        run_import(tmp_path, data, "short.xlsx")


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    out = io.BytesIO(as_xlsx(row()))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", b"0" * (60 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < 2 * 1024 * 1024
    _, error = read_within_limits(data, "bomb.xlsx")
    assert "unpacks to" in error


def test_several_sheets_need_the_sheet_named_for_updates(cast, impl_a):
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    updates = book.create_sheet("Other")
    updates.append(HEADER)
    updates.append(row())
    buffer = io.BytesIO()
    book.save(buffer)
    _, error = read_within_limits(buffer.getvalue(), "two.xlsx")
    assert "2 sheets ('Notes', 'Other')" in error
    updates.title = "Progress updates"
    buffer = io.BytesIO()
    book.save(buffer)
    (_headers, rows), error = read_within_limits(buffer.getvalue(), "two.xlsx")
    assert error is None
    assert len(rows) == 1


def test_duplicate_columns_are_refused():
    with pytest.raises(importers.ImportFileError, match="'Narrative' appears twice"):
        importers.column_positions([*HEADER, "Narrative"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (as_csv(*[row()] * 5002), "more than 5000 rows"),
        (as_csv(row(narrative="x" * 20_001)), "column 6 has 20,001 characters"),
        (as_csv(row() + ["x"] * 60, header=HEADER), "columns; a sheet of updates has at most"),
    ],
)
def test_limits_are_named(data, message):
    _, error = read_within_limits(data, "big.csv")
    assert message in error


def test_blank_rows_keep_the_line_numbers_the_user_sees(tmp_path, cast, impl_a):
    data = as_csv(row(), ["", "", "", "", "", "", "", ""], row(force="Nowhere Police"))
    errors = io.StringIO()
    from django.core.management import CommandError, call_command

    path = tmp_path / "blank.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command("import_updates", str(path), "--user", "pcc_a", stderr=errors)
    assert errors.getvalue().startswith("Line 4:")
    # The admin names the same line, and treats the blank row alike.
    response = login(cast.pcc_a).post(
        reverse("admin:inspections_progressupdate_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("blank.csv", data)},
    )
    text = response.content.decode()
    assert "Line 4" in text
    assert "Line 3" not in text


def test_blank_comma_rows_pass_both_routes_alike(tmp_path, cast, impl_a):
    data = as_csv(row(), [""] * 8, [""] * 8)
    assert "1 update(s) would be recorded" in run_import(tmp_path, data, apply=False)
    response = login(cast.pcc_a).post(
        reverse("admin:inspections_progressupdate_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("rows.csv", data)},
    )
    assert response.context["result"].totals["new"] == 1
    assert not response.context["result"].has_validation_errors()
