"""Cross-force attempts the access table cannot express: force B's people crafting posts at force
A's records, and ids no database column can hold. Uses the access matrix's world."""

import pytest
from django.urls import reverse

from inspections.models import LetterStatus, ProgressLetter, ProgressUpdate, TargetDateRevision

from .test_access_matrix import clients

pytestmark = pytest.mark.django_db


def test_crafted_posts_cannot_touch_another_force(world):
    """Force B's people try to create, change, delete or issue force A's things."""
    impl_a = world["A"]["forceimplementation"]
    letter_a = world["letter_a"]
    before = {
        "updates": ProgressUpdate.objects.filter(implementation=impl_a).count(),
        "lead": impl_a.lead_officer,
        "letter": (letter_a.status, letter_a.closing, letter_a.version),
        "revisions": TargetDateRevision.objects.filter(implementation=impl_a).count(),
    }
    attempts = [
        (
            reverse("admin:inspections_forceimplementation_change", args=[impl_a.pk]),
            {
                "lead_officer": "Intruder",
                "new_target_date": "2030-01-01",
                "target_date_reason": "x",
                "edit_version": impl_a.version,
            },
        ),
        (
            reverse("admin:inspections_progressupdate_add"),
            {
                "implementation": impl_a.pk,
                "status": "in_progress",
                "as_of": "2024-01-01",
                "narrative": "Intruder",
            },
        ),
        (
            reverse("admin:inspections_progressupdate_delete", args=[world["update_a"].pk]),
            {"post": "yes"},
        ),
        (
            reverse("admin:inspections_force_change", args=[impl_a.force_id]),
            {"commissioner_name": "Intruder", "commissioner_title": "x"},
        ),
        (
            reverse("letter-edit", args=[letter_a.uuid]),
            {"closing": "Intruder", "version": letter_a.version},
        ),
        (
            reverse("letter-issue", args=[letter_a.uuid]),
            {"issued_on_0": "1", "issued_on_1": "1", "issued_on_2": "2024"},
        ),
        (reverse("letter-discard", args=[letter_a.uuid]), {}),
        (
            reverse("dependency-delivered", args=[world["N"]["dependency"].key]),
            {"status": "delivered", "on_0": "1", "on_1": "1", "on_2": "2024", "confirmed": "True"},
        ),
    ]
    for role in ("pcc_b", "lead_b", "viewer"):
        client = clients(world)[role]
        for url, data in attempts:
            response = client.post(url, data)
            assert response.status_code in (200, 403, 404), (role, url, response.status_code)
            if response.status_code == 200:  # only ever the form again, with its error
                assert b"errornote" in response.content or b"errorlist" in response.content
    impl_a.refresh_from_db()
    letter_a.refresh_from_db()
    world["A"]["force"].refresh_from_db()
    assert before == {
        "updates": ProgressUpdate.objects.filter(implementation=impl_a).count(),
        "lead": impl_a.lead_officer,
        "letter": (letter_a.status, letter_a.closing, letter_a.version),
        "revisions": TargetDateRevision.objects.filter(implementation=impl_a).count(),
    }
    assert world["A"]["force"].commissioner_name != "Intruder"
    assert letter_a.status == LetterStatus.DRAFT
    assert ProgressLetter.objects.filter(force=impl_a.force).count() == 1
    assert world["N"]["dependency"].status == "pending"
    assert list(ProgressUpdate.objects.filter(implementation=impl_a)) == [world["update_a"]]


@pytest.mark.parametrize(
    "url",
    [
        "/evidence/not-a-uuid/",
        "/inspections/firearms/recommendations/99999999999999999999999/",
        "/admin/inspections/forceimplementation/99999999999999999999999/change/",
        "/admin/inspections/forceimplementation/99999999999999999999999/history/",
        "/admin/inspections/forceimplementation/1/history/99999999999999999999999/",
        "/admin/inspections/progressupdate/99999999999999999999999/delete/",
        "/admin/inspections/forceimplementation/not-a-number/change/",
    ],
)
def test_absurd_ids_are_not_found_not_server_errors(world, url):
    for role in ("pcc_a", "admin"):
        assert clients(world)[role].get(url).status_code in (403, 404), (role, url)
