"""Every admin changelist uses the same number of SQL queries whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import ForceImplementation

from .conftest import ADMIN_LISTS as LISTS
from .conftest import grow, login

pytestmark = pytest.mark.django_db


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def changelist_counts(cast) -> dict[tuple[str, str], int]:
    """Each changelist's queries, as a national administrator and as a force's PCC staff (who
    has no list of people), and the items' list filtered by what needs attention."""
    counts = {}
    for role in ("admin", "pcc_a"):
        client = login(cast.by_role()[role])
        for model in LISTS:
            if model != "user" or role == "admin":
                url = reverse(f"admin:inspections_{model}_changelist")
                counts[role, model] = count_queries(client, url)
    overdue = reverse("admin:inspections_forceimplementation_changelist") + "?attention=overdue"
    counts["admin", overdue] = count_queries(login(cast.admin), overdue)
    return counts


def test_changelists_do_not_grow_with_rows(cast, recommendation):
    grow(cast, recommendation, forces=1, recommendations=1)
    small = changelist_counts(cast)
    grow(cast, recommendation, forces=6, recommendations=5)
    assert ForceImplementation.objects.count() > 50
    assert changelist_counts(cast) == small
