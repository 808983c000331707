"""Breaks found by an attack on a copy of main, each with the test that would have caught it:
dates the browser rejects, derived fields overwritten by a stale save, and an import confirmed
after a row stopped passing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections import services
from inspections.models import DependencyStatus, ProgressUpdate, Status

from .conftest import TODAY, login, record
from .test_imports import as_csv, row

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY


def test_date_inputs_render_a_value_the_browser_accepts(cast, impl_a):
    services.set_target_date(
        implementation=impl_a, new_date=datetime.date(2027, 3, 31), reason="", changed_by=cast.pcc_a
    )
    page = login(cast.pcc_a).get(
        reverse("admin:inspections_forceimplementation_change", args=[impl_a.pk])
    )
    html = page.content.decode()
    assert 'type="date"' in html
    assert 'value="2027-03-31"' in html
    assert "31/03/2027" not in html


def test_saving_the_plan_from_a_stale_copy_keeps_the_latest_status(cast, impl_a):
    stale = type(impl_a).objects.get(pk=impl_a.pk)  # read before the update below
    record(impl_a, cast.lead_a, Status.IMPLEMENTED, as_of=datetime.date(2024, 1, 1))
    services.update_implementation_plan(
        implementation=stale,
        lead_officer="Supt. Example",
        target_date=datetime.date(2025, 6, 30),
        target_date_reason="",
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
