"""The follow-up pages (actions, extension requests, an item's page with its actions, meeting
packs) use the same number of SQL queries whatever the data size."""

import datetime

import pytest
from django.urls import reverse

from inspections.followup import services as followup
from inspections.meetings import services as meetings
from inspections.models import ForceImplementation, LocalAction, MeetingPack, Role

from .conftest import grow
from .factories import UserFactory
from .test_report_query_counts import counts_by_role

pytestmark = pytest.mark.django_db


def add_followup(cast) -> None:
    """An action, a pending extension request and a meeting pack for every item that has none."""
    for implementation in ForceImplementation.objects.filter(actions__isnull=True).select_related(
        "force"
    ):
        author = UserFactory(
            username=f"{implementation.force.slug}-lead",
            role=Role.FORCE_LEAD,
            force=implementation.force,
        )
        followup.save_local_action(
            implementation=implementation,
            by=author,
            description="An action",
            owner="Owner",
            due_date=datetime.date(2024, 1, 1),
            status="in_progress",
        )
        followup.request_extension(
            implementation=implementation,
            by=author,
            requested_date=datetime.date(2027, 1, 1),
            reason="More time",
        )
    meetings.make_meeting_pack(
        force=cast.force_a,
        region=None,
        meeting_date=datetime.date(2026, 12, 1),
        rag_rule="overdue",
        by=cast.pcc_a,
    )


def test_followup_queries_do_not_grow_with_rows(cast, recommendation, impl_a):
    grow(cast, recommendation, forces=1, recommendations=1)
    add_followup(cast)
    pack = MeetingPack.objects.latest("created_at")
    urls = [
        reverse("actions"),
        reverse("actions") + "?status=open&overdue=on",
        reverse("actions") + "?format=csv",
        reverse("extensions"),
        reverse("extensions") + "?state=",
        reverse("extensions") + "?format=xlsx",
        reverse("item", args=[cast.force_a.slug, recommendation.inspection.slug, 2]),
        reverse("meeting-packs"),
        reverse("meeting-pack", args=[pack.uuid]),
    ]
    small = counts_by_role(cast, urls)
    grow(cast, recommendation, forces=6, recommendations=5)
    add_followup(cast)
    assert LocalAction.objects.count() > 50
    assert counts_by_role(cast, urls) == small
