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
