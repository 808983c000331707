"""People: invitations sent and accepted, people approved, their roles changed and their access
removed, each recorded in the access trail with who did it. Nothing anybody recorded is ever
deleted: removing someone deactivates the account, which ends their sessions at once (Django's
backend refuses an inactive account on every request)."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from inspections import reminders, teams
from inspections.addresses import absolute
from inspections.history import record_author
from inspections.models import (
    ONE_FORCE_ROLES,
    AccessEvent,
    AccessEventKind,
    ApiKey,
    ApiKeyUse,
    Force,
    Invitation,
    InvitationState,
    OutboundEmail,
    OutboundPost,
    Role,
    TeamsChannel,
    TenantForce,
    User,
)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def record_access_event(
    *,
    kind: AccessEventKind,
    actor: User | None = None,
    subject: User | None = None,
    force: Force | None = None,
    detail: str = "",
    ip_address: str | None = None,
) -> AccessEvent:
    force_id = force.pk if force is not None else getattr(subject, "force_id", None)
    return AccessEvent.objects.create(
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        subject=subject,
        force_id=force_id,
        detail=detail[:500],
        ip_address=ip_address,
    )


def force_for_role(role: str, force: Force | None) -> Force | None:
    """A force's roles keep their force; national roles have none."""
    if role in ONE_FORCE_ROLES:
        if force is None:
            raise ValidationError({"force": "Choose the force this person works for."})
        return force
    return None


def invitation_link(token: str) -> str:
    return absolute(reverse("invitation", args=[token]))


def invite(
    *,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    role: Role,
    force: Force | None,
    now: datetime.datetime,
) -> tuple[Invitation, str]:
    """Make an invitation and email its one-time link. Returns it with the link's secret, which
    is kept nowhere else (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            token_hash=hash_token(token),
            email=email.strip(),
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            role=role,
            force=force_for_role(role, force),
            invited_by=by,
            expires_at=now + datetime.timedelta(days=settings.TRACKER_INVITATION_DAYS),
        )
        topic = f"invitation-{invitation.pk}"
        OutboundEmail.objects.create(
            about=topic,
            subject="You are invited to the recommendation tracker as "
            f"{invitation.get_role_display()}",
            body=render_to_string(
                "emails/invitation.txt",
                {"invitation": invitation, "link": invitation_link(token), "by": by},
            ),
            to=invitation.email,
        )
        record_access_event(
            kind=AccessEventKind.INVITED,
            actor=by,
            force=invitation.force,
            detail=f"{invitation} ({invitation.email})",
        )
        transaction.on_commit(lambda: reminders.send_outbox_soon.enqueue(about=topic))
    return invitation, token


def invitation_for(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("force", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )


INVITATION_GONE = {
    InvitationState.ACCEPTED: "This invitation has already been used. Sign in instead.",
    InvitationState.EXPIRED: "This invitation has expired. Ask whoever invited you for a new one.",
    InvitationState.WITHDRAWN: "This invitation was withdrawn. Ask whoever invited you.",
}


def _lock_open(invitation: Invitation, now: datetime.datetime) -> Invitation:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    state = locked.state_at(now)
    if state != InvitationState.OPEN:
        raise ValidationError(INVITATION_GONE[state])
    return locked


def accept_invitation(
    *,
    invitation: Invitation,
    username: str,
    password: str | None,
    now: datetime.datetime,
) -> User:
    """Make the invited person's account (with a password, or none for a Microsoft sign-in,
    which the caller binds) and use the invitation up, once."""
    with transaction.atomic():
        locked = _lock_open(invitation, now)
        if User.objects.filter(username__iexact=User.normalize_username(username)).exists():
            raise ValidationError(
                {"username": "Someone already has that username. Choose another."}
            )
        user = User(
            username=User.normalize_username(username),
            first_name=locked.first_name,
            last_name=locked.last_name,
            email=locked.email,
            role=locked.role,
            force_id=locked.force_id,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        record_author(user, locked.invited_by)
        user.save()
        locked.accepted_at = now
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        record_access_event(
            kind=AccessEventKind.INVITATION_ACCEPTED,
            actor=user,
            subject=user,
            detail=f"Invited by {locked.invited_by} as {locked.get_role_display()}",
        )
    return user


def withdraw_invitation(*, by: User, invitation: Invitation, now: datetime.datetime) -> None:
    with transaction.atomic():
        locked = _lock_open(invitation, now)
        locked.withdrawn_at = now
        locked.save(update_fields=["withdrawn_at"])
        record_access_event(
            kind=AccessEventKind.INVITATION_WITHDRAWN,
            actor=by,
            force=locked.force,
            detail=f"{locked} ({locked.email})",
        )


def change_role(*, by: User, person: User, role: Role, force: Force | None) -> None:
    """Give someone a role (approving them, when they were waiting for approval)."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=person.pk)
        if not locked.is_active:
            raise ValidationError("This person's access was removed.")
        before = locked.get_role_display()
        waiting = locked.role == Role.PENDING
        locked.role = role
        locked.force = force_for_role(role, force)
        locked.full_clean(exclude=["password"])
        record_author(locked, by)
        locked.save(update_fields=["role", "force"])
        record_access_event(
            kind=AccessEventKind.APPROVED if waiting else AccessEventKind.ROLE_CHANGED,
            actor=by,
            subject=locked,
            detail=f"As {locked.get_role_display()}"
            if waiting
            else f"From {before} to {locked.get_role_display()}",
        )
    person.refresh_from_db()


