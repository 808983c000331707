"""A draft knows when it is stale: a section whose recommendation has a newer update shows the new
words and takes them on request, keeping every other edit; the draft shows who it is addressed
to and when a national administrator last confirmed that."""

import datetime

import pytest
from django.urls import reverse

from inspections.letters import content
from inspections.letters import services as letter_services
from inspections.models import LetterRecipient

from .conftest import TODAY, login, record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


@pytest.fixture
def draft(cast, impl_a, recommendation):
    LetterRecipient.objects.create(
        key="home-secretary", name="Rt Hon A Person MP", office="Home Secretary", address="Street"
    )
    record(impl_a, cast.pcc_a, narrative="What we said when the draft was made.")
    return letter_services.draft_letter(
        force=cast.force_a, inspection=recommendation.inspection, author=cast.pcc_a
    )


def form_data(client, letter) -> dict:
    form = client.get(reverse("letter-edit", args=[letter.uuid])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    # The date is three boxes: day, month and year.
    day = data.pop("letter_date")
    data.update(letter_date_0=day.day, letter_date_1=day.month, letter_date_2=day.year)
    return data


def test_a_draft_is_fresh_until_a_newer_update_with_other_words(cast, impl_a, draft):
    assert content.newer_updates(draft) == {}
    record(impl_a, cast.lead_a, narrative="What we said when the draft was made.")
    assert content.newer_updates(draft) == {}  # same words: nothing to offer
    newer = record(impl_a, cast.lead_a, narrative="Training finished in November.")
    section = draft.sections.get()
    assert content.newer_updates(draft) == {section.pk: newer}


def test_use_the_latest_takes_the_new_words_and_keeps_other_edits(cast, impl_a, draft):
    client = login(cast.pcc_a)
    record(impl_a, cast.lead_a, narrative="Training finished in November.")
    page = client.get(reverse("letter-edit", args=[draft.uuid])).content.decode()
    assert "A newer update was recorded" in page
    assert "Training finished in November." in page
    detail = client.get(reverse("letter", args=[draft.uuid])).content.decode()
    assert "1 recommendation has an update newer than the words in this draft" in detail
    data = form_data(client, draft)
    data["closing"] = "My own closing, kept."
    section = draft.sections.get()
    data[f"section_{section.pk}"] = "Typed over, but replaced by the latest."
    data["use_latest"] = str(section.pk)
    response = client.post(reverse("letter-edit", args=[draft.uuid]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("letter-edit", args=[draft.uuid])
    draft.refresh_from_db()
    assert draft.closing == "My own closing, kept."
    assert draft.sections.get().narrative == "Training finished in November."
    assert content.newer_updates(draft) == {}
    again = client.get(reverse("letter-edit", args=[draft.uuid])).content.decode()
    assert "A newer update was recorded" not in again


def test_a_plain_save_keeps_the_typed_words_and_still_offers_the_latest(cast, impl_a, draft):
    client = login(cast.pcc_a)
    record(impl_a, cast.lead_a, narrative="Training finished in November.")
    data = form_data(client, draft)
    section = draft.sections.get()
    data[f"section_{section.pk}"] = "My own words."
    assert client.post(reverse("letter-edit", args=[draft.uuid]), data).status_code == 302
    assert draft.sections.get().narrative == "My own words."
    assert section.pk in content.newer_updates(draft)


def test_the_recipient_and_when_it_was_last_confirmed(cast, draft):
    client = login(cast.pcc_a)
    page = client.get(reverse("letter", args=[draft.uuid])).content.decode()
    assert "Addressed to Rt Hon A Person MP, Home Secretary" in page
    assert "No national administrator has confirmed who holds the office" in page
    LetterRecipient.objects.update(confirmed_on=TODAY - datetime.timedelta(days=200))
    page = client.get(reverse("letter-edit", args=[draft.uuid])).content.decode()
    assert "last confirmed who holds the office on 5 May 2026, more than 90 days ago" in page
    LetterRecipient.objects.update(confirmed_on=TODAY - datetime.timedelta(days=3))
    page = client.get(reverse("letter", args=[draft.uuid])).content.decode()
    assert "last confirmed who holds the office on 18 November 2026" in page
    assert "check before you send it" not in page
