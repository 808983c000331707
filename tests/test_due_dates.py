"""Each implementation keeps copies of what every report filters and orders on, so that reports
can use an index: its recommendation's due date, and who must act next. No path that changes a
deadline, a deadline kind, a publication date, a status, an item's dependencies or a dependency's
status, or adds a force or recommendation, may leave a copy out of step."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse

from inspections import clock, services
from inspections.models import (
    ActorTally,
    DeadlineKind,
    Dependency,
    DependencyStatus,
    ForceImplementation,
    Inspection,
    OverdueKind,
    Status,
)
from inspections.models.attention import Attention, due_date_expression

from .conftest import admin_dates, login, record
from .factories import DependencyFactory, ForceFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


def out_of_step() -> list[tuple[int, object, object]]:
    """Rows whose kept due date or last activity differs from what it is kept from."""
    rows = ForceImplementation.objects.annotate(
        computed=due_date_expression(),
        activity=Coalesce("latest_update_on", "recommendation__inspection__published"),
    ).filter(
        Q(due_date__isnull=True, computed__isnull=False)
        | Q(due_date__isnull=False, computed__isnull=True)
        | ~Q(due_date=F("computed"))
        | Q(last_activity__isnull=True, activity__isnull=False)
        | ~Q(last_activity=F("activity"))
    )
    return list(rows.values_list("pk", "due_date", "computed"))


def test_every_write_path_keeps_due_dates_in_step(cast, recommendation):
    assert ForceImplementation.objects.filter(due_date=datetime.date(2024, 7, 31)).count() == 2
    assert out_of_step() == []
    assert tallies_out_of_step() == []
    # A new force gets its copies.
    ForceFactory()
    assert out_of_step() == []
    assert tallies_out_of_step() == []
    # The deadline moves in the admin.
    response = login(cast.admin).post(
        reverse("admin:inspections_recommendation_change", args=[recommendation.pk]),
        {
            "inspection": recommendation.inspection.pk,
            "kind": "recommendation",
            "number": recommendation.number,
            "scope": recommendation.scope,
            "addressee": recommendation.addressee,
            "deadline_kind": DeadlineKind.DATE,
            **admin_dates({"deadline": "2025-01-31"}),
            "text": recommendation.text,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(ForceImplementation.objects.values_list("due_date", flat=True)) == {
        datetime.date(2025, 1, 31)
    }
    # With immediate effect: it falls due on publication day, and moves with it.
    recommendation.refresh_from_db()
    recommendation.deadline_kind, recommendation.deadline = DeadlineKind.IMMEDIATE, None
    services.save_recommendation(recommendation=recommendation)
    assert out_of_step() == []
    assert tallies_out_of_step() == []
    inspection = Inspection.objects.get(pk=recommendation.inspection_id)
    response = login(cast.admin).post(
        reverse("admin:inspections_inspection_change", args=[inspection.pk]),
        {
            "title": inspection.title,
            "slug": inspection.slug,
            "inspectorate": inspection.inspectorate,
            "addressed_to": "every_force",
            **admin_dates({"published": "2023-08-01"}),
            "recommendations-TOTAL_FORMS": "1",
            "recommendations-INITIAL_FORMS": "1",
            "recommendations-0-id": recommendation.pk,
            "recommendations-0-inspection": inspection.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(ForceImplementation.objects.values_list("due_date", flat=True)) == {
        datetime.date(2023, 8, 1)
    }
    # A new recommendation on the inspection.
    RecommendationFactory(inspection=inspection, deadline=datetime.date(2027, 3, 31))
    assert out_of_step() == []
    assert tallies_out_of_step() == []


def actors_out_of_step() -> list[tuple[int, str, str]]:
    rows = ForceImplementation.objects.annotate(computed=Attention.next_actor()).exclude(
        next_actor=F("computed")
    )
    return list(rows.values_list("pk", "next_actor", "computed"))


def tallies_out_of_step() -> list[tuple]:
    """Forces' kept counts of items per actor and month due that differ from a count."""
    counted = set(
        ForceImplementation.objects.annotate(month=TruncMonth("due_date"))
        .values_list("force_id", "next_actor", "month")
        .annotate(items=Count("pk"))
        .order_by()
    )
    kept = set(ActorTally.objects.values_list("force_id", "next_actor", "due_month", "items"))
    return sorted(counted ^ kept)


def actor(implementation: ForceImplementation) -> str:
    return ForceImplementation.objects.values_list("next_actor", flat=True).get(
        pk=implementation.pk
    )


