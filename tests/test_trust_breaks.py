"""The breaks an attack on the tracker found (the issue "Trust, part 3"), each with the test that
would have caught it: bad input answered with a clear 400 or form message that changes nothing,
and hostile files refused for what they are, their work bounded by counts and their memory by
tracemalloc (never by a timer)."""

import datetime
import io
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from inspections import pictures, services, sheets
from inspections.letters import services as letter_services
from inspections.models import (
    Dependency,
    Force,
    ForceImplementation,
    LetterTemplate,
    ProgressLetter,
    ProgressUpdate,
)
from inspections.text import uploaded_file_problem

from .conftest import login, record

pytestmark = pytest.mark.django_db

MEMORY_LIMIT = 200 * 1024 * 1024


def png(width: int, height: int) -> bytes:
    """A real PNG of any claimed size: a one-colour picture compresses to a few KB however many
    pixels it has (12,247 × 12,247 is 18 KB), which is what makes it a bomb."""
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG", optimize=True)
    return out.getvalue()


def peak_memory(work) -> tuple[object, int]:
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- pictures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = png(12_247, 12_247)
    assert len(data) < 1024 * 1024  # small enough to pass the byte limit
    return data


def test_a_pixel_bomb_logo_is_refused_from_its_header(bomb):
    upload = SimpleUploadedFile("logo.png", bomb)
    problem, peak = peak_memory(lambda: pictures.image_problem(upload))
    assert "12,247 × 12,247 pixels" in str(problem)
    assert peak < MEMORY_LIMIT
    assert upload.tell() == 0


def test_a_picture_past_pillows_own_limit_is_a_message_not_a_500():
    # 20,000 × 20,000 is past twice Pillow's MAX_IMAGE_PIXELS: Image.open itself raises.
    problem = pictures.image_problem(SimpleUploadedFile("logo.png", png(20_000, 20_000)))
    assert problem is not None
    assert "pixels" in problem


def test_the_template_page_refuses_a_bomb_and_keeps_a_good_picture_small(
    cast, settings, tmp_path, bomb, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client = login(cast.pcc_a)
    url = reverse("letter-template", args=[cast.force_a.slug])
    response = client.post(url, {"logo": SimpleUploadedFile("logo.png", bomb)})
    assert response.status_code == 400
    assert "12,247 × 12,247 pixels" in response.content.decode()
    assert not LetterTemplate.objects.filter(force=cast.force_a).exclude(logo="").exists()
    large = png(3_000, 1_500)
    assert client.post(url, {"logo": SimpleUploadedFile("logo.png", large)}).status_code == 302
    template = LetterTemplate.objects.get(force=cast.force_a)
    with template.logo.open("rb") as handle, Image.open(handle) as kept:
        assert kept.size == (1_200, 600)
    first = template.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"logo": SimpleUploadedFile("logo2.png", png(300, 100))})
    template.refresh_from_db()
    assert template.logo.name != first
    assert not template.logo.storage.exists(first)  # the replaced picture is gone


def test_a_replaced_picture_a_letter_refers_to_is_kept(cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    template = letter_services.save_letter_template(
        force=cast.force_a,
        author=cast.pcc_a,
        values={},
        logo=SimpleUploadedFile("logo.png", png(200, 100)),
    )
    name = template.logo.name
    LetterTemplate.objects.filter(pk=template.pk).update(logo="")  # nothing refers to it now
    letter_services.delete_unused_pictures([name])
    assert not template.logo.storage.exists(name)
    template = letter_services.save_letter_template(
        force=cast.force_a,
        author=cast.pcc_a,
        values={},
        logo=SimpleUploadedFile("logo.png", png(200, 100)),
    )
    kept = template.logo.name
    assert LetterTemplate.objects.filter(logo=kept).exists()
    letter_services.delete_unused_pictures([kept])
    assert template.logo.storage.exists(kept)


# --- evidence and other uploads ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("minutes.pdf", b"<html><script>alert(1)</script></html>", "is not a PDF file"),
        ("plan.docx", b"%PDF-1.7 a PDF named .docx", "is not a DOCX file"),
        ("photo.png", b"\xff\xd8\xff\xe0 a JPEG named .png", "is not a PNG file"),
        ("notes.txt", b"text\x00with a NUL", "is not a text file"),
        ("empty.pdf", b"", "is empty"),
        ("script.exe", b"MZ", "not a kind accepted"),
        # A polyglot: a zip (so a .docx to a naive check) that is also a page.
        ("page.pdf", b"PK\x03\x04<html>", "is not a PDF file"),
    ],
)
def test_an_upload_is_what_its_name_says(name, data, said):
    assert said in str(uploaded_file_problem(SimpleUploadedFile(name, data)))


