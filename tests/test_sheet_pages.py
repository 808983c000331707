"""A force's spreadsheet round trip on service pages: download, edit, upload, check every
change, confirm; the same core, rules and messages as the command line."""

import datetime
import io
import uuid

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections import staging
from inspections.models import ProgressUpdate, Status

from .conftest import TODAY, login, record
from .factories import RecommendationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


@pytest.fixture
def items(cast, impl_a):
    third = RecommendationFactory(inspection=impl_a.recommendation.inspection, number=3)
    record(impl_a, cast.pcc_a, narrative="Training booked.", as_of=datetime.date(2024, 9, 4))
    return impl_a, third.implementations.get(force=cast.force_a)


def download(client, force, **query):
    response = client.get(reverse("force-sheet-download", args=[force.slug]), query)
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def upload(client, force, book):
    buffer = io.BytesIO()
    book.save(buffer)
    return client.post(
        reverse("force-sheet", args=[force.slug]),
        {"sheet": SimpleUploadedFile("sheet.xlsx", buffer.getvalue())},
    )


def edit(book, number, **values):
    sheet = book.active
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if str(row[2].value) == str(number):
            for column, value in values.items():
                row[header.index(column)].value = value


def test_the_round_trip_records_edited_rows_as_of_today_after_a_check(cast, items):
    impl_a, impl_3 = items
    client = login(cast.pcc_a)
    book = download(client, cast.force_a)
    header = [c.value for c in book.active[1]]
    assert header[3:5] == ["Finding", "What it asks"]
    # Row 2 keeps the exported date; row 3 was never updated and is given no date at all.
    edit(book, 2, Narrative="Training delivered to every officer.")
    edit(book, 3, Status="In progress", Narrative="Policy drafted.")
    response = upload(client, cast.force_a, book)
    assert response.status_code == 302
    check = client.get(response["Location"])
    page = check.content.decode()
    assert "Check the changes" in page
    assert page.count("recorded as of today") == 2
    assert not ProgressUpdate.objects.filter(narrative="Policy drafted.").exists()
    done = client.post(response["Location"])
    assert done["Location"] == reverse("force", args=[cast.force_a.slug])
    assert impl_a.updates.latest("id").narrative == "Training delivered to every officer."
    assert impl_a.updates.latest("id").as_of == TODAY
    assert impl_3.updates.get().as_of == TODAY
    assert impl_3.updates.get().status == Status.IN_PROGRESS
    # The staged file is gone: confirming twice records nothing more.
    assert client.post(response["Location"])["Location"] == reverse(
        "force-sheet", args=[cast.force_a.slug]
    )
    assert ProgressUpdate.objects.count() == 3


def test_a_date_given_in_the_sheet_is_kept(cast, items):
    client = login(cast.pcc_a)
    book = download(client, cast.force_a)
    edit(book, 2, **{"Narrative": "Delivered.", "As of": "2026-11-10"})
    location = upload(client, cast.force_a, book)["Location"]
    assert "recorded as of today" not in client.get(location).content.decode()
    assert client.post(location).status_code == 302
    assert items[0].updates.latest("id").as_of == datetime.date(2026, 11, 10)


def test_a_bad_row_rejects_the_file_with_its_line_and_records_nothing(cast, items):
    client = login(cast.pcc_a)
    book = download(client, cast.force_a)
    edit(book, 2, Status="Nearly there", Narrative="Changed.")
    location = upload(client, cast.force_a, book)["Location"]
    page = client.get(location).content.decode()
    assert "Line 2: &#x27;Nearly there&#x27; is not a status" in page
    assert "Record" not in page.split("Correct the sheet")[1]
    client.post(location)
    assert ProgressUpdate.objects.count() == 1


def test_a_file_that_is_not_a_sheet_is_refused_on_the_upload_page(cast, items):
    response = login(cast.pcc_a).post(
        reverse("force-sheet", args=[cast.force_a.slug]),
        {"sheet": SimpleUploadedFile("notes.txt", b"hello")},
    )
    assert response.status_code == 400
    assert "The sheet must be an .xlsx or .csv file." in response.content.decode()


def test_a_staged_sheet_is_its_senders_alone_and_kept_for_a_day(cast, items, monkeypatch):
    client = login(cast.pcc_a)
    location = upload(client, cast.force_a, download(client, cast.force_a))["Location"]
    # The force lead of the same force cannot open the office's upload by its address.
    response = login(cast.lead_a).get(location)
    assert response["Location"] == reverse("force-sheet", args=[cast.force_a.slug])
    key = uuid.UUID(location.rstrip("/").rsplit("/", 1)[1])
    assert staging.staged(cast.pcc_a.pk, key) is not None
    name = f"{staging.folder(cast.pcc_a.pk)}/{key}.xlsx"
    assert default_storage.exists(name)
    # A day later it is gone, at the next look.
    monkeypatch.setattr(staging, "KEPT_FOR", datetime.timedelta(seconds=-1))
    assert staging.staged(cast.pcc_a.pk, key) is None
    assert not default_storage.exists(name)
