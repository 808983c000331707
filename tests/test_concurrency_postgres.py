"""Two people saving at the same moment, as two real concurrent transactions on PostgreSQL
(each thread has its own database connection). Progress updates are both kept; edits to an
implementation or a draft letter are refused for the second saver instead of overwriting.

SQLite serialises every write to the whole file, so these tests run only on PostgreSQL; the
same rules are checked one save after another on every database in test_admin_entry.py and
test_letters.py."""

import datetime
import threading

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from inspections import services
from inspections.letters import services as letter_services
from inspections.models import (
    ForceImplementation,
    Inspection,
    ProgressLetter,
    SignInFailure,
    Status,
    User,
)

from .conftest import admin_dates, login

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def at_once(*calls):
    """Run the calls in threads released together; return their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_runs_on_postgres():
    assert connection.vendor == "postgresql"


def test_two_progress_updates_at_once_are_both_kept(cast, impl_a):
    def record(author, narrative, day):
        return services.record_progress_update(
            implementation=impl_a,
            author=author,
            status=Status.IN_PROGRESS,
            narrative=narrative,
            as_of=datetime.date(2024, 1, day),
        )

    results = at_once(
        lambda: record(cast.pcc_a, "First", 1), lambda: record(cast.lead_a, "Second", 2)
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    impl_a.refresh_from_db()
    assert sorted(impl_a.updates.values_list("narrative", flat=True)) == ["First", "Second"]
    assert impl_a.latest_update_on == datetime.date(2024, 1, 2)


def test_two_edits_of_an_implementation_at_once(cast, impl_a):
    url = reverse("admin:inspections_forceimplementation_change", args=[impl_a.pk])

    def form_data(client: Client, lead_officer: str) -> dict:
        response = client.get(url)
        data = {
            "lead_officer": lead_officer,
            "new_target_date": "",
            "target_date_reason": "",
            "edit_version": response.context["adminform"].form["edit_version"].value(),
        }
        for inline in response.context["inline_admin_formsets"]:
            formset = inline.formset
            for key, value in formset.management_form.initial.items():
                data[f"{formset.prefix}-{key}"] = value
            for form in formset.forms:
                for name in form.fields:
                    value = form[name].value()
                    if value is not None and not form[name].is_hidden:
                        data[form.add_prefix(name)] = value
        return admin_dates(data)

    first, second = login(cast.pcc_a), login(cast.lead_a)
    first_data, second_data = form_data(first, "Supt Alpha"), form_data(second, "Supt Beta")
    results = at_once(lambda: first.post(url, first_data), lambda: second.post(url, second_data))
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 302]
    refused = next(r for r in results if r.status_code == 200)
    assert "Someone else changed this item" in refused.content.decode()
    impl_a.refresh_from_db()
    saved = next(r for r in results if r.status_code == 302)
    winner = "Supt Alpha" if saved is results[0] else "Supt Beta"
    assert (impl_a.lead_officer, impl_a.version) == (winner, 2)


def test_two_edits_of_a_draft_letter_at_once(cast, impl_a):
    services.record_progress_update(
        implementation=impl_a,
        author=cast.pcc_a,
        status=Status.IN_PROGRESS,
        narrative="Started.",
        as_of=datetime.date(2024, 1, 1),
    )
    from inspections.models import LetterRecipient

    LetterRecipient.objects.create(
        key="home-secretary",
        name="Home Secretary's name",
        office="Home Secretary",
        address="2 Marsham Street",
    )
    draft = letter_services.draft_letter(
        force=cast.force_a,
        inspection=Inspection.objects.get(pk=impl_a.recommendation.inspection_id),
        author=cast.pcc_a,
    )

    def edit(closing: str):
        return letter_services.update_draft(
            letter=draft, author=cast.pcc_a, version=1, fields={"closing": closing}, narratives={}
        )

    results = at_once(lambda: edit("Closing A"), lambda: edit("Closing B"))
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1
    assert "Someone else saved this draft" in str(errors[0])
    draft.refresh_from_db()
    assert draft.version == 2
    assert draft.closing in {"Closing A", "Closing B"}
    assert ProgressLetter.objects.count() == 1
    assert ForceImplementation.objects.get(pk=impl_a.pk).updates.count() == 1


def test_guesses_at_the_same_moment_cannot_beat_the_sign_in_limit(db):
    User.objects.create_user(username="target", password="a-long-passphrase-9", role="viewer")
    for _ in range(settings.TRACKER_SIGN_IN_MAX_FAILURES - 1):
        SignInFailure.objects.create(username="target", ip_address="192.0.2.1")

    def guess() -> str:
        response = Client().post("/sign-in/", {"login": "target", "password": "guess"})
        return "checked" if "Too many" not in response.content.decode() else "refused"

    results = at_once(*[guess] * 4)
    # One more guess was allowed, so at most one of the four was checked; the others were
    # refused, and the count of real failures is exactly at the limit.
    assert results.count("checked") <= 1, results
    assert results.count("refused") >= 3, results
    assert SignInFailure.objects.filter(username="target").count() <= (
        settings.TRACKER_SIGN_IN_MAX_FAILURES
    )