def test_a_disguised_evidence_file_is_refused_on_the_page_and_nothing_is_stored(cast, impl_a):
    rec = impl_a.recommendation
    url = reverse("item-update", args=[cast.force_a.slug, rec.inspection.slug, rec.ref])
    response = login(cast.pcc_a).post(
        url,
        {
            "status": "in_progress",
            "narrative": "Audit begun.",
            "as_of_0": "1",
            "as_of_1": "9",
            "as_of_2": "2023",
            "evidence_files": SimpleUploadedFile("audit.pdf", b"#!/bin/sh\nrm -rf /\n"),
        },
    )
    assert response.status_code in (200, 400)
    assert "is not a PDF file" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


# --- spreadsheets ---------------------------------------------------------------------------


def workbook(sheet_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .xlsx around one worksheet's XML, deflated."""
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    package = b"http://schemas.openxmlformats.org/package/2006/"
    office = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    kinds = b"application/vnd.openxmlformats-officedocument.spreadsheetml."
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="'
        + package
        + b'content-types"><Override PartName="/xl/workbook.xml" ContentType="'
        + kinds
        + b'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
        + kinds
        + b'worksheet+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="'
        + package
        + b'relationships"><Relationship Id="rId1" Type="'
        + office
        + b'/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="'
        + main
        + b'" xmlns:r="'
        + office
        + b'"><sheets><sheet name="Progress updates" sheetId="1" r:id="rId1"/>'
        + b"</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="'
        + package
        + b'relationships"><Relationship Id="rId1" Type="'
        + office
        + b'/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
        **(extra or {}),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


SHEET_HEAD = (
    b'<?xml version="1.0"?><worksheet '
    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def test_one_very_wide_row_stops_at_its_first_cell_past_the_limit():
    cells = b'<c t="inlineStr"><is><t>x</t></is></c>' * 1_000_000  # 38 MB, a few KB packed
    data = workbook(SHEET_HEAD + b"<row>" + cells + b"</row>" + SHEET_TAIL)
    assert len(data) < sheets.MAX_BYTES
    with pytest.raises(sheets.ImportFileError, match="more than 1,000 cells") as raised:
        _, peak = peak_memory(lambda: sheets.read_table(data, "wide.xlsx"))
    assert "Line 1" in str(raised.value)
    _, peak = peak_memory(lambda: refused(data))
    assert peak < MEMORY_LIMIT


def refused(data: bytes) -> str:
    try:
        sheets.read_table(data, "file.xlsx")
    except sheets.ImportFileError as error:
        return str(error)
    raise AssertionError("the file was read")


def test_rows_without_numbers_are_counted_as_they_come():
    rows = b"<row><c><v>1</v></c></row>" * 1_450_000
    data = workbook(SHEET_HEAD + rows + SHEET_TAIL)
    message, peak = peak_memory(lambda: refused(data))
    assert f"more than {sheets.MAX_ROWS} rows" in message
    assert f"line {sheets.MAX_ROWS + 2}" in message
    assert peak < MEMORY_LIMIT


def test_a_row_that_claims_a_far_line_is_counted_by_what_it_is():
    rows = b"".join(b'<row r="1"><c><v>1</v></c></row>' for _ in range(sheets.MAX_ROWS + 5))
    assert f"more than {sheets.MAX_ROWS} rows" in refused(workbook(SHEET_HEAD + rows + SHEET_TAIL))


def test_an_entity_anywhere_in_a_workbook_is_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
        b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    sheet = (
        laughs
        + SHEET_HEAD[len(b'<?xml version="1.0"?>') :]
        + b"<row><c><v>1</v></c></row>"
        + SHEET_TAIL
    )
    assert "document type declaration" in refused(workbook(sheet))
    shared = laughs + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    plain = SHEET_HEAD + b"<row><c><v>1</v></c></row>" + SHEET_TAIL
    assert "document type declaration" in refused(workbook(plain, {"xl/sharedStrings.xml": shared}))


def test_a_zip_bomb_is_refused_by_what_it_inflates_to():
    zeros = b"<!--" + b" " * (60 * 1024 * 1024) + b"-->"
    data = workbook(SHEET_HEAD + SHEET_TAIL, {"xl/padding.xml": zeros})
    assert len(data) < sheets.MAX_BYTES
    message, peak = peak_memory(lambda: refused(data))
    assert "unpacks to" in message
    assert peak < MEMORY_LIMIT


def test_a_zip_whose_sizes_lie_is_stopped_as_it_inflates(monkeypatch):
    # The scan counts what it inflates, not what the directory says: with the directory's
    # check passed (as a lying directory would), the scan still stops at the limit.
    monkeypatch.setattr(sheets, "MAX_UNPACKED_BYTES", 1024 * 1024)
    padding = b"<!--" + b" " * (3 * 1024 * 1024) + b"-->"
    data = workbook(SHEET_HEAD + SHEET_TAIL, {"xl/padding.xml": padding})
    with pytest.raises(sheets.ImportFileError, match="unpacks to more than"):
        sheets.scan_xlsx(data)


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (b"Force,Recommendation\n", "updates.xlsx", "not an Excel workbook"),
        (png(10, 10), "updates.csv", "not UTF-8 text"),
        (b"PK\x03\x04 not really a zip", "updates.xlsx", "not an Excel workbook"),
    ],
)
def test_a_sheet_that_is_not_what_it_says_is_refused(data, name, said):
    with pytest.raises(sheets.ImportFileError, match=said):
        sheets.read_table(data, name)


