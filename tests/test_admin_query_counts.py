"""Every admin changelist uses the same number of SQL queries whatever the number of rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections import services
from inspections.models import FirearmsStatistic, ForceImplementation, Role, Status

from .conftest import ADMIN_LISTS as LISTS
from .conftest import login, record
from .factories import DependencyFactory, ForceFactory, RecommendationFactory, UserFactory

pytestmark = pytest.mark.django_db


def grow(cast, recommendation, forces: int, recommendations: int) -> None:
    """Add forces, recommendations, updates, revisions, dependencies, statistics and users."""
    inspection = recommendation.inspection
    new_forces = [ForceFactory() for _ in range(forces)]
    recs = [RecommendationFactory(inspection=inspection) for _ in range(recommendations)]
    for rec in recs:
        DependencyFactory().recommendations.add(rec)
    for force in [cast.force_a, *new_forces]:
        author = UserFactory(role=Role.PCC_STAFF, force=force)
        FirearmsStatistic.objects.get_or_create(
            force=force,
            year_ending=datetime.date(2023, 3, 31),
            firearms_operations=100,
            source="Test edition",
        )
        for impl in ForceImplementation.objects.filter(force=force, updates__isnull=True):
            record(impl, cast.admin, Status.IN_PROGRESS, as_of=datetime.date(2023, 9, 4))
            record(impl, cast.admin, Status.IMPLEMENTED, as_of=datetime.date(2024, 1, 4))
            services.set_target_date(
                implementation=impl,
                new_date=datetime.date(2025, 1, 1),
                reason="",
                changed_by=author,
            )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["admin", "pcc_a"])
def test_changelists_do_not_grow_with_rows(cast, recommendation, role):
    user = cast.by_role()[role]
    client = login(user)
    lists = [m for m in LISTS if m != "user" or role == "admin"]
    grow(cast, recommendation, forces=1, recommendations=1)
    small = {m: count_queries(client, reverse(f"admin:inspections_{m}_changelist")) for m in lists}
    grow(cast, recommendation, forces=6, recommendations=5)
    assert ForceImplementation.objects.count() > 50
    large = {m: count_queries(client, reverse(f"admin:inspections_{m}_changelist")) for m in lists}
    assert small == large


def test_implementation_filters_do_not_add_queries_per_row(cast, recommendation):
    client = login(cast.admin)
    url = reverse("admin:inspections_forceimplementation_changelist") + "?attention=overdue"
    grow(cast, recommendation, forces=1, recommendations=1)
    small = count_queries(client, url)
    grow(cast, recommendation, forces=5, recommendations=4)
    assert count_queries(client, url) == small