def remove(*, by: User, person: User) -> None:
    """Take someone's access away. Their account stays, so everything they recorded keeps its
    author; their sessions end at their next request."""
    set_access(by=by, person=person, active=False)


def restore(*, by: User, person: User) -> None:
    """Give a removed person their access back, with the role they had."""
    set_access(by=by, person=person, active=True)


def set_access(*, by: User, person: User, active: bool) -> None:
    """Removal and its undoing: the account's active flag, and the audit trail's event (with the
    role they had, or have again). Nothing happens when it is already so."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=person.pk)
        if locked.is_active == active:
            return
        locked.is_active = active
        record_author(locked, by)
        locked.save(update_fields=["is_active"])
        role = locked.get_role_display()
        record_access_event(
            kind=AccessEventKind.RESTORED if active else AccessEventKind.REMOVED,
            actor=by,
            subject=locked,
            detail=f"As {role}" if active else f"Was {role}",
        )
    person.refresh_from_db()


# --- Microsoft sign-in ------------------------------------------------------------------------


class AccessRefused(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def unique_username(shown: str) -> str:
    """The name Microsoft shows for the person, made unique: it is only a label, since the
    account is found by its tenant and object ids."""
    base = User.normalize_username(shown)[:140] or "microsoft-user"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def admit_from_microsoft(
    *,
    tenant_id: str,
    object_id: str,
    claims: dict[str, object],
    username: str,
    invitation_pk: int | None,
    now: datetime.datetime,
) -> User:
    """The account for a first Microsoft sign-in, linked to its tid + oid: the invitation's, if
    one is being accepted; else one waiting for approval, if the tenant serves exactly one
    force. Roles and forces never come from the token's claims."""
    with transaction.atomic():
        if invitation_pk is not None:
            invitation = Invitation.objects.filter(pk=invitation_pk).first()
            if invitation is None:
                raise AccessRefused("That invitation no longer exists.", "invitation gone")
            try:
                user = accept_invitation(
                    invitation=invitation,
                    username=unique_username(username),
                    password=None,
                    now=now,
                )
            except ValidationError as error:
                raise AccessRefused(" ".join(error.messages), "invitation not open") from error
        else:
            forces = list(
                TenantForce.objects.filter(tenant_id__iexact=tenant_id)
                .values_list("force", flat=True)
                .distinct()
            )
            if len(forces) != 1:
                raise AccessRefused(
                    "You need an invitation to use the tracker. Ask your office administrator "
                    "to invite you, then open the link in the invitation email.",
                    "no invitation; tenant serves no force"
                    if not forces
                    else f"no invitation; tenant serves {len(forces)} forces",
                )
            user = User(
                username=unique_username(username),
                role=Role.PENDING,
                force_id=forces[0],
                email=str(claims.get("email") or ""),
                first_name=str(claims.get("given_name") or "")[:150],
                last_name=str(claims.get("family_name") or "")[:150],
            )
            user.set_unusable_password()
            user.full_clean(exclude=["password"])
            user.save()
            record_access_event(
                kind=AccessEventKind.WAITING,
                actor=user,
                subject=user,
                detail=f"Signed in with Microsoft from tenant {tenant_id}",
            )
        SocialAccount.objects.create(
            user=user, provider="entra", uid=f"{tenant_id}:{object_id}", extra_data=claims
        )
    return user


def add_tenant(*, by: User, tenant_id: str, force: Force, name: str) -> TenantForce:
    """A rule that a Microsoft tenant serves a force: its people who sign in without an
    invitation wait for that force's office to approve them (if it serves no other force)."""
    tenant = tenant_id.strip().lower()
    with transaction.atomic():
        if TenantForce.objects.filter(tenant_id=tenant, force=force).exists():
            raise ValidationError({"tenant_id": f"That tenant already serves {force.name}."})
        rule = TenantForce.objects.create(tenant_id=tenant, force=force, name=name.strip())
        record_access_event(
            kind=AccessEventKind.TENANT_ADDED, actor=by, force=force, detail=str(rule)
        )
    return rule


def remove_tenant(*, by: User, rule: TenantForce) -> None:
    with transaction.atomic():
        record_access_event(
            kind=AccessEventKind.TENANT_REMOVED, actor=by, force=rule.force, detail=str(rule)
        )
        rule.delete()


# --- two-factor authentication (local accounts) ----------------------------------------------

WRONG_CODE = "That code is wrong or has been used: enter the 6 digits your app shows now."


