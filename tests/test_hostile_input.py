"""Property-based tests: random and hostile input to the import parser and the forms never
raises an unhandled exception, and a rejected input writes nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspections import importers
from inspections.models import ProgressUpdate, Status, TargetDateRevision
from inspections.text import control_character_problem

from .conftest import TODAY, login

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

nasty_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "=cmd|' /C calc'!A0",
            "+1",
            "-1",
            "@SUM(1)",
            "'; DROP TABLE x;--",
            "<script>alert(1)</script>",
            "\x00",
            "\x0b",
            "line\r\nbreak",
            "\u202e",
            "2024-02-30",
            "31/02/2024",
            "Alphashire Police",
            "firearms",
            "2",
            "complete",
            "Complete",
            "awaiting_dependency",
            " ",
            "9" * 40,
            "\u00b9",  # a digit to str.isdigit(), not to int()
        ]
    ),
)
cell = st.one_of(
    st.none(), nasty_text, st.integers(), st.floats(allow_nan=True), st.dates(), st.booleans()
)


@FUZZ
@given(data=st.binary(max_size=2000), name=st.sampled_from(["a.csv", "a.xlsx", "a", "a.txt"]))
def test_any_bytes_are_read_or_refused_cleanly(cast, impl_a, data, name):
    refusal, plan = "", None
    try:
        headers, rows = importers.read_table(data, name)
        plan = importers.plan_import(headers, rows, user=cast.pcc_a, today=TODAY)
    except importers.ImportFileError as error:
        refusal = str(error)
    # Either a refusal that says why, or a plan (every bad row named).
    assert refusal or plan.ok or plan.error_lines()
    assert not ProgressUpdate.objects.exists()


@FUZZ
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=10), min_size=1, max_size=8))
def test_any_rows_are_planned_without_writing(cast, impl_a, rows):
    plan = importers.plan_import(list(importers.COLUMNS), rows, user=cast.pcc_a, today=TODAY)
    for line, messages in plan.errors.items():
        assert 2 <= line <= len(rows) + 1
        assert messages
    assert not ProgressUpdate.objects.exists()


@FUZZ
@given(
    status=nasty_text,
    as_of=nasty_text,
    narrative=nasty_text,
    evidence=nasty_text,
    dependencies=st.lists(st.one_of(st.integers(), nasty_text), max_size=3),
)
def test_update_form_never_crashes_and_writes_only_what_obeys_the_rules(
    cast, impl_a, status, as_of, narrative, evidence, dependencies
):
    """Posted through the admin, as a browser would: either a redirect with one update that
    obeys every rule, or the form again with nothing written."""
    client = login(cast.pcc_a)
    client.raise_request_exception = False
    before = ProgressUpdate.objects.count()
    response = client.post(
        reverse("admin:inspections_progressupdate_add"),
        {
            "implementation": impl_a.pk,
            "status": status,
            "as_of": as_of,
            "narrative": narrative,
            "evidence_note": evidence,
            "dependencies": dependencies,
        },
    )
    assert response.status_code in (200, 302), response.status_code
    created = ProgressUpdate.objects.count() - before
    if response.status_code == 200:
        assert created == 0
        return
    assert created == 1
    update = ProgressUpdate.objects.latest("id")
    assert update.status in Status.values
    assert update.status != Status.COMPLETE  # PCC staff cannot sign off
    assert update.as_of <= TODAY
    assert update.narrative.strip()
    assert "\r" not in update.narrative
    assert control_character_problem(update.narrative + update.evidence_note) is None


@FUZZ
@given(lead=nasty_text, target=nasty_text, reason=nasty_text, version=nasty_text)
def test_implementation_form_never_crashes(cast, impl_a, lead, target, reason, version):
    client = login(cast.pcc_a)
    client.raise_request_exception = False
    before = (impl_a.lead_officer, impl_a.target_date, TargetDateRevision.objects.count())
    response = client.post(
        reverse("admin:inspections_forceimplementation_change", args=[impl_a.pk]),
        {
            "lead_officer": lead,
            "new_target_date": target,
            "target_date_reason": reason,
            "edit_version": version,
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code in (200, 302), response.status_code
    impl_a.refresh_from_db()
    after = (impl_a.lead_officer, impl_a.target_date, TargetDateRevision.objects.count())
    if response.status_code == 200:
        assert after == before
    else:
        assert control_character_problem(impl_a.lead_officer) is None


@FUZZ
@given(username=nasty_text, password=nasty_text)
def test_sign_in_never_crashes(username, password):
    client = Client(raise_request_exception=False)
    for url, field in (("/sign-in/", "login"), ("/admin/login/", "username")):
        response = client.post(url, {field: username, "password": password})
        assert response.status_code == 200, (url, response.status_code)


# str.isdigit() says yes to a superscript one, and int() says no: found by the fuzzing above
# (a spreadsheet row naming recommendation '¹' crashed the import's plan with a ValueError).
SUPERSCRIPT_ONE = "\u00b9"


def test_a_superscript_digit_is_a_clear_message_wherever_a_number_is_read(cast, impl_a):
    from inspections.ids import is_id
    from inspections.models.finding_words import parse_written_reference

    assert parse_written_reference(SUPERSCRIPT_ONE) is None
    assert parse_written_reference(f"AFI {SUPERSCRIPT_ONE}") is None
    assert not is_id(SUPERSCRIPT_ONE)
    # A spreadsheet row naming it: the plan says what is wrong with that line.
    row = ["Alphashire Police", "firearms", SUPERSCRIPT_ONE, "in_progress", "2023-09-04", "Done"]
    plan = importers.plan_import(list(importers.COLUMNS[:6]), [row], user=cast.pcc_a, today=TODAY)
    assert "the recommendation must be a number" in " ".join(plan.errors[2])
    client = login(cast.pcc_a)
    # A page number in the address.
    response = client.get(reverse("dashboard") + f"?needs-review-page={SUPERSCRIPT_ONE}")
    assert response.status_code == 400
    assert "The page number must be a whole number from 1" in response.content.decode()
    # A day typed in the GOV.UK date boxes.
    rec = impl_a.recommendation
    item_update = reverse("item-update", args=[impl_a.force.slug, rec.inspection.slug, rec.number])
    fields = {"status": "in_progress", "as_of_1": "9", "as_of_2": "2023", "narrative": "Done."}
    response = client.post(item_update, {**fields, "as_of_0": SUPERSCRIPT_ONE})
    assert response.status_code == 200
    assert "The date must be a real date" in response.content.decode()
    # The spreadsheet format a confirmation of the admin's import posts back.
    response = client.post(
        reverse("admin:inspections_progressupdate_process_import"),
        {"format": SUPERSCRIPT_ONE, "import_file_name": "x.csv", "original_file_name": "x.csv"},
    )
    assert response.status_code in (200, 302, 400)
    assert not ProgressUpdate.objects.exists()
