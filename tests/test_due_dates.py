"""Each implementation keeps a copy of its recommendation's due date so that reports can use an
index. No path that changes a deadline, a deadline kind, a publication date, or adds a force or
recommendation may leave a copy out of step."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import F, Q
from django.urls import reverse

from inspections import services
from inspections.models import DeadlineKind, ForceImplementation, Inspection, Recommendation
from inspections.models.progress import due_date_expression

from .conftest import login
from .factories import ForceFactory, RecommendationFactory

pytestmark = pytest.mark.django_db


def out_of_step() -> list[tuple[int, object, object]]:
    rows = ForceImplementation.objects.annotate(computed=due_date_expression()).filter(
        Q(due_date__isnull=True, computed__isnull=False)
        | Q(due_date__isnull=False, computed__isnull=True)
        | ~Q(due_date=F("computed"))
    )
    return list(rows.values_list("pk", "due_date", "computed"))


def test_every_write_path_keeps_due_dates_in_step(cast, recommendation):
    assert ForceImplementation.objects.filter(due_date=datetime.date(2024, 7, 31)).count() == 2
    assert out_of_step() == []
    # A new force gets its copies.
    ForceFactory()
    assert out_of_step() == []
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
            "deadline": "2025-01-31",
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
    inspection = Inspection.objects.get(pk=recommendation.inspection_id)
    response = login(cast.admin).post(
        reverse("admin:inspections_inspection_change", args=[inspection.pk]),
        {
            "title": inspection.title,
            "slug": inspection.slug,
            "inspectorate": inspection.inspectorate,
            "addressed_to": "every_force",
            "published": "2023-08-01",
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


def test_the_loaders_keep_due_dates_in_step(db):
    call_command("load_reference_data", verbosity=0)
    call_command("load_demo_data", "--today", "2026-11-21", verbosity=0)
    assert ForceImplementation.objects.filter(due_date__isnull=False).exists()
    assert out_of_step() == []
    assert Recommendation.objects.exists()
