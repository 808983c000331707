"""The read-only API: every endpoint with no key (401), a wrong or revoked key (401), each
force's key and a national key; a force key never returns another force's rows (a canary
planted in force B's rows is never in force A's answers, for any endpoint or filter); internal
notes never appear; pages, cursors and ETags; the key in a header or in the query, its use
logged without the key; keys made and revoked on the office's page and by the command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from inspections.models import ApiKey, ApiKeyUse, ForceImplementation
from inspections.services import people as people_services

from .conftest import GUARDED_MARKERS, login, record

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "inspections",
    "findings",
    "implementations",
    "progress-updates",
    "dependencies",
    "letters",
    "local-actions",
    "extension-requests",
    "meeting-packs",
]
CANARY = "canary-betashire-only-5c1e"


def url(name: str) -> str:
    return reverse(f"api:{name}")


def get(path: str, secret: str | None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    return Client().get(path, params, **headers)


@pytest.fixture
def keys(world):
    cast = world["cast"]
    record(world["B"]["forceimplementation"], cast.pcc_b, narrative=CANARY)
    return {
        "a": people_services.create_api_key(by=cast.office_a, force=cast.force_a, name="A BI")[1],
        "b": people_services.create_api_key(by=cast.admin, force=cast.force_b, name="B BI")[1],
        "national": people_services.create_api_key(by=cast.admin, force=None, name="Nat")[1],
    }


def test_no_key_or_a_wrong_one_is_401(world):
    # Every endpoint on one world (building it is most of a test's time here).
    for name in ENDPOINTS:
        assert get(url(name), None).status_code == 401, name
        assert get(url(name), "trk_not-a-key").status_code == 401, name
        assert Client().get(url(name), {"key": "trk_wrong"}).status_code == 401, name


def test_every_answer_under_the_api_is_json(world, keys):
    """Refusals made before any endpoint is reached (a Host header the site does not serve, an
    address that matches nothing) are JSON under /api/, as the description promises; the pages
    outside it keep their HTML."""
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {keys['national']}"}
    answers = {
        400: Client().get(url("findings"), HTTP_HOST="NULL", **bearer),
        404: Client().get("/api/v1/nowhere/", **bearer),
    }
    for status, response in answers.items():
        assert response.status_code == status
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"]
    page = Client().get(reverse("dashboard"), HTTP_HOST="NULL")
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")
    assert "problem with the request" in page.text
    assert Client().get(url("findings"), **bearer).status_code == 200


def test_a_failure_under_the_api_is_json(world, keys, monkeypatch):
    from inspections.api import views as api_views

    def fails(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(api_views, "page", fails)
    client = Client(raise_request_exception=False)
    response = client.get(url("findings"), HTTP_AUTHORIZATION=f"Bearer {keys['national']}")
    assert response.status_code == 500
    assert response.json() == {"detail": "The service failed; try again later."}


def every_filter(world) -> list[dict]:
    a, b = world["A"]["force"].slug, world["B"]["force"].slug
    inspection = world["N"]["inspection"].slug
    return [{}, {"force": b}, {"force": a}, {"inspection": inspection}, {"overdue": "true"}]


def test_a_force_key_never_returns_another_forces_rows(world, keys):
    force_a = world["A"]["force"]
    for name in ENDPOINTS:
        for params in every_filter(world):
            response = get(url(name), keys["a"], **params)
            assert response.status_code == 200, (name, params, response.content[:200])
            body = response.content.decode()
            assert CANARY not in body, (name, params)
            assert world["B"]["force"].slug not in body, (name, params)
            for marker in GUARDED_MARKERS.values():
                assert marker not in body, (name, params)
    items = get(url("implementations"), keys["a"]).json()["items"]
    assert items
    assert {item["force"] for item in items} == {force_a.slug}
    # Force B's key does see its canary; the national key sees both forces.
    assert CANARY in get(url("progress-updates"), keys["b"]).content.decode()
    national = get(url("implementations"), keys["national"]).json()["items"]
    assert {i["force"] for i in national} == {force_a.slug, world["B"]["force"].slug}
    for marker in GUARDED_MARKERS.values():
        assert marker not in get(url("progress-updates"), keys["national"]).content.decode()


def test_s55_responses_are_the_trackers_own(world, keys):
    inspection = world["N"]["inspection"]
    rows = get(url("s55-responses"), keys["a"], inspection=inspection.slug).json()["items"]
    assert [row["force"] for row in rows] == [world["A"]["force"].slug]
    national = get(url("s55-responses"), keys["national"], inspection=inspection.slug).json()
    by_force = {row["force"]: row for row in national["items"]}
    assert by_force[world["B"]["force"].slug]["issued_on"] is not None
    missing = get(url("s55-responses"), keys["a"])
    assert missing.status_code == 400
    assert missing.json() == {"detail": "inspection: Field required"}
    assert get(url("s55-responses"), keys["a"], inspection="nope").status_code == 404
    assert get(url("s55-responses"), None, inspection=inspection.slug).status_code == 401


def test_states_are_the_pages_own(world, keys):
    items = get(url("implementations"), keys["national"]).json()["items"]
    for item in items:
        row = ForceImplementation.objects.get(pk=item["id"])
        assert item["state"] == row.state
        assert item["due_date"] == (row.due_date.isoformat() if row.due_date else None)
        assert item["url"].endswith(
            reverse(
                "item",
                args=[row.force.slug, row.recommendation.inspection.slug, row.recommendation.ref],
            )
        )


def test_draft_letters_are_not_read_by_a_force_key(world, keys):
    body = get(url("letters"), keys["a"]).json()
    assert str(world["letter_a"].uuid) not in json.dumps(body)


def test_pages_cursors_and_etags(world, keys):
    first = get(url("implementations"), keys["national"], limit=1)
    page = first.json()
    assert len(page["items"]) == 1
    assert page["next"]
    assert "key=" not in page["next"]
    path = page["next"].split("testserver", 1)[-1].split("127.0.0.1:8000", 1)[-1]
    second = get(path, keys["national"]).json()
    assert second["items"][0]["id"] > page["items"][0]["id"]
    assert get(url("implementations"), keys["national"], after="%%%").status_code == 400
    assert get(url("implementations"), keys["national"], limit=1001).status_code == 400
    etag = first["ETag"]
    again = Client().get(
        url("implementations"),
        {"limit": 1},
        HTTP_AUTHORIZATION=f"Bearer {keys['national']}",
        HTTP_IF_NONE_MATCH=etag,
    )
    assert again.status_code == 304


def test_the_key_in_the_query_works_and_every_use_is_logged_without_it(world, keys):
    response = Client().get(url("findings"), {"key": keys["national"], "limit": 5})
    assert response.status_code == 200
    use = ApiKeyUse.objects.latest("at")
    assert use.key.name == "Nat"
    assert use.path == url("findings")
    assert keys["national"] not in use.path


def test_a_revoked_key_stops_at_once(world, keys):
    assert get(url("findings"), keys["a"]).status_code == 200
    key = ApiKey.objects.get(name="A BI")
    login(world["cast"].office_a).post(reverse("api-key-revoke", args=[key.uuid]))
    assert get(url("findings"), keys["a"]).status_code == 401


def test_the_openapi_description_is_served(world):
    description = Client().get(reverse("api:openapi-json")).json()
    assert description["openapi"].startswith("3.")
    assert "/api/v1/implementations/" in description["paths"]
    schema = json.dumps(description)
    assert "internal_note" not in schema


def test_an_office_makes_a_key_for_its_own_force_only(world):
    cast = world["cast"]
    office = login(cast.office_a)
    page = office.post(reverse("api-keys"), {"name": "Power BI", "force": cast.force_b.pk})
    key = ApiKey.objects.get(name="Power BI")
    assert key.force == cast.force_a
    secret = page.content.decode().split('id="new-key">', 1)[1].split("<", 1)[0]
    assert people_services.key_for(secret) == key
    assert secret not in office.get(reverse("api-keys")).content.decode()
    # Another force's key cannot be revoked by this office.
    other, _ = people_services.create_api_key(by=cast.admin, force=cast.force_b, name="B")
    assert office.post(reverse("api-key-revoke", args=[other.uuid])).status_code == 404
    assert login(cast.pcc_a).get(reverse("api-keys")).status_code == 403


def test_the_command_prints_a_key_once(world):
    out = StringIO()
    call_command(
        "create_api_key", "--force", world["A"]["force"].slug, "--name", "Script", stdout=out
    )
    secret = out.getvalue().strip()
    assert people_services.key_for(secret).force == world["A"]["force"]
    out = StringIO()
    call_command("create_api_key", "--national", "--name", "Everything", stdout=out)
    assert people_services.key_for(out.getvalue().strip()).force is None


def power_query_requests(path) -> tuple[str, dict]:
    """The RelativePath and the first page's Query of a shipped Power Query."""
    import re

    text = path.read_text()
    relative = re.search(r'RelativePath = "([^"]+)"', text).group(1)
    query = dict(
        re.findall(
            r'(\w+) = "([^"]+)"',
            text.split("Query = if after = null then", 1)[1].split("else", 1)[0],
        )
    )
    assert 'ApiKeyName = "key"' in text
    return relative, query


