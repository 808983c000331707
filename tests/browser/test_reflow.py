"""WCAG 1.4.10 (reflow): at 320 CSS px no page of the service scrolls sideways. Every page of
the access table that answers 200 is opened in Debian's chromium as a national administrator and
as PCC staff (the two roles that see the most of it); a wide data table may scroll inside its
own container, never the page."""

import pytest
from playwright.sync_api import Error as PlaywrightError

from ..test_access_matrix import expected_urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 320


def too_wide(page) -> str:
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= WIDTH:
        return ""
    culprits = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 321 && !e.closest('.tracker-scroll'))"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    return f"{width} px ({', '.join(culprits)})"


@pytest.mark.parametrize("role", ["admin", "pcc_a"])
def test_no_page_scrolls_sideways_at_320_px(world, page_as, role):
    user = getattr(world["cast"], role)
    page = page_as(user)
    page.set_viewport_size({"width": WIDTH, "height": 800})
    problems = []
    seen = 0
    for label, (url, expected) in expected_urls(world).items():
        if expected[role] != "200" or label.startswith("admin:") or "download" in label:
            continue
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file, not a page
            raise
        content_type = (response.headers.get("content-type") or "") if response else ""
        if response is None or response.status != 200 or "text/html" not in content_type:
            continue
        seen += 1
        if problem := too_wide(page):
            problems.append(f"{label} ({url}): {problem}")
    assert seen > 40, seen
    assert problems == [], "\n".join(problems)
