"""An office manages its own people: invitations (one-time links that expire), approvals, role
changes and removals, each in the access trail; and the scrutiny role reads one force's items,
never internal notes, drafts or another force."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from inspections import permissions
from inspections.letters import services as letter_services
from inspections.models import (
    AccessEvent,
    AccessEventKind,
    Invitation,
    ProgressLetter,
    Role,
    TenantForce,
    User,
)
from inspections.services import people as people_services

from .conftest import GUARDED_MARKERS, login, record
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def invite_through_the_form(client: Client, **fields) -> Client:
    data = {
        "first_name": "Nia",
        "last_name": "Newcomer",
        "email": "nia@alphashire.example",
        "role": Role.SCRUTINY,
        **fields,
    }
    return client.post(reverse("people-invite"), data)


def link_in(message: str) -> str:
    found = re.search(r"http\S+/invitation/(\S+)/", message)
    assert found, message
    return found.group(1)


def test_an_office_administrator_invites_and_the_link_works_once(
    cast, django_capture_on_commit_callbacks
):
    office = login(cast.office_a)
    with_bad_email = invite_through_the_form(office, email="not-an-address")
    assert with_bad_email.status_code == 200
    assert "Enter an email address like" in with_bad_email.content.decode()
    assert not Invitation.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = invite_through_the_form(office)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.force, invitation.invited_by) == (
        Role.SCRUTINY,
        cast.force_a,
        cast.office_a,
    )
    # Only the hash is kept; the email carries the secret.
    token = link_in(mail.outbox[-1].body)
    assert token not in invitation.token_hash
    assert mail.outbox[-1].to == ["nia@alphashire.example"]

    newcomer = Client()
    page = newcomer.get(reverse("invitation", args=[token]))
    assert "as Scrutiny member" in page.content.decode()
    mismatch = newcomer.post(
        reverse("invitation", args=[token]),
        {"username": "nia", "password1": "Long-passphrase-91", "password2": "other-one-91x"},
    )
    assert "The two passwords are different" in mismatch.content.decode()
    accepted = newcomer.post(
        reverse("invitation", args=[token]),
        {"username": "nia", "password1": "Long-passphrase-91", "password2": "Long-passphrase-91"},
    )
    assert accepted.status_code == 302
    nia = User.objects.get(username="nia")
    assert (nia.role, nia.force, nia.email) == (Role.SCRUTINY, cast.force_a, invitation.email)
    assert newcomer.get(reverse("dashboard")).status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_by == nia

    # The link is spent: a second person cannot use it.
    again = Client().post(
        reverse("invitation", args=[token]),
        {"username": "other", "password1": "Long-passphrase-91", "password2": "Long-passphrase-91"},
    )
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert not User.objects.filter(username="other").exists()
    kinds = set(AccessEvent.objects.values_list("kind", flat=True))
    assert {AccessEventKind.INVITED, AccessEventKind.INVITATION_ACCEPTED} <= kinds


def test_an_expired_or_withdrawn_invitation_lets_nobody_in(cast):
    now = timezone.now()
    _old, old_token = people_services.invite(
        by=cast.office_a,
        email="a@example.police.uk",
        first_name="A",
        last_name="B",
        role=Role.PCC_STAFF,
        force=cast.force_a,
        now=now - datetime.timedelta(days=8),
    )
    response = Client().get(reverse("invitation", args=[old_token]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    fresh, fresh_token = people_services.invite(
        by=cast.office_a,
        email="c@example.police.uk",
        first_name="C",
        last_name="D",
        role=Role.PCC_STAFF,
        force=cast.force_a,
        now=now,
    )
    login(cast.office_a).post(reverse("invitation-withdraw", args=[fresh.uuid]))
    fresh.refresh_from_db()
    assert fresh.withdrawn_at is not None
    assert Client().get(reverse("invitation", args=[fresh_token])).status_code == 410
    assert Client().get(reverse("invitation", args=["not-a-real-token"])).status_code == 404


def test_an_office_administrator_cannot_invite_to_another_force_or_a_national_role(cast):
    office = login(cast.office_a)
    national = invite_through_the_form(office, role=Role.NATIONAL_ADMIN)
    assert national.status_code == 200
    assert "Select a valid choice" in national.content.decode()
    # A force field, had one been added to the form by hand, is not read.
    invite_through_the_form(office, force=cast.force_b.pk)
    assert Invitation.objects.get().force == cast.force_a
    assert invite_through_the_form(login(cast.pcc_a)).status_code == 403
    assert invite_through_the_form(login(cast.scrutiny_a)).status_code == 403


def test_a_national_administrator_invites_a_forces_first_office_administrator(cast):
    admin = login(cast.admin)
    missing_force = invite_through_the_form(admin, role=Role.OFFICE_ADMIN, force="")
    assert "Choose the force this person works for" in missing_force.content.decode()
    invite_through_the_form(admin, role=Role.OFFICE_ADMIN, force=cast.force_b.pk)
    assert Invitation.objects.get().force == cast.force_b


def test_approve_change_role_and_remove_only_within_the_force(cast):
    waiting = UserFactory(username="waiting", role=Role.PENDING, force=cast.force_a)
    waiting_b = UserFactory(username="waiting_b", role=Role.PENDING, force=cast.force_b)
    office = login(cast.office_a)
    assert office.get(reverse("person", args=[waiting_b.pk])).status_code == 404
    assert (
        office.post(reverse("person", args=[waiting_b.pk]), {"role": "pcc_staff"}).status_code
        == 404
    )
    assert office.post(reverse("person-remove", args=[cast.lead_b.pk])).status_code == 404
    # Nobody changes their own access.
    assert office.post(reverse("person-remove", args=[cast.office_a.pk])).status_code == 403

    assert (
        office.post(reverse("person", args=[waiting.pk]), {"role": "force_lead"}).status_code == 302
    )
    waiting.refresh_from_db()
    assert (waiting.role, waiting.force) == (Role.FORCE_LEAD, cast.force_a)
    office.post(reverse("person", args=[waiting.pk]), {"role": "scrutiny"})
    waiting.refresh_from_db()
    assert waiting.role == Role.SCRUTINY
    waiting_b.refresh_from_db()
    assert waiting_b.role == Role.PENDING
    kinds = list(
        AccessEvent.objects.filter(subject=waiting)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [AccessEventKind.APPROVED, AccessEventKind.ROLE_CHANGED]


def test_removal_ends_the_session_at_once_and_keeps_what_they_recorded(cast, impl_a):
    update = record(impl_a, cast.pcc_a)
    theirs = login(cast.pcc_a)
    assert theirs.get(reverse("dashboard")).status_code == 200
    login(cast.office_a).post(reverse("person-remove", args=[cast.pcc_a.pk]))
    cast.pcc_a.refresh_from_db()
    assert cast.pcc_a.is_active is False
    # Their very next request is not signed in.
    assert theirs.get(reverse("dashboard")).status_code == 302
    update.refresh_from_db()
    assert update.author == cast.pcc_a
    assert AccessEvent.objects.filter(kind=AccessEventKind.REMOVED, subject=cast.pcc_a).exists()
    # Given back from the same page: the same account, the same role.
    assert (
        "Give their access back"
        in login(cast.office_a).get(reverse("person", args=[cast.pcc_a.pk])).content.decode()
    )
    login(cast.office_a).post(reverse("person-remove", args=[cast.pcc_a.pk]))
    cast.pcc_a.refresh_from_db()
    assert cast.pcc_a.is_active
    assert login(cast.pcc_a).get(reverse("dashboard")).status_code == 200


def test_someone_waiting_for_approval_sees_only_that(cast, impl_a):
    waiting = UserFactory(username="waiting", role=Role.PENDING, force=cast.force_a)
    client = login(waiting)
    for url in (
        reverse("dashboard"),
        reverse("force", args=[cast.force_a.slug]),
        reverse("reports"),
        reverse("people"),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Waiting for approval" in response.content.decode()
    assert permissions.scope_queryset(waiting, impl_a.__class__.objects.all()).count() == 0
    assert client.get("/admin/").status_code == 403


def test_scrutiny_reads_letters_as_sent_never_drafts(cast, impl_a, home_secretary):
    record(impl_a, cast.pcc_a)
    draft = letter_services.draft_letter(
        force=cast.force_a, inspection=impl_a.recommendation.inspection, author=cast.pcc_a
    )
    scrutiny = cast.scrutiny_a
    letters = ProgressLetter.objects.all()
    assert permissions.scope_queryset(scrutiny, letters).count() == 0
    assert not scrutiny.has_perm("inspections.view_progressletter", draft)
    assert cast.lead_a.has_perm("inspections.view_progressletter", draft)
    letter_services.issue_letter(letter=draft, author=cast.pcc_a)
    draft.refresh_from_db()
    assert permissions.scope_queryset(scrutiny, letters).get() == draft
    assert scrutiny.has_perm("inspections.view_progressletter", draft)
    page = login(scrutiny).get(reverse("letter", args=[draft.uuid]))
    assert page.status_code == 200


def test_scrutiny_reads_its_force_but_no_internal_note_and_writes_nothing(world):
    cast = world["cast"]
    client = login(cast.scrutiny_a)
    impl = world["A"]["forceimplementation"]
    item = reverse(
        "item", args=[impl.force.slug, impl.recommendation.inspection.slug, impl.recommendation.ref]
    )
    page = client.get(item).content.decode()
    assert "Narrative for" in page
    assert GUARDED_MARKERS["A"] not in page
    assert client.get(item + "update/").status_code == 403
    assert client.get(reverse("force", args=[cast.force_b.slug])).status_code == 404
    search = client.get(reverse("search"), {"q": GUARDED_MARKERS["A"]}).content.decode()
    assert "Internal note" not in search


def test_national_administrators_say_which_tenant_serves_which_force(cast):
    admin = login(cast.admin)
    bad = admin.post(reverse("tenants"), {"tenant_id": "not-a-guid", "force": cast.force_a.pk})
    assert "Enter the tenant ID as Entra ID shows it" in bad.content.decode()
    assert not TenantForce.objects.exists()
    tenant = "AAAAAAAA-1111-4111-8111-111111111111"
    good = admin.post(
        reverse("tenants"), {"tenant_id": tenant, "force": cast.force_a.pk, "name": "OPCC"}
    )
    assert good.status_code == 302
    rule = TenantForce.objects.get()
    assert (rule.tenant_id, rule.force) == (tenant.lower(), cast.force_a)
    twice = admin.post(reverse("tenants"), {"tenant_id": tenant, "force": cast.force_a.pk})
    assert "already serves" in twice.content.decode()
    assert TenantForce.objects.count() == 1
    TenantForce.objects.create(tenant_id="bbbbbbbb-1111-4111-8111-111111111111", force=cast.force_b)

    office_page = login(cast.office_a).get(reverse("people")).content.decode()
    assert tenant.lower() in office_page
    assert "bbbbbbbb-1111" not in office_page
    assert login(cast.office_a).post(reverse("tenants"), {"tenant_id": tenant}).status_code == 403
    assert login(cast.office_a).post(reverse("tenant-remove", args=[rule.pk])).status_code == 403
    admin.post(reverse("tenant-remove", args=[rule.pk]))
    assert not TenantForce.objects.filter(pk=rule.pk).exists()
    kinds = set(AccessEvent.objects.values_list("kind", flat=True))
    assert {AccessEventKind.TENANT_ADDED, AccessEventKind.TENANT_REMOVED} <= kinds


def test_the_audit_trail_lists_sign_ins_and_access_changes(cast):
    Client().post(reverse("sign-in"), {"login": "pcc_a", "password": "correct-horse-battery"})
    people_services.remove(by=cast.office_a, person=cast.lead_a)
    page = login(cast.admin).get(reverse("audit"), {"kind": "access"}).content.decode()
    table = page.partition("<table")[2]
    assert ">Signed in<" in table
    assert ">Removed<" in table
    assert "office_a" in table
    theirs = login(cast.admin).get(reverse("audit"), {"user": "office_a"}).content.decode()
    assert ">Signed in<" not in theirs.partition("<table")[2]
    assert ">Removed<" in theirs.partition("<table")[2]