@pytest.mark.parametrize(
    "table",
    ["implementations", "findings", "progress-updates", "inspections", "dependencies", "letters"],
)
def test_the_shipped_power_queries_read_every_page_with_a_key(world, keys, table):
    """Replays what each docs/power-bi/*.pq asks: the relative path, its query, the key as a
    query parameter, then each next page by its 'after' cursor, until there is none."""
    from pathlib import Path
    from urllib.parse import parse_qs, urlsplit

    relative, query = power_query_requests(
        Path(__file__).parent.parent / "docs" / "power-bi" / f"{table}.pq"
    )
    assert relative == f"api/v1/{table}/"
    rows, after, pages = [], None, 0
    while True:
        params = {**query, "key": keys["a"], **({"after": after} if after else {})}
        response = Client().get("/" + relative, params)
        assert response.status_code == 200, response.content[:200]
        page = response.json()
        rows += page["items"]
        pages += 1
        if not page["next"]:
            break
        after = parse_qs(urlsplit(page["next"]).query)["after"][0]
    expected = get(url(table), keys["a"], limit=1000).json()["items"]
    assert rows == expected
    if table == "implementations":
        assert rows
        assert {row["force"] for row in rows} == {world["A"]["force"].slug}


def test_report_downloads_accept_a_key_and_read_as_it(world, keys):
    force_a, force_b = world["A"]["force"], world["B"]["force"]
    inspection = world["N"]["inspection"]
    for name, args in (
        ("overdue", []),
        ("due-soon", []),
        ("force", [force_a.slug]),
        ("dashboard", []),
        ("dependencies", []),
        ("matrix", []),
        ("responses", []),
        ("actions", []),
        ("extensions", []),
        ("recommendation", [inspection.slug, 2]),
    ):
        response = Client().get(reverse(name, args=args), {"format": "csv", "key": keys["a"]})
        assert response.status_code == 200, (name, response.status_code)
        body = b"".join(response.streaming_content if response.streaming else [response.content])
        assert force_b.name.encode() not in body, name
    # Another force's page is as unknown to the key as to its scrutiny member.
    other = Client().get(reverse("force", args=[force_b.slug]), {"format": "csv", "key": keys["a"]})
    assert other.status_code == 404
    # Only downloads: the page itself still asks for a sign-in; a bad key is 401.
    page = Client().get(reverse("overdue"), {"key": keys["a"]})
    assert page.status_code == 302
    assert Client().get(reverse("overdue"), {"format": "csv", "key": "trk_bad"}).status_code == 401
    assert ApiKeyUse.objects.filter(path=reverse("overdue")).exists()


