"""The demo data (make run's): what it loads, checked on the load every module of the run
shares (conftest.demo_db) rather than on a load of its own, which would cost as much again."""

import datetime
import json
from collections import Counter

import pytest

from inspections.models import (
    ForceImplementation,
    Inspection,
    OverdueKind,
    ProgressUpdate,
    Status,
    User,
)

from .conftest import TODAY, demo_output
from .test_due_dates import actors_out_of_step, out_of_step, tallies_out_of_step
from .test_loaders import SEED_LETTER, counts, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]


def test_demo_data():
    """What the run's one load of the demo data (conftest.load_demo_once) made and printed,
    then a second load, which adds nothing."""
    output = demo_output()
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
