"""Overdue (three kinds), due soon and needs review: one definition, with 'today' passed in."""

import datetime

import pytest
from django.test import override_settings

from inspections import services
from inspections.models import (
    DeadlineKind,
    DependencyStatus,
    ForceImplementation,
    OverdueKind,
    Status,
)

from .conftest import record
from .downloads import body
from .factories import DependencyFactory, RecommendationFactory

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2024, 7, 31)


def ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_overdue_is_past_deadline_and_not_closed(cast, impl_a, impl_b):
    objects = ForceImplementation.objects
    assert ids(objects.overdue(DEADLINE)) == set()  # due on the day, not yet overdue
    assert ids(objects.overdue(DEADLINE + datetime.timedelta(days=1))) == {impl_a.pk, impl_b.pk}
    record(impl_b, cast.lead_b, Status.COMPLETE, evidence_note="Audit")
    record(impl_a, cast.pcc_a, Status.NOT_APPLICABLE, evidence_note="Not the lead force")
    assert ids(objects.overdue(DEADLINE + datetime.timedelta(days=1))) == set()


def test_overdue_kinds(cast, recommendation, dependency):
    today = datetime.date(2025, 1, 1)
    others = [
        RecommendationFactory(inspection=recommendation.inspection, number=n) for n in (3, 4, 5)
    ]
    impls = {
        rec.number: ForceImplementation.objects.get(force=cast.force_a, recommendation=rec)
        for rec in [recommendation, *others]
    }
    # 2 stays not started; 3 in progress; 4 awaiting; 5 implemented.
    record(impls[3], cast.pcc_a, Status.IN_PROGRESS)
    dependency.recommendations.add(others[1])
    record(impls[4], cast.pcc_a, Status.AWAITING_DEPENDENCY, dependencies=[dependency])
    record(impls[5], cast.pcc_a, Status.IMPLEMENTED)
    qs = ForceImplementation.objects.filter(force=cast.force_a)
    assert ids(qs.overdue_of_kind(today, OverdueKind.WITHIN_CONTROL)) == {impls[2].pk, impls[3].pk}
    assert ids(qs.overdue_of_kind(today, OverdueKind.AWAITING_DEPENDENCY)) == {impls[4].pk}
    assert ids(qs.overdue_of_kind(today, OverdueKind.AWAITING_SIGN_OFF)) == {impls[5].pk}
    # Every overdue item is of exactly one kind.
    kinds = [ids(qs.overdue_of_kind(today, kind)) for kind in OverdueKind]
    assert sum(len(k) for k in kinds) == len(ids(qs.overdue(today)))


def test_immediate_deadline_is_due_on_publication(cast, recommendation):
    rec = RecommendationFactory(
        inspection=recommendation.inspection,
        number=10,
        deadline_kind=DeadlineKind.IMMEDIATE,
        deadline=None,
    )
    published = rec.inspection.published
    qs = ForceImplementation.objects.filter(recommendation=rec)
    assert qs.overdue(published).count() == 0
    assert qs.overdue(published + datetime.timedelta(days=1)).count() == 2
    assert qs.first().due_date == published


def test_due_soon_window(cast, impl_a, impl_b):
    objects = ForceImplementation.objects
    assert ids(objects.due_soon(DEADLINE - datetime.timedelta(days=31))) == set()
    assert ids(objects.due_soon(DEADLINE - datetime.timedelta(days=30))) == {impl_a.pk, impl_b.pk}
    assert ids(objects.due_soon(DEADLINE)) == {impl_a.pk, impl_b.pk}
    assert ids(objects.due_soon(DEADLINE + datetime.timedelta(days=1))) == set()
    assert ids(objects.due_soon(DEADLINE - datetime.timedelta(days=60), days=60)) == {
        impl_a.pk,
        impl_b.pk,
    }
    record(impl_a, cast.lead_a, Status.COMPLETE, evidence_note="Audit")
    assert ids(objects.due_soon(DEADLINE)) == {impl_b.pk}


@override_settings(TRACKER_DUE_SOON_DAYS=7)
def test_due_soon_window_is_configurable(cast, impl_a):
    assert not ForceImplementation.objects.due_soon(DEADLINE - datetime.timedelta(days=8)).exists()
    assert ForceImplementation.objects.due_soon(DEADLINE - datetime.timedelta(days=7)).exists()


def test_needs_review_when_every_named_dependency_is_closed(cast, impl_a, impl_b, dependency):
    second = DependencyFactory(key="armoury", title="Armoury guidance")
    record(impl_a, cast.pcc_a, Status.AWAITING_DEPENDENCY, dependencies=[dependency])
    record(impl_b, cast.pcc_b, Status.AWAITING_DEPENDENCY, dependencies=[dependency, second])
    assert not ForceImplementation.objects.needs_review().exists()

    services.close_dependency(
        dependency=dependency,
        status=DependencyStatus.DELIVERED,
        on=datetime.date(2024, 3, 1),
        changed_by=cast.admin,
    )
    assert ids(ForceImplementation.objects.needs_review()) == {impl_a.pk}

    services.close_dependency(
        dependency=second,
        status=DependencyStatus.WITHDRAWN,
        on=datetime.date(2024, 4, 1),
        changed_by=cast.admin,
    )
    assert ids(ForceImplementation.objects.needs_review()) == {impl_a.pk, impl_b.pk}


