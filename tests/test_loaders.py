"""The reference and demo data commands: counts, content and idempotence."""

import datetime
import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from inspections.models import (
    Dependency,
    DependencyStatus,
    FirearmsStatistic,
    Force,
    ForceImplementation,
    Inspection,
    OverdueKind,
    ProgressUpdate,
    Recommendation,
    Region,
    Scope,
    Status,
    User,
)

from .test_due_dates import actors_out_of_step, out_of_step, tallies_out_of_step

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 21)
SEED_LETTER = (
    Path(__file__).resolve().parent.parent / "inspections/data/demo/west-mercia-2023-09-04.json"
)


def counts() -> dict[str, int]:
    return {
        "forces": Force.objects.count(),
        "regions": Region.objects.count(),
        "inspections": Inspection.objects.count(),
        "recommendations": Recommendation.objects.count(),
        "local": Recommendation.objects.filter(scope=Scope.LOCAL).count(),
        "dependencies": Dependency.objects.count(),
        "implementations": ForceImplementation.objects.count(),
        "statistics": FirearmsStatistic.objects.count(),
    }


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_reference_data_twice():
    run("load_reference_data")
    first = counts()
    output = run("load_reference_data")
    assert "Nothing to add" in output
    assert (
        counts()
        == first
        == {
            "forces": 43,
            "regions": 10,
            "inspections": 1,
            "recommendations": 12,
            "local": 7,
            "dependencies": 3,
            "implementations": 301,
            "statistics": 15,
        }
    )


def test_reference_content():
    run("load_reference_data")
    inspection = Inspection.objects.get(slug="firearms-2023")
    assert inspection.published == datetime.date(2023, 7, 11)
    assert inspection.response_due == datetime.date(2023, 9, 4)
    local = Recommendation.objects.filter(scope=Scope.LOCAL)
    assert sorted(local.values_list("number", flat=True)) == [2, 3, 5, 6, 8, 10, 12]
    assert all(r.text and r.addressee for r in local)
    rec8 = local.get(number=8)
    assert rec8.addressee == "regional_acc_leads"
    assert rec8.deadline_display == "With immediate effect"
    assert local.get(number=3).deadline == datetime.date(2023, 10, 31)
    for national in Recommendation.objects.filter(scope=Scope.NATIONAL):
        assert not national.wording_entered
        assert national.deadline_display == "Not entered yet"
    app = Dependency.objects.get(key="app-commander-accreditation")
    assert sorted(app.recommendations.values_list("number", flat=True)) == [5, 6]
    wm = Force.objects.get(slug="west-mercia-police")
    assert (wm.region.name, wm.governance, wm.commissioner_name) == (
        "West Midlands",
        "pcc",
        "John Campion",
    )
    assert Force.objects.get(name="Metropolitan Police Service").governance == "mayor"
    gwent_2023 = FirearmsStatistic.objects.get(
        force__slug="gwent-police", year_ending=datetime.date(2023, 3, 31)
    )
    assert (gwent_2023.firearms_operations, gwent_2023.authorised_firearms_officers) == (247, 43)
    # Two editions disagree about England and Wales in 2022: both are kept with their source.
    assert (
        FirearmsStatistic.objects.filter(force=None, year_ending=datetime.date(2022, 3, 31)).count()
        == 2
    )


def test_reference_reload_never_overwrites_edits():
    run("load_reference_data")
    Force.objects.filter(slug="gwent-police").update(commissioner_name="Edited Name")
    Dependency.objects.filter(key="armoury-guidance").update(
        status=DependencyStatus.DELIVERED, delivered_date=datetime.date(2024, 5, 1)
    )
    run("load_reference_data")
    assert Force.objects.get(slug="gwent-police").commissioner_name == "Edited Name"
    assert Dependency.objects.get(key="armoury-guidance").status == DependencyStatus.DELIVERED


def test_demo_data_needs_reference_data():
    with pytest.raises(CommandError, match="load_reference_data"):
        run("load_demo_data", "--today", "2026-11-21")


def test_demo_data_rejects_a_bad_date():
    with pytest.raises(CommandError, match="--today must be a date"):
        run("load_demo_data", "--today", "21/11/2026")