def test_every_write_path_keeps_who_acts_next_in_step(cast, recommendation, impl_a, impl_b):
    assert actor(impl_a) == OverdueKind.WITHIN_CONTROL
    rota = DependencyFactory(key="rota", title="Regional rota")
    guidance = DependencyFactory(key="guidance", title="National guidance")
    for dependency in (rota, guidance):
        dependency.recommendations.add(recommendation)
    record(impl_a, cast.pcc_a, Status.AWAITING_DEPENDENCY, dependencies=[rota, guidance])
    record(impl_b, cast.pcc_b, Status.AWAITING_DEPENDENCY, dependencies=[guidance])
    assert actor(impl_a) == actor(impl_b) == OverdueKind.AWAITING_DEPENDENCY
    assert actors_out_of_step() == []
    assert tallies_out_of_step() == []
    # An update moves the date 'stale' counts from.
    assert ForceImplementation.objects.get(pk=impl_a.pk).last_activity == datetime.date(2023, 9, 4)
    assert out_of_step() == []
    assert tallies_out_of_step() == []
    # One of two delivered, through its "record delivery" page: A still waits on the rota.
    response = login(cast.admin).post(
        reverse("dependency-delivered", args=[guidance.key]),
        {
            "status": DependencyStatus.DELIVERED,
            "on_0": "1",
            "on_1": "2",
            "on_2": "2024",
            "url": "",
            "confirmed": "True",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert actor(impl_a) == OverdueKind.AWAITING_DEPENDENCY
    assert actor(impl_b) == OverdueKind.WITHIN_CONTROL  # needs review
    assert actors_out_of_step() == []
    assert tallies_out_of_step() == []
    # The other is deleted in the admin: nothing A waits on is pending any more.
    response = login(cast.admin).post(
        reverse("admin:inspections_dependency_delete", args=[rota.pk]), {"post": "yes"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Dependency.objects.filter(pk=rota.pk).exists()
    assert actor(impl_a) == OverdueKind.WITHIN_CONTROL
    assert actors_out_of_step() == []
    assert tallies_out_of_step() == []
    # Implemented, then signed off (closed), then reopened by a correcting update.
    record(impl_a, cast.pcc_a, Status.IMPLEMENTED)
    assert actor(impl_a) == OverdueKind.AWAITING_SIGN_OFF
    services.review_implementation(
        implementation=impl_a, reviewer=cast.lead_a, sign_off=True, note="Seen the audit."
    )
    assert actor(impl_a) == ""
    # Only the force lead reopens what it signed off.
    record(impl_a, cast.lead_a, Status.IN_PROGRESS, as_of=clock.today())
    assert actor(impl_a) == OverdueKind.WITHIN_CONTROL
    assert actors_out_of_step() == []
    assert tallies_out_of_step() == []


def test_actions_and_requests_name_their_implementations_force(cast, impl_a, impl_b):
    """Copied when made, so a force's lists scope on them: never another force's."""
    from inspections.followup import services as followup
    from inspections.models import ActionStatus, ExtensionRequest, LocalAction

    for implementation, pcc, lead in (
        (impl_a, cast.pcc_a, cast.lead_a),
        (impl_b, cast.pcc_b, cast.lead_b),
    ):
        followup.save_local_action(
            implementation=implementation,
            by=pcc,
            description="Audit the armoury.",
            owner="",
            due_date=None,
            status=ActionStatus.AWAITING_ALLOCATION,
        )
        followup.request_extension(
            implementation=implementation,
            by=lead,
            requested_date=datetime.date(2027, 6, 30),
            reason="Waiting on the supplier.",
        )
    for model in (LocalAction, ExtensionRequest):
        assert model.objects.count() == 2
        assert not model.objects.exclude(force=F("implementation__force")).exists()


def tally(force) -> int:
    return sum(
        ActorTally.objects.filter(force=force, next_actor="within_control").values_list(
            "items", flat=True
        )
    )


def test_removing_items_keeps_the_tallies_in_step(cast, recommendation):
    """A report no longer addressed to a force, and a finding made national, take items away:
    the forces' counts follow."""
    from inspections.models import AddressedTo, Scope

    second = RecommendationFactory(inspection=recommendation.inspection, number=5)
    assert tally(cast.force_b) == 2
    inspection = Inspection.objects.get(pk=recommendation.inspection_id)
    inspection.addressed_to = AddressedTo.CHOSEN_FORCES
    services.save_inspection(inspection=inspection, forces=[cast.force_a])
    assert not ForceImplementation.objects.filter(force=cast.force_b).exists()
    assert not ActorTally.objects.filter(force=cast.force_b).exists()
    assert tallies_out_of_step() == []
    second.scope = Scope.NATIONAL
    services.save_recommendation(recommendation=second)
    assert tally(cast.force_a) == 1
    assert tallies_out_of_step() == []


def test_refresh_kept_columns_mends_columns_changed_behind_the_services_back(cast, impl_a, impl_b):
    ForceImplementation.objects.filter(pk=impl_a.pk).update(
        next_actor="", due_date=datetime.date(2030, 1, 1), last_activity=None
    )
    ActorTally.objects.filter(force=cast.force_b).delete()
    assert actors_out_of_step()
    assert out_of_step()
    assert tallies_out_of_step()
    call_command("refresh_kept_columns", verbosity=0)
    assert actors_out_of_step() == out_of_step() == tallies_out_of_step() == []
