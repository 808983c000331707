"""axe-core finds no WCAG 2.2 A/AA violation on any admin screen PCC staff use, and the
pages work under the strict Content-Security-Policy."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from inspections.models import Dependency, ForceImplementation, Recommendation, User

from ..conftest import ADMIN_LISTS, load_demo_once

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


# Only violations are gathered: axe otherwise lists every node that passed each rule too, and
# sends all of it back from the browser, for nothing the tests read.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}


def violations(page) -> list[str]:
    result = Axe().run(page, options=AXE_OPTIONS)
    return [
        f"{v['id']}: {node['target']}" for v in result.response["violations"] for node in v["nodes"]
    ]


def check(page, path: str) -> list[str]:
    response = page.goto(path)
    assert response.status == 200, path
    page.wait_for_load_state()
    found = [f"{path} {problem}" for problem in violations(page)]
    found += [f"{path} CSP: {error}" for error in page.csp_errors]
    page.csp_errors.clear()
    return found


@pytest.fixture
def demo(db):
    # Loaded once per process on SQLite and copied back after (tests/conftest.py).
    load_demo_once()


def test_admin_screens_for_pcc_staff(demo, page_as):
    user = User.objects.get(username="westmercia.pcc")
    impl = ForceImplementation.objects.get(
        force=user.force, recommendation__number=2, recommendation__inspection__slug="firearms-2023"
    )
    page = page_as(user)
    paths = [reverse("admin:index")]
    paths += [
        reverse(f"admin:inspections_{model}_changelist") for model in ADMIN_LISTS if model != "user"
    ]
    paths += [
        reverse("admin:inspections_forceimplementation_changelist") + "?attention=overdue",
        reverse("admin:inspections_forceimplementation_change", args=[impl.pk]),
        reverse("admin:inspections_forceimplementation_history", args=[impl.pk]),
        reverse("admin:inspections_progressupdate_add"),
        reverse("admin:inspections_force_change", args=[user.force_id]),
    ]
    problems = [problem for path in paths for problem in check(page, path)]
    assert problems == [], "\n".join(problems)


def test_admin_screens_for_national_admin(demo, page_as):
    page = page_as(User.objects.get(username="national.admin"))
    rec = Recommendation.objects.get(number=2, inspection__slug="firearms-2023")
    paths = [
        reverse("admin:inspections_user_changelist"),
        reverse("admin:inspections_user_add"),
        reverse("admin:inspections_recommendation_add"),
        reverse("admin:inspections_recommendation_change", args=[rec.pk]),
        reverse("admin:inspections_inspection_changelist"),
        reverse("admin:inspections_dependency_change", args=[Dependency.objects.first().pk]),
        reverse("admin:inspections_firearmsstatistic_add"),
    ]
    problems = [problem for path in paths for problem in check(page, path)]
    assert problems == [], "\n".join(problems)


def test_sign_in_page_and_signing_in(db, page_as):
    User.objects.create_user(
        username="someone", password="a-long-passphrase-9", role="viewer", is_staff=True
    )
    page = page_as(None)
    assert check(page, reverse("admin:login")) == []
    page.get_by_label("Username").fill("someone")
    page.get_by_label("Password").fill("a-long-passphrase-9")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    assert "Enter and review progress" in page.content()


def test_the_check_finds_a_violation(browser):
    """With only violations gathered, the check still fails on one: a picture without words and
    a form field without a label."""
    page = browser.new_page()
    try:
        page.set_content(
            '<html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text">'
            "</main></body></html>"
        )
        found = violations(page)
    finally:
        page.close()
    assert {problem.split(":")[0] for problem in found} == {"image-alt", "label"}, found
