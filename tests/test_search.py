"""Search finds recommendations, narratives, internal notes and letters, scoped like every
other page, with a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .conftest import grow, login, record

pytestmark = pytest.mark.django_db


def search(user, words: str) -> str:
    return login(user).get(reverse("search"), {"q": words}).content.decode()


def test_finds_words_in_updates_and_notes_for_the_force_only(cast, impl_a, impl_b):
    record(impl_a, cast.pcc_a, narrative="Armoury audit booked", internal_note="Zebra crossing")
    record(impl_b, cast.pcc_b, narrative="Armoury audit done in Betashire")
    mine = search(cast.pcc_a, "armoury audit")
    assert "Armoury audit booked" in mine
    assert "Betashire" not in mine
    assert "Zebra crossing" in search(cast.lead_a, "zebra")
    assert "Zebra crossing" not in search(cast.viewer, "zebra")  # notes are not for viewers
    assert "Zebra crossing" not in search(cast.pcc_b, "zebra")
    national = search(cast.viewer, "armoury audit")
    assert "Alphashire Police" in national
    assert "Betashire Police" in national


def test_finds_recommendations_by_their_words(cast, impl_a, recommendation):
    words = recommendation.text.split()[3]
    page = search(cast.pcc_a, words)
    assert reverse("item", args=[cast.force_a.slug, "firearms", 2]) in page


def test_a_one_letter_search_is_refused_with_a_message(cast):
    page = search(cast.pcc_a, "a")
    assert "govuk-error-summary" in page
    assert "at least 2 characters" in page


def test_query_count_does_not_grow(cast, recommendation, impl_a):
    def count() -> int:
        client = login(cast.admin)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("search"), {"q": "narrative"})
        return len(queries)

    record(impl_a, cast.pcc_a)
    small = count()
    grow(cast, recommendation, forces=3, recommendations=3)
    assert count() == small
