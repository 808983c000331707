"""The reference and demo data commands: counts, content and idempotence."""

import datetime
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
    Recommendation,
    Region,
    Scope,
    User,
)

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
