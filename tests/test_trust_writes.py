"""Breaks found by an attack on a copy of main, each with the test that would have caught it:
dates the browser rejects, derived fields overwritten by a stale save, and an import confirmed
after a row stopped passing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections import services
from inspections.models import DependencyStatus, ProgressUpdate, Status

from .conftest import TODAY, admin_dates, login, record
from .test_imports import as_csv, row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY


def test_admin_dates_are_day_month_and_year_boxes_holding_the_value(cast, impl_a):
    services.set_target_date(
        implementation=impl_a,
        new_date=datetime.date(2027, 3, 31),
        reason="Planned.",
        changed_by=cast.pcc_a,
    )
    page = login(cast.pcc_a).get(
        reverse("admin:inspections_forceimplementation_change", args=[impl_a.pk])
    )
    html = page.content.decode()
    # Day, month and year, as on the service's pages: never a browser's own date format.
    assert 'type="date"' not in html
    for part in ("0", "1", "2"):
        assert f'name="new_target_date_{part}"' in html
        assert f'id="id_new_target_date_{part}"' in html
    assert 'value="2027"' in html
    assert "31/03/2027" not in html


def test_saving_the_plan_from_a_stale_copy_keeps_the_latest_status(cast, impl_a):
    stale = type(impl_a).objects.get(pk=impl_a.pk)  # read before the update below
    record(impl_a, cast.lead_a, Status.IMPLEMENTED, as_of=datetime.date(2024, 1, 1))
    services.update_implementation_plan(
        implementation=stale,
        lead_officer="Supt. Example",
        target_date=datetime.date(2025, 6, 30),
        target_date_reason="After the deadline: the refit is booked.",
        expected_version=stale.version,
        changed_by=cast.pcc_a,
    )
    impl_a.refresh_from_db()
    assert impl_a.status == Status.IMPLEMENTED
    assert impl_a.latest_update_on == datetime.date(2024, 1, 1)
    assert impl_a.lead_officer == "Supt. Example"
    assert impl_a.target_date == datetime.date(2025, 6, 30)


def test_plan_save_with_an_old_version_is_refused(cast, impl_a):
    from django.core.exceptions import ValidationError

    services.update_implementation_plan(
        implementation=impl_a,
        lead_officer="First",
        target_date=None,
        target_date_reason="",
        expected_version=impl_a.version,
        changed_by=cast.pcc_a,
    )
    with pytest.raises(ValidationError):
        services.update_implementation_plan(
            implementation=impl_a,
            lead_officer="Second",
            target_date=None,
            target_date_reason="",
            expected_version=impl_a.version,  # the version read before the first save
            changed_by=cast.lead_a,
        )
    impl_a.refresh_from_db()
    assert impl_a.lead_officer == "First"


def test_import_confirm_rechecks_the_whole_file_and_records_nothing(
    cast, impl_a, recommendation, dependency
):
    from .factories import RecommendationFactory

    RecommendationFactory(inspection=recommendation.inspection, number=3)
    client = login(cast.pcc_a)
    data = as_csv(
        row(number="3"),
        row(status="Awaiting dependency", waiting=dependency.key),
    )
    preview = client.post(
        reverse("admin:inspections_progressupdate_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("u.csv", data)},
    )
    assert preview.context["result"].totals["new"] == 2
    confirm = preview.context["confirm_form"]
    # Between preview and confirm the dependency is delivered: row 3 no longer passes.
    services.close_dependency(
        dependency=dependency,
        status=DependencyStatus.DELIVERED,
        on=datetime.date(2024, 5, 1),
        changed_by=cast.admin,
    )
    response = client.post(
        reverse("admin:inspections_progressupdate_process_import"),
        {name: confirm[name].value() for name in confirm.fields},
        follow=True,
    )
    assert not ProgressUpdate.objects.exists()
    text = response.content.decode()
    assert "Nothing was recorded" in text
    assert "Line 3" in text


# --- text: one way of storing line breaks, no control characters, sensible lengths -----------


def add_update(client, implementation, **fields):
    data = {
        "implementation": implementation.pk,
        "status": "in_progress",
        "as_of": "2024-01-01",
        "narrative": "Progress.",
        "evidence_note": "",
        **fields,
    }
    return client.post(reverse("admin:inspections_progressupdate_add"), admin_dates(data))


def test_line_breaks_from_browsers_are_stored_as_newlines(cast, impl_a):
    response = add_update(login(cast.pcc_a), impl_a, narrative="First line.\r\nSecond line.")
    assert response.status_code == 302
    assert ProgressUpdate.objects.get().narrative == "First line.\nSecond line."


@pytest.mark.parametrize(
    ("character", "message"),
    [
        ("\x0b", "control character U+000B (vertical tab) at character 5"),
        ("\x00", "Null characters are not allowed"),
        ("\x1b", "control character U+001B (escape) at character 5"),
        ("\x7f", "control character U+007F (delete) at character 5"),
    ],
)
def test_control_characters_are_refused_with_a_message(cast, impl_a, character, message):
    response = add_update(login(cast.pcc_a), impl_a, narrative=f"Text{character}more")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_control_characters_in_an_imported_row_are_refused(cast, impl_a, tmp_path):
    import io

    from django.core.management import CommandError, call_command

    path = tmp_path / "u.csv"
    path.write_bytes(as_csv(row(narrative="Bad\x0bcell")))
    errors = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_updates", str(path), "--user", "pcc_a", "--apply", stderr=errors)
    assert "Line 2" in errors.getvalue()
    assert "control character U+000B" in errors.getvalue()
    assert not ProgressUpdate.objects.exists()


def test_free_text_has_a_length_limit(cast, impl_a):
    from inspections.text import NARRATIVE_MAX

    response = add_update(login(cast.pcc_a), impl_a, narrative="x" * (NARRATIVE_MAX + 1))
    assert response.status_code == 200
    assert f"at most {NARRATIVE_MAX} characters (it has {NARRATIVE_MAX + 1})" in (
        response.content.decode()
    )
    assert not ProgressUpdate.objects.exists()
    with pytest.raises(Exception, match="characters or fewer"):
        record(impl_a, cast.pcc_a, narrative="x" * (NARRATIVE_MAX + 1))


def test_outputs_survive_control_characters_already_stored(cast, impl_a, recommendation):
    """Data stored before the refusal (or by raw SQL) must not break any download."""
    from django.db import connection

    from inspections.letters import services as letter_services
    from inspections.models import LetterRecipient

    LetterRecipient.objects.create(
        key="home-secretary", name="Name", office="Home Secretary", address="Street"
    )
    update = record(impl_a, cast.pcc_a, narrative="Clean for now.")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ProgressUpdate._meta.db_table} SET narrative = %s WHERE id = %s",
            ["Tab\x0bbed\x1b text", update.pk],
        )
    client = login(cast.pcc_a)
    force_page = client.get(reverse("force", args=[cast.force_a.slug]), {"format": "xlsx"})
    assert force_page.status_code == 200
    letter = letter_services.draft_letter(
        force=cast.force_a, inspection=recommendation.inspection, author=cast.pcc_a
    )
    assert "Tab\x0bbed" in letter.sections.get().narrative  # stored as it was
    for fmt in ("docx", "pdf", "html"):
        response = client.get(reverse("letter-download", args=[letter.uuid, fmt]))
        assert response.status_code == 200, fmt
    issued = letter_services.issue_letter(
        letter=letter, author=cast.pcc_a, issued_on=datetime.date(2024, 1, 2)
    )
    assert issued.docx_sha256
    assert issued.pdf_sha256


# --- evidence files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("big.pdf", 2 * 1024 * 1024 + 1, "evidence files can be at most 2 MB"),
        ("tool.exe", 10, "not a kind accepted as evidence"),
        ("no-extension", 10, "not a kind accepted as evidence"),
    ],
)
def test_evidence_files_have_a_size_and_kind_limit(cast, impl_a, settings, name, size, message):
    settings.TRACKER_EVIDENCE_MAX_MB = 2
    upload = SimpleUploadedFile(name, b"x" * size)
    response = add_update(login(cast.pcc_a), impl_a, evidence_file=upload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProgressUpdate.objects.exists()
    with pytest.raises(Exception, match=message):
        record(impl_a, cast.pcc_a, evidence_files=[SimpleUploadedFile(name, b"x" * size)])
    assert not ProgressUpdate.objects.exists()


def test_an_accepted_evidence_file_is_stored(cast, impl_a):
    upload = SimpleUploadedFile("minutes.PDF", b"%PDF-1.4 minutes")
    assert add_update(login(cast.pcc_a), impl_a, evidence_file=upload).status_code == 302
    assert ProgressUpdate.objects.get().files.get().name == "minutes.PDF"