def turn_on_two_factor(*, user: User, secret: str, code: str) -> list[str]:
    """Turn on TOTP for a local account once it has proved it holds the secret, with a set of
    recovery codes; returns the codes, shown to the person once."""
    if not validate_totp_code(secret, code.strip()):
        raise ValidationError({"code": WRONG_CODE})
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if Authenticator.objects.filter(user=locked, type=Authenticator.Type.TOTP).exists():
            raise ValidationError("Two-factor authentication is already on.")
        TOTP.activate(locked, secret)
        codes: list[str] = list(RecoveryCodes.activate(locked).get_unused_codes())
        record_access_event(kind=AccessEventKind.TWO_FACTOR_ON, actor=locked, subject=locked)
    return codes


def second_factor_ok(*, user: User, code: str) -> bool:
    """Whether ``code`` is the person's current TOTP code or an unused recovery code (either
    is then used up)."""
    code = code.strip().replace(" ", "")
    for authenticator in Authenticator.objects.filter(user=user):
        if authenticator.type == Authenticator.Type.TOTP and TOTP(authenticator).validate_code(
            code
        ):
            return True
        if authenticator.type == Authenticator.Type.RECOVERY_CODES and RecoveryCodes(
            authenticator
        ).validate_code(code):
            return True
    return False


def turn_off_two_factor(*, user: User, code: str) -> None:
    with transaction.atomic():
        if not second_factor_ok(user=user, code=code):
            raise ValidationError({"code": WRONG_CODE})
        Authenticator.objects.filter(user=user).delete()
        record_access_event(kind=AccessEventKind.TWO_FACTOR_OFF, actor=user, subject=user)


# --- API keys -------------------------------------------------------------------------------


def create_api_key(*, by: User | None, force: Force | None, name: str) -> tuple[ApiKey, str]:
    """A new key, returned with its secret, which is shown once and kept nowhere (only its
    hash). ``by`` is None only for the command line, where an operator makes it."""
    secret = f"trk_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        maker = by or User.objects.filter(is_superuser=True).order_by("pk").first()
        if maker is None:
            maker = User.objects.filter(role=Role.NATIONAL_ADMIN).order_by("pk").first()
        if maker is None:
            raise ValidationError(
                "There is no national administrator to make the key in the name of."
            )
        key = ApiKey.objects.create(
            name=name.strip(),
            force=force,
            prefix=secret[:10],
            key_hash=hash_token(secret),
            created_by=maker,
        )
        record_access_event(
            kind=AccessEventKind.API_KEY_MADE, actor=by, force=force, detail=str(key)
        )
    return key, secret


def revoke_api_key(*, by: User, key: ApiKey, now: datetime.datetime) -> None:
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().get(pk=key.pk)
        if locked.revoked_at is not None:
            return
        locked.revoked_at, locked.revoked_by = now, by
        locked.save(update_fields=["revoked_at", "revoked_by"])
        record_access_event(
            kind=AccessEventKind.API_KEY_REVOKED, actor=by, force=locked.force, detail=str(locked)
        )


def key_for(secret: str) -> ApiKey | None:
    """The live key a secret belongs to, if any."""
    if not secret or len(secret) > 200:
        return None
    return ApiKey.objects.live().select_related("force").filter(key_hash=hash_token(secret)).first()


def record_api_use(*, key: ApiKey, path: str, now: datetime.datetime) -> None:
    ApiKeyUse.objects.create(key=key, path=path[:300])
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)


# --- the office's Teams channel ---------------------------------------------------------------


def set_teams_channel(*, by: User, force: Force, webhook_url: str) -> TeamsChannel:
    url = webhook_url.strip()
    if problem := teams.webhook_problem(url):
        raise ValidationError({"webhook_url": problem})
    with transaction.atomic():
        channel, _created = TeamsChannel.objects.update_or_create(
            force=force, defaults={"webhook_url": url, "set_by": by}
        )
        record_access_event(
            kind=AccessEventKind.TEAMS_SET, actor=by, force=force, detail="Teams channel set"
        )
    return channel


def remove_teams_channel(*, by: User, force: Force) -> None:
    with transaction.atomic():
        TeamsChannel.objects.filter(force=force).delete()
        record_access_event(
            kind=AccessEventKind.TEAMS_SET, actor=by, force=force, detail="Teams channel removed"
        )


def send_test_card(*, by: User, force: Force, now: datetime.datetime) -> OutboundPost:
    """Post a card now, to show the office its channel works; kept like every other."""
    with transaction.atomic():
        post = OutboundPost.objects.create(
            about=f"test-{force.pk}-{now:%Y%m%d%H%M%S%f}",
            force=force,
            card=teams.card(
                title=f"{force.name}: the tracker can post here",
                text=f"A test card sent by {by.get_full_name() or by.username}. Digests, items "
                "returned or signed off, dependencies delivered and s.55 reminders will come "
                "to this channel.",
            ),
        )
    reminders.send_posts(about=post.about, report=reminders.OutboxReport())
    post.refresh_from_db()
    return post


def retry_teams_posts(*, force: Force) -> reminders.OutboxReport:
    report = reminders.OutboxReport()
    for about in set(
        OutboundPost.objects.unsent().filter(force=force).values_list("about", flat=True)
    ):
        reminders.send_posts(about=about, report=report)
    return report