# --- bad input answered with 400 and nothing changed --------------------------------------------


def test_a_nul_in_any_field_is_a_clear_400(cast, impl_a):
    client = login(cast.pcc_a)
    before = ProgressLetter.objects.count()
    # A form's field says it: the letters page, with its message, and nothing drafted.
    response = client.post(reverse("letter-new"), {"inspection": "fire\x00arms"}, follow=True)
    assert "Choose the inspection the letter answers." in response.content.decode()
    assert ProgressLetter.objects.count() == before
    admin = login(cast.admin)
    response = admin.get(
        reverse("admin:autocomplete"),
        {
            "term": "a\x00b",
            "app_label": "inspections",
            "model_name": "progressupdate",
            "field_name": "implementation",
        },
    )
    assert response.status_code == 400
    response = client.get(reverse("overdue"), {"q\x00": "x"})
    assert response.status_code == 400
    assert "The field &#x27;q&#x27; holds a NUL character" in response.content.decode()


def test_an_unknown_import_format_is_a_message(cast, impl_a):
    response = login(cast.pcc_a).post(
        reverse("admin:inspections_progressupdate_process_import"),
        {"format": "abc", "import_file_name": "x.csv", "original_file_name": "x.csv"},
    )
    assert response.status_code in (200, 302, 400)
    assert not ProgressUpdate.objects.exists()


def test_an_admin_implementation_post_without_the_inlines_is_refused(cast, impl_a):
    url = reverse("admin:inspections_forceimplementation_change", args=[impl_a.pk])
    response = login(cast.pcc_a).post(url, {"lead_officer": "Supt. Example"})
    assert response.status_code in (200, 400)
    impl_a.refresh_from_db()
    assert impl_a.lead_officer == ""


def test_a_newline_in_a_name_or_title_is_refused(cast):
    force = Force.objects.get(pk=cast.force_a.pk)
    force.name = "Alphashire\nPolice"
    with pytest.raises(ValidationError, match="Keep this to one line"):
        services.save_force(force=force)
    assert Force.objects.get(pk=cast.force_a.pk).name == "Alphashire Police"
    dependency = Dependency(key="rota", title="Regional\r\nrota", kind="other", owner="NPCC")
    with pytest.raises(ValidationError, match="remove the line break at character 9"):
        dependency.full_clean()