def test_the_whole_implementations_table_as_one_csv(world, keys):
    """Unpaginated, the reports' own CSV stream: a force key gets its force's rows only, a
    national key every row, and each row's state and overdue flag are the pages' own."""
    from .downloads import csv_rows

    path = reverse("api:implementations-csv")
    assert get(path, None).status_code == 401
    national = get(path, keys["national"])
    assert national.status_code == 200
    assert national["Content-Type"].startswith("text/csv")
    header, *rows = csv_rows(national)
    assert header[:3] == ["Force", "Region", "Inspection"]
    assert len(rows) == ForceImplementation.objects.count()
    force_a = world["A"]["force"]
    mine = csv_rows(get(path, keys["a"]))[1:]
    assert {row[0] for row in mine} == {force_a.name}
    assert len(mine) == ForceImplementation.objects.filter(force=force_a).count()
    # The same filters as the pages: a force slug, and overdue or not.
    overdue = csv_rows(get(path, keys["national"], overdue="true"))[1:]
    status = header.index("Overdue")
    assert overdue
    assert all(row[status] == "Yes" for row in overdue)
    assert get(path, keys["national"], overdue="maybe").status_code == 400
    # Another force's words never reach a force's key; the national key reads them.
    assert not any(CANARY in cell for row in mine for cell in row)
    assert any(CANARY in cell for row in rows for cell in row)