@override_settings(TRACKER_ALLOW_DEMO_DATA=False)
def test_demo_data_refuses_production():
    run("load_reference_data")
    with pytest.raises(CommandError, match="production"):
        run("load_demo_data")
    assert not User.objects.exists()


def test_demo_data(django_assert_max_num_queries):
    run("load_reference_data")
    output = run("load_demo_data", "--today", TODAY.isoformat())
    # Every kept column and tally is in step with its definition, though the loader works
    # them out once at the end (refreshes_deferred) rather than after each update.
    assert ForceImplementation.objects.filter(due_date__isnull=False).exists()
    assert ForceImplementation.objects.filter(next_actor="").exists()
    assert ForceImplementation.objects.exclude(next_actor="").exists()
    assert out_of_step() == []
    assert actors_out_of_step() == []
    assert tallies_out_of_step() == []
    for username in ("westmercia.pcc", "westmercia.lead", "gwent.pcc", "national.admin", "viewer"):
        assert username in output
        assert User.objects.get(username=username).check_password("tracker-demo-2023")
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {
        "pcc_staff",
        "force_lead",
        "national_admin",
        "viewer",
        "office_admin",
        "scrutiny",
    }

    # West Mercia: the seed letter's words, in the status they imply, as of 4 September 2023.
    letter = json.loads(SEED_LETTER.read_text())
    wm = ProgressUpdate.objects.filter(
        implementation__force__slug="west-mercia-police",
        implementation__recommendation__inspection__slug="firearms-2023",
    )
    assert wm.count() == 7
    for item in letter["updates"]:
        update = wm.get(
            implementation__recommendation__number=item["number"],
            implementation__recommendation__inspection__slug="firearms-2023",
        )
        assert update.narrative == item["narrative"]
        assert update.status == item["status"]
        assert update.as_of == datetime.date(2023, 9, 4)
    assert wm.get(implementation__recommendation__number=3).narrative.startswith(
        "Asset tracking through the Airbox software"
    )

    # The invented force report: West Mercia's alone, marked as sample data.
    peel = Inspection.objects.get(slug="sample-west-mercia-peel")
    assert peel.is_sample
    assert list(peel.forces.values_list("slug", flat=True)) == ["west-mercia-police"]
    assert [r.reference for r in peel.recommendations.all()] == [
        "Cause of concern 1",
        "Recommendation 1",
        "Recommendation 2",
        "AFI 1",
        "AFI 2",
        "AFI 3",
    ]
    cause = peel.recommendations.get(kind="cause_of_concern")
    assert cause.linked_recommendations.count() == 2
    assert set(
        ForceImplementation.objects.filter(recommendation__inspection=peel).values_list(
            "force__slug", flat=True
        )
    ) == {"west-mercia-police"}

    # Every status, every overdue kind, due soon and needs review all occur.
    qs = ForceImplementation.objects
    assert set(qs.values_list("status", flat=True)) == set(Status.values)
    for kind in OverdueKind:
        assert qs.overdue_of_kind(TODAY, kind).exists(), kind
    assert qs.due_soon(TODAY).exists()
    assert qs.needs_review().exists()
    assert qs.awaiting_dependency().exclude(pk__in=qs.needs_review()).exists()
    dates = (
        ProgressUpdate.objects.exclude(implementation__force__slug="west-mercia-police")
        .filter(implementation__recommendation__inspection__slug="firearms-2023")
        .values_list("as_of", flat=True)
    )
    assert {d.year for d in dates} == {2023, 2024, 2025}
    assert all(
        u.author.force_id == u.implementation.force_id or u.author.is_national_admin
        for u in ProgressUpdate.objects.select_related("author", "implementation")
    )
    complete = ProgressUpdate.objects.filter(status=Status.COMPLETE).select_related("author")
    assert complete
    assert all(u.author.role == "force_lead" and u.evidence_note for u in complete)

    # A second run adds nothing and changes nothing.
    before = (
        counts(),
        ProgressUpdate.objects.count(),
        User.objects.count(),
        Counter(qs.values_list("status", flat=True)),
    )
    output = run("load_demo_data", "--today", TODAY.isoformat())
    assert "Nothing to add" in output
    assert before == (
        counts(),
        ProgressUpdate.objects.count(),
        User.objects.count(),
        Counter(qs.values_list("status", flat=True)),
    )
