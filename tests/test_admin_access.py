"""Each role's view of each admin screen. Force users see and change only their own force."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from inspections import services
from inspections.models import ForceImplementation, ProgressUpdate, Status, TargetDateRevision

from .conftest import login, record

pytestmark = pytest.mark.django_db


def changelist(model: str) -> str:
    return reverse(f"admin:inspections_{model}_changelist")


@pytest.fixture
def seeded(cast, impl_a, impl_b, dependency):
    record(impl_a, cast.pcc_a, Status.IN_PROGRESS, narrative="Alpha private narrative")
    record(impl_b, cast.pcc_b, Status.IN_PROGRESS, narrative="Beta private narrative")
    services.set_target_date(
        implementation=impl_b,
        new_date=datetime.date(2025, 1, 1),
        reason="Planned.",
        changed_by=cast.pcc_b,
    )
    return cast


# Which changelists each role may open is the access matrix's (test_access_matrix.ADMIN, every
# role and every list); these tests read what the lists show.


def test_anonymous_is_sent_to_sign_in(db):
    response = Client().get(changelist("forceimplementation"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sign-in") + "?next=/admin/")


@pytest.mark.parametrize("role", ["pcc_a", "lead_a"])
def test_force_user_lists_show_only_their_force(seeded, role):
    client = login(seeded.by_role()[role])
    body = client.get(changelist("forceimplementation")).content.decode()
    assert "Alphashire Police" in body
    assert "Betashire Police" not in body
    body = client.get(changelist("progressupdate")).content.decode()
    assert "Alphashire Police" in body
    assert "Betashire Police" not in body
    body = client.get(changelist("force")).content.decode()
    assert "Alphashire Police" in body
    assert "Betashire Police" not in body
    body = client.get(changelist("targetdaterevision")).content.decode()
    assert "Betashire" not in body
    # Searching for the other force's words finds nothing.
    body = client.get(changelist("progressupdate") + "?q=Beta").content.decode()
    assert "Beta private" not in body
    assert "0 progress updates" in body


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_national_roles_see_every_force(seeded, role):
    body = login(seeded.by_role()[role]).get(changelist("forceimplementation")).content.decode()
    assert "Alphashire Police" in body
    assert "Betashire Police" in body


def implementation_urls(impl: ForceImplementation) -> list[str]:
    update = impl.updates.get()
    urls = [
        reverse("admin:inspections_forceimplementation_change", args=[impl.pk]),
        reverse("admin:inspections_forceimplementation_history", args=[impl.pk]),
        reverse("admin:inspections_progressupdate_change", args=[update.pk]),
        reverse("admin:inspections_progressupdate_history", args=[update.pk]),
        reverse("admin:inspections_force_change", args=[impl.force_id]),
        reverse("admin:inspections_force_history", args=[impl.force_id]),
    ]
    history_id = impl.history.latest("history_date").history_id
    urls.append(
        reverse("admin:inspections_forceimplementation_simple_history", args=[impl.pk, history_id])
    )
    return urls


@pytest.mark.parametrize("role", ["pcc_a", "lead_a"])
def test_other_forces_objects_are_refused(seeded, impl_b, role):
    client = login(seeded.by_role()[role])
    for url in implementation_urls(impl_b):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert b"Beta private" not in response.content
    revision = TargetDateRevision.objects.get(implementation=impl_b)
    url = reverse("admin:inspections_targetdaterevision_change", args=[revision.pk])
    assert client.get(url).status_code in (403, 404)


@pytest.mark.parametrize("role", ["pcc_a", "lead_a", "admin", "viewer"])
def test_own_or_national_objects_are_readable(seeded, impl_a, role):
    client = login(seeded.by_role()[role])
    for url in implementation_urls(impl_a):
        assert client.get(url).status_code == 200, url


def test_autocomplete_is_scoped(seeded):
    client = login(seeded.pcc_a)
    url = reverse("admin:autocomplete")
    params = {
        "app_label": "inspections",
        "model_name": "progressupdate",
        "field_name": "implementation",
        "term": "",
    }
    results = client.get(url, params).json()["results"]
    assert [r["text"] for r in results] == ["Alphashire Police: recommendation 2"]
    # Force choices anywhere (here the statistics form) offer only their own force.
    params = {
        "app_label": "inspections",
        "model_name": "firearmsstatistic",
        "field_name": "force",
        "term": "shire",
    }
    results = client.get(url, params).json()["results"]
    assert [r["text"] for r in results] == ["Alphashire Police"]


def test_autocomplete_for_national_admin_sees_all(seeded):
    client = login(seeded.admin)
    params = {
        "app_label": "inspections",
        "model_name": "user",
        "field_name": "force",
        "term": "shire",
    }
    results = client.get(reverse("admin:autocomplete"), params).json()["results"]
    assert {r["text"] for r in results} == {"Alphashire Police", "Betashire Police"}


def update_form(impl: ForceImplementation, **fields) -> dict:
    data = {
        "implementation": impl.pk,
        "status": Status.IN_PROGRESS,
        "as_of": "2024-01-15",
        "narrative": "Crafted narrative",
        "evidence_note": "",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("role", ["pcc_b", "lead_b"])
def test_crafted_post_for_another_force_changes_nothing(seeded, impl_a, role):
    client = login(seeded.by_role()[role])
    before = ProgressUpdate.objects.count()
    response = client.post(reverse("admin:inspections_progressupdate_add"), update_form(impl_a))
    assert response.status_code == 200  # the form again, with the error
    assert ProgressUpdate.objects.count() == before
    change_url = reverse("admin:inspections_forceimplementation_change", args=[impl_a.pk])
    response = client.post(change_url, {"lead_officer": "Intruder", "new_target_date": ""})
    assert response.status_code in (403, 404)
    impl_a.refresh_from_db()
    assert impl_a.lead_officer == ""


def test_viewer_cannot_change_anything(seeded, impl_a):
    client = login(seeded.viewer)
    assert client.get(reverse("admin:inspections_progressupdate_add")).status_code == 403
    change_url = reverse("admin:inspections_forceimplementation_change", args=[impl_a.pk])
    body = client.get(change_url).content.decode()
    assert 'name="_save"' not in body
    client.post(change_url, {"lead_officer": "Viewer"})
    impl_a.refresh_from_db()
    assert impl_a.lead_officer == ""
    response = client.post(reverse("admin:inspections_dependency_add"), {"title": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["pcc_a", "lead_a", "admin"])
def test_nobody_edits_or_deletes_progress_updates(seeded, impl_a, role):
    client = login(seeded.by_role()[role])
    update = impl_a.updates.get()
    delete_url = reverse("admin:inspections_progressupdate_delete", args=[update.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    change_url = reverse("admin:inspections_progressupdate_change", args=[update.pk])
    client.post(change_url, update_form(impl_a, narrative="Rewritten"))
    assert ProgressUpdate.objects.get(pk=update.pk).narrative == "Alpha private narrative"


@pytest.mark.parametrize("role", ["pcc_a", "lead_a", "viewer"])
def test_only_national_admin_edits_national_records(seeded, recommendation, role):
    client = login(seeded.by_role()[role])
    url = reverse("admin:inspections_recommendation_change", args=[recommendation.pk])
    assert client.get(url).status_code == 200  # readable
    client.post(url, {"text": "Tampered"})
    recommendation.refresh_from_db()
    assert recommendation.text != "Tampered"
    assert client.get(reverse("admin:inspections_recommendation_add")).status_code == 403
    assert client.get(reverse("admin:inspections_user_changelist")).status_code == 403


def test_delete_confirmation_is_refused_to_force_users(seeded, impl_a):
    client = login(seeded.pcc_a)
    url = reverse("admin:inspections_forceimplementation_delete", args=[impl_a.pk])
    assert client.get(url).status_code == 403
    url = reverse("admin:inspections_force_delete", args=[impl_a.force_id])
    assert client.get(url).status_code == 403


def test_a_superuser_may_do_what_a_national_administrator_may_and_no_more(world, rf):
    """docs/deploy.md makes the first national administrator with createsuperuser. Django lets
    an active superuser do anything; here the rules decide (they count a superuser as a national
    administrator), so no admin screen offers a superuser an edit or a deletion that history
    forbids, such as deleting a letter as sent or editing a progress update."""
    from django.contrib import admin
    from django.contrib.auth.models import Permission

    from inspections.models import User

    # As createsuperuser makes one (a viewer's role, with is_superuser).
    superuser = User.objects.create_superuser("root", "root@example.org", "a long passphrase")
    national = world["cast"].admin
    differences = []
    for permission in Permission.objects.filter(content_type__app_label="inspections"):
        name = f"inspections.{permission.codename}"
        for obj in (None, world["A"].get(permission.content_type.model)):
            if superuser.has_perm(name, obj) != national.has_perm(name, obj):
                differences.append(f"{name} on {obj!r}")
    for model, model_admin in admin.site._registry.items():
        for obj in (None, world["A"].get(model._meta.model_name)):
            for check in ("view", "add", "change", "delete"):
                answers = []
                for user in (superuser, national):
                    request = rf.get("/admin/")
                    request.user = user
                    answers.append(getattr(model_admin, f"has_{check}_permission")(request, obj))
                if answers[0] != answers[1]:
                    differences.append(f"admin {check} {model._meta.model_name} on {obj!r}")
    assert differences == []
    # The test can fail: the progress letter as sent is one the superuser could delete before.
    assert not superuser.has_perm("inspections.delete_progressletter", world["A"]["progressletter"])
    assert superuser.has_perm("inspections.change_force", world["A"]["force"])
