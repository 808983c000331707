"""Property-based tests: random and hostile input to the import parser and the forms never
raises an unhandled exception, and a rejected input writes nothing."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspections import importers
from inspections.admin.forms import ImplementationForm, ProgressUpdateForm
from inspections.models import ProgressUpdate, Status, TargetDateRevision

from .conftest import TODAY

pytestmark = pytest.mark.django_db
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
        ]
    ),
)
cell = st.one_of(
    st.none(), nasty_text, st.integers(), st.floats(allow_nan=True), st.dates(), st.booleans()
)


@FUZZ
@given(data=st.binary(max_size=2000), name=st.sampled_from(["a.csv", "a.xlsx", "a", "a.txt"]))
def test_any_bytes_are_read_or_refused_cleanly(cast, impl_a, data, name):
    try:
        headers, rows = importers.read_table(data, name)
        plan = importers.plan_import(headers, rows, user=cast.pcc_a, today=TODAY)
    except importers.ImportFileError as error:
        assert str(error)
    else:
        assert plan.ok or plan.error_lines()
    assert not ProgressUpdate.objects.exists()


@FUZZ
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=10), min_size=1, max_size=8))
def test_any_rows_are_planned_without_writing(cast, impl_a, rows):
    plan = importers.plan_import(list(importers.COLUMNS), rows, user=cast.pcc_a, today=TODAY)
    for line, messages in plan.errors.items():
        assert 2 <= line <= len(rows) + 1 and messages
    assert not ProgressUpdate.objects.exists()


@FUZZ
@given(
    status=nasty_text,
    as_of=nasty_text,
    narrative=nasty_text,
    evidence=nasty_text,
    dependencies=st.lists(st.one_of(st.integers(), nasty_text), max_size=3),
)
def test_update_form_never_crashes(cast, impl_a, status, as_of, narrative, evidence, dependencies):
    form_class = type("Form", (ProgressUpdateForm,), {"author": cast.pcc_a})
    form = form_class(
        data={
            "implementation": impl_a.pk,
            "status": status,
            "as_of": as_of,
            "narrative": narrative,
            "evidence_note": evidence,
            "dependencies": dependencies,
        }
    )
    valid = form.is_valid()
    if valid:
        # Anything the form accepts obeys the rules it was built to check.
        assert form.cleaned_data["status"] in Status.values
        assert form.cleaned_data["status"] != Status.COMPLETE  # PCC staff cannot sign off
        assert form.cleaned_data["as_of"] <= datetime.date.today()
    assert not ProgressUpdate.objects.exists()


@FUZZ
@given(lead=nasty_text, target=nasty_text, reason=nasty_text, version=nasty_text)
def test_implementation_form_never_crashes(cast, impl_a, lead, target, reason, version):
    form = ImplementationForm(
        data={
            "lead_officer": lead,
            "new_target_date": target,
            "target_date_reason": reason,
            "edit_version": version,
        },
        instance=impl_a,
    )
    form.is_valid()
    assert not TargetDateRevision.objects.exists()
