"""Every report page and export uses the same number of SQL queries whatever the data size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.models import ForceImplementation

from .conftest import grow, login
from .downloads import body

pytestmark = pytest.mark.django_db


def report_urls(inspection_slug: str, force_slug: str) -> list[str]:
    pages = [
        reverse("dashboard"),
        reverse("overdue"),
        reverse("overdue") + "?status=in_progress",
        reverse("due-soon") + "?days=60",
        reverse("dependencies"),
        reverse("matrix") + f"?inspection={inspection_slug}",
        reverse("force", args=[force_slug]),
        reverse("recommendation", args=[inspection_slug, 2]),
        reverse("responses") + f"?inspection={inspection_slug}",
    ]
    joiner = lambda url: "&" if "?" in url else "?"  # noqa: E731
    exports = [f"{url}{joiner(url)}format={fmt}" for url in pages for fmt in ("csv", "xlsx")]
    return [*pages, *exports, reverse("letters")]


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        body(response)  # a streamed export queries as it is read
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


# A national administrator, a force's PCC staff and a viewer: counted on the same data, grown
# once (growing it through the services is most of these tests' time).
COUNTED_ROLES = ("admin", "pcc_a", "viewer")


def counts_by_role(cast, urls: list[str], admin_only: tuple[str, ...] = ()) -> dict:
    clients = {role: login(cast.by_role()[role]) for role in COUNTED_ROLES}
    found = {(role, url): count(client, url) for role, client in clients.items() for url in urls}
    return found | {("admin", url): count(clients["admin"], url) for url in admin_only}


def test_report_queries_do_not_grow_with_rows(cast, recommendation, settings):
    """The reports and their exports for each role, and the audit trail (a national
    administrator's)."""
    settings.TRACKER_TODAY = "2024-07-01"  # some items overdue, some due soon
    urls = report_urls(recommendation.inspection.slug, cast.force_a.slug)
    audit = (reverse("audit"), reverse("audit") + "?format=csv")
    grow(cast, recommendation, forces=1, recommendations=1)
    small = counts_by_role(cast, urls, audit)
    grow(cast, recommendation, forces=6, recommendations=5)
    assert ForceImplementation.objects.count() > 50
    assert counts_by_role(cast, urls, audit) == small