def test_an_extension_to_the_year_9999_is_refused(cast, impl_a):
    rec = impl_a.recommendation
    url = reverse("extension-new", args=[cast.force_a.slug, rec.inspection.slug, rec.ref])
    response = login(cast.lead_a).post(
        url,
        {
            "requested_date_0": "1",
            "requested_date_1": "1",
            "requested_date_2": "9999",
            "reason": "Forever.",
        },
    )
    assert "no more than 10 years ahead" in response.content.decode()
    assert not impl_a.extension_requests.exists()
    assert ForceImplementation.objects.get(pk=impl_a.pk).due_date == datetime.date(2024, 7, 31)
    record(impl_a, cast.pcc_a)  # the item is still usable


def test_the_implementation_form_without_its_inline_rows_changes_nothing(cast, impl_a):
    """The whole form as the page gives it, less the updates inline's rows and management
    form: a clear form error, nothing saved."""
    url = reverse("admin:inspections_forceimplementation_change", args=[impl_a.pk])
    client = login(cast.pcc_a)
    page = client.get(url)
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in ((n, form[n].value()) for n in form.fields)
    }
    data["lead_officer"] = "Supt. Example"
    data["_save"] = "Save"
    response = client.post(url, data)
    assert response.status_code in (200, 400)
    impl_a.refresh_from_db()
    assert impl_a.lead_officer == ""


@pytest.mark.usefixtures("home_secretary")
def test_published_comments_are_a_frozen_copy_until_the_office_publishes_the_new_one(
    cast, impl_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    inspection = impl_a.recommendation.inspection
    record(impl_a, cast.pcc_a, narrative="Audit begun.")
    letter_services.save_chief_comments(
        force=cast.force_a,
        inspection=inspection,
        author=cast.lead_a,
        received_on=datetime.date(2023, 8, 1),
        text="The force accepts every recommendation.",
    )
    letter = letter_services.draft_letter(
        force=cast.force_a, inspection=inspection, author=cast.pcc_a
    )
    letter = letter_services.issue_letter(
        letter=letter, author=cast.pcc_a, issued_on=datetime.date(2023, 9, 1)
    )
    publication = letter_services.publish_response(
        letter=letter, with_chief_comments=True, author=cast.pcc_a
    )
    public_url = reverse("public-comments", args=[publication.uuid])
    anyone = login(cast.viewer)
    assert "accepts every recommendation" in anyone.get(public_url).content.decode()
    # The force lead edits the comments: nothing public changes.
    letter_services.save_chief_comments(
        force=cast.force_a,
        inspection=inspection,
        author=cast.lead_a,
        received_on=datetime.date(2023, 8, 1),
        text="The force accepts most recommendations.",
    )
    page = anyone.get(public_url).content.decode()
    assert "accepts every recommendation" in page
    assert "accepts most" not in page
    # The office sees that they differ, checks, and publishes the new version.
    office = login(cast.pcc_a)
    comments_page = office.get(reverse("chief-comments", args=[cast.force_a.slug, inspection.slug]))
    check_url = reverse("publication-comments", args=[publication.uuid])
    assert check_url in comments_page.content.decode()
    check = office.get(check_url).content.decode()
    assert "accepts every recommendation" in check
    assert "accepts most" in check
    assert login(cast.lead_a).post(check_url).status_code == 403
    assert office.post(check_url).status_code == 302
    assert "accepts most" in anyone.get(public_url).content.decode()
    assert office.post(check_url).status_code == 400  # nothing new to publish


def test_a_deployment_without_trusted_proxies_is_warned(settings):
    from django.core.checks import run_checks

    settings.TRACKER_TRUSTED_PROXIES = []
    assert "tracker.W001" in [m.id for m in run_checks(include_deployment_checks=True)]
    settings.TRACKER_TRUSTED_PROXIES = ["10.0.0.5"]
    assert "tracker.W001" not in [m.id for m in run_checks(include_deployment_checks=True)]