def test_after_delivery_an_item_is_the_forces_own_to_review_everywhere(
    cast, impl_a, impl_b, dependency
):
    """Not 'overdue: awaiting a dependency' any more, in counts, lists and exports alike."""
    from django.urls import reverse

    from inspections.reports import queries

    from .conftest import login

    today = datetime.date(2026, 11, 21)
    second = DependencyFactory(key="armoury", title="Armoury guidance")
    record(impl_a, cast.pcc_a, Status.AWAITING_DEPENDENCY, dependencies=[dependency])
    record(impl_b, cast.pcc_b, Status.AWAITING_DEPENDENCY, dependencies=[dependency, second])
    services.close_dependency(
        dependency=dependency,
        status=DependencyStatus.DELIVERED,
        on=datetime.date(2024, 3, 1),
        changed_by=cast.admin,
    )
    objects = ForceImplementation.objects
    waiting = objects.overdue_of_kind(today, OverdueKind.AWAITING_DEPENDENCY)
    own = objects.overdue_of_kind(today, OverdueKind.WITHIN_CONTROL)
    assert ids(waiting) == {impl_b.pk}  # still waiting on the armoury guidance
    assert impl_a.pk in ids(own)
    counts = queries.attention_counts(objects.all(), today)
    assert counts["overdue_awaiting_dependency"] == 1
    assert counts["awaiting_dependency"] == 1
    assert counts["needs_review"] == 1

    with override_settings(TRACKER_TODAY=today.isoformat()):
        page = login(cast.pcc_a).get(reverse("overdue"))
        csv = login(cast.pcc_a).get(
            reverse("overdue"), {"format": "csv", "table": "within-control"}
        )
    assert "Dependency delivered: review" in page.content.decode()
    assert "Dependency delivered: review" in body(csv).decode("utf-8-sig")


def test_what_an_item_waits_on_is_listed_by_title_with_each_status(
    cast, impl_a, impl_b, dependency
):
    """The overdue table, its export and the force page say what each item waits on: every
    dependency, by title, whatever order they were named in; the force page with each one's
    status."""
    from django.urls import reverse

    from .conftest import login

    today = datetime.date(2026, 11, 21)
    armoury = DependencyFactory(key="armoury", title="Armoury guidance")
    record(impl_b, cast.pcc_b, Status.AWAITING_DEPENDENCY, dependencies=[dependency, armoury])
    services.close_dependency(
        dependency=armoury,
        status=DependencyStatus.DELIVERED,
        on=datetime.date(2024, 3, 1),
        changed_by=cast.admin,
    )
    with override_settings(TRACKER_TODAY=today.isoformat()):
        client = login(cast.pcc_b)
        page = client.get(reverse("overdue"))
        csv = client.get(reverse("overdue"), {"format": "csv", "table": "awaiting-dependency"})
        force_page = client.get(reverse("force", args=[cast.force_b.slug]))
    (table,) = [t for t in page.context["tables"] if t.key == "awaiting-dependency"]
    (row,) = table.rows
    assert row[-1].value == "Armoury guidance; Revised APP"
    assert "Armoury guidance; Revised APP" in body(csv).decode("utf-8-sig")
    assert (
        "Waiting on: Armoury guidance (delivered); Revised APP (pending)"
        in force_page.content.decode()
    )


def test_overdue_totals_from_tallies_match_a_count_of_the_rows(cast, impl_a, impl_b, dependency):
    """The overdue report's totals (from each force's kept counts, less what is not yet due)
    are exactly the rows' count, whoever asks and whatever they filter on."""
    from django.urls import reverse

    from .conftest import login

    today = datetime.date(2026, 11, 21)
    later = RecommendationFactory(
        inspection=impl_a.recommendation.inspection, number=7, deadline=datetime.date(2027, 3, 31)
    )
    closed = RecommendationFactory(inspection=impl_a.recommendation.inspection, number=8)
    record(impl_a, cast.pcc_a, Status.AWAITING_DEPENDENCY, dependencies=[dependency])
    record(impl_b, cast.pcc_b, Status.IMPLEMENTED)
    record(
        ForceImplementation.objects.get(force=cast.force_a, recommendation=closed),
        cast.lead_a,
        Status.COMPLETE,
        evidence_note="Audit",
    )
    assert ForceImplementation.objects.filter(recommendation=later).count() == 2
    region = cast.force_a.region.slug
    asks = [
        (cast.admin, {}),
        (cast.viewer, {}),
        (cast.admin, {"region": region}),
        (cast.admin, {"force": cast.force_b.slug}),
        (cast.pcc_a, {}),
        (cast.lead_b, {}),
        (cast.admin, {"status": Status.IMPLEMENTED}),
        (cast.admin, {"kind": "recommendation", "force": cast.force_a.slug}),
    ]
    for user, filters in asks:
        with override_settings(TRACKER_TODAY=today.isoformat()):
            page = login(user).get(reverse("overdue"), filters)
        assert page.status_code == 200
        rows = ForceImplementation.objects.all()
        if user.force_id:
            rows = rows.filter(force=user.force_id)
        if "region" in filters:
            rows = rows.filter(force__region__slug=filters["region"])
        if "force" in filters:
            rows = rows.filter(force__slug=filters["force"])
        if "status" in filters:
            rows = rows.filter(status=filters["status"])
        totals = {table.key: table.total for table in page.context["tables"]}
        expected = {
            kind.value.replace("_", "-"): rows.overdue_of_kind(today, kind).count()
            for kind in OverdueKind
        }
        assert totals == expected, (user.username, filters)
        assert sum(expected.values()) == page.context["total"]
    # Every kind has an item, and items not yet due exist, so the subtraction is exercised.
    everything = ForceImplementation.objects.all()
    assert all(everything.overdue_of_kind(today, kind).exists() for kind in OverdueKind)
    assert everything.exclude(due_date__lt=today).exclude(next_actor="").exists()
