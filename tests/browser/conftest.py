"""Playwright driving Debian's chromium (never a downloaded browser) against the live server."""

import os
import shutil
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import connections
from django.test import Client

from inspections.models import User

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags chromium tries to reach Google on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Browser tests mutate the environment Playwright needs; async-unsafe is fine in their thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Debian's chromium is needed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While Playwright runs, the tests run in a context of its own (its dispatcher switches
        # back into them), and Django keeps a connection per context: the one made here would
        # still be open when the run drops the test database, which PostgreSQL refuses ("being
        # accessed by other users"). Closed while still in that context.
        connections.close_all()


@pytest.fixture
def page_as(browser, live_server):
    """A new browser page signed in as the given user (or anonymous for None)."""
    contexts = []

    def open_page(user: User | None):
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            assert client.session[SESSION_KEY]
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": live_server.url,
                    }
                ]
            )
        page = context.new_page()
        page.csp_errors = []
        page.on(
            "console",
            lambda msg: (
                page.csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
