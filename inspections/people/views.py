"""The people pages: an office administrator invites, approves, changes the role of and removes
its own force's people; a national administrator anyone's. Access is decided in permissions."""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from inspections import permissions
from inspections.backends import PASSWORD_BACKEND
from inspections.formfields import save_posted
from inspections.http import AuthenticatedHttpRequest
from inspections.models import (
    AccessEvent,
    ApiKey,
    Force,
    Invitation,
    OutboundPost,
    Role,
    TeamsChannel,
    TenantForce,
    User,
)
from inspections.services import people as people_services
from inspections.sso.config import sso_enabled

from .forms import (
    ROLE_HINTS,
    AcceptForm,
    ApiKeyForm,
    InviteForm,
    RoleForm,
    TeamsForm,
    TenantForm,
)
from .pages import invitation_gone


def managing(request: AuthenticatedHttpRequest) -> None:
    if not permissions.can_manage_people(request.user):
        raise PermissionDenied(
            "Only office administrators and national administrators manage people."
        )


class PeopleFilter(forms.Form):
    force = forms.ModelChoiceField(
        queryset=Force.objects.order_by("name"), required=False, to_field_name="slug"
    )


def people(request: AuthenticatedHttpRequest) -> HttpResponse:
    managing(request)
    user = request.user
    everyone = permissions.people_of(user).select_related("force")
    invitations = Invitation.objects.select_related("force", "invited_by")
    events = AccessEvent.objects.select_related("actor", "subject", "force")
    chosen: Force | None = None
    filter_form = PeopleFilter(request.GET or None)
    if permissions.is_national_admin(user):
        if filter_form.is_valid():
            chosen = filter_form.cleaned_data["force"]
        if chosen is not None:
            everyone = everyone.filter(force=chosen)
            invitations = invitations.filter(force=chosen)
            events = events.filter(force=chosen)
    else:
        invitations = invitations.filter(force=user.force_id)
        events = events.filter(force=user.force_id)
    now = timezone.now()
    ordered = everyone.order_by("last_name", "first_name", "username")
    return render(
        request,
        "people/list.html",
        {
            "waiting": [p for p in ordered if p.is_active and p.role == Role.PENDING],
            "active": [p for p in ordered if p.is_active and p.role != Role.PENDING],
            "removed": [p for p in ordered if not p.is_active],
            "invitations": list(invitations.open_at(now).order_by("expires_at")),
            "events": list(events[:20]),
            "filter_form": filter_form if permissions.is_national_admin(user) else None,
            "chosen": chosen,
            "tenants": list(
                permissions.scope_queryset(user, TenantForce.objects.select_related("force"))
                .filter(**({"force": chosen} if chosen else {}))
                .order_by("force__name", "tenant_id")
            ),
        },
    )


def invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    managing(request)
    form = InviteForm(request.POST or None, user=request.user)
    if saved := save_posted(
        request,
        form,
        lambda data: people_services.invite(
            by=request.user,
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=Role(data["role"]),
            force=form.chosen_force(),
            now=timezone.now(),
        ),
    ):
        invitation, _token = saved.value
        messages.success(
            request,
            f"Invitation sent to {invitation.email}. The link works once, until "
            f"{timezone.localtime(invitation.expires_at):%-d %B %Y}.",
        )
        return redirect("people")
    return render(
        request,
        "people/invite.html",
        {"form": form, "hints": ROLE_HINTS, "days": settings.TRACKER_INVITATION_DAYS},
    )


def person_or_404(request: AuthenticatedHttpRequest, pk: int) -> User:
    managing(request)
    person = get_object_or_404(permissions.people_of(request.user).select_related("force"), pk=pk)
    if not permissions.can_manage_person(request.user, person):
        raise PermissionDenied("You cannot change your own access. Ask another administrator.")
    return person


def person(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = person_or_404(request, pk)
    form = RoleForm(request.POST or None, user=request.user, person=person)
    waiting = person.role == Role.PENDING
    if save_posted(
        request,
        form,
        lambda data: people_services.change_role(
            by=request.user, person=person, role=Role(data["role"]), force=form.chosen_force()
        ),
    ):
        verb = "approved as" if waiting else "is now"
        messages.success(request, f"{person} {verb} {person.get_role_display()}.")
        return redirect("people")
    history = AccessEvent.objects.filter(Q(subject=person) | Q(actor=person)).select_related(
        "actor", "subject"
    )[:20]
    return render(
        request,
        "people/person.html",
        {
            "person": person,
            "waiting": waiting,
            "form": form,
            "hints": ROLE_HINTS,
            "history": history,
            "microsoft": SocialAccount.objects.filter(user=person, provider="entra").first(),
        },
    )


def person_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Remove someone's access (after a check page), or give a removed person's back."""
    person = person_or_404(request, pk)
    if request.method == "POST" and not person.is_active:
        people_services.restore(by=request.user, person=person)
        messages.success(request, f"{person} can sign in again, as {person.get_role_display()}.")
        return redirect("people")
    if request.method == "POST":
        people_services.remove(by=request.user, person=person)
        messages.success(
            request,
            f"{person} can no longer sign in. Everything they recorded stays, in their name.",
        )
        return redirect("people")
    return render(request, "people/remove.html", {"person": person})


@require_POST
def invitation_withdraw(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    managing(request)
    scoped = Invitation.objects.all()
    if not permissions.is_national_admin(request.user):
        scoped = scoped.filter(force=request.user.force_id)
    invitation = get_object_or_404(scoped, uuid=uuid)
    try:
        people_services.withdraw_invitation(
            by=request.user, invitation=invitation, now=timezone.now()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("people")


@login_not_required
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation: with a Microsoft account where that sign-in is set up, or by
    choosing a username and password where local accounts are allowed."""
    found = people_services.invitation_for(token)
    now = timezone.now()
    if (gone := invitation_gone(request, found)) is not None or found is None:
        return gone or HttpResponse(status=404)
    # Where Microsoft sign-in is the only way in, an invitation is accepted only through it.
    form = None if settings.TRACKER_SSO_ONLY else AcceptForm(request.POST or None)
    if form is not None and (
        saved := save_posted(
            request,
            form,
            lambda data: people_services.accept_invitation(
                invitation=found, username=data["username"], password=data["password1"], now=now
            ),
        )
    ):
        user = saved.value
        login(request, user, backend=PASSWORD_BACKEND)
        messages.success(request, f"Welcome, {user.get_full_name()}. You are signed in.")
        return redirect("dashboard")
    return render(
        request,
        "people/invitation.html",
        {"invitation": found, "form": form, "token": token, "sso": sso_enabled()},
    )


def tenants(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Which organisation's Microsoft tenant serves which force: national administrators."""
    if not permissions.is_national_admin(request.user):
        raise PermissionDenied("Only national administrators say which tenant serves a force.")
    form = TenantForm(request.POST or None)
    if saved := save_posted(
        request,
        form,
        lambda data: people_services.add_tenant(
            by=request.user, tenant_id=data["tenant_id"], force=data["force"], name=data["name"]
        ),
    ):
        rule = saved.value
        messages.success(request, f"Tenant {rule.tenant_id} now serves {rule.force.name}.")
        return redirect("tenants")
    rules = TenantForce.objects.select_related("force").order_by("tenant_id", "force__name")
    return render(
        request,
        "people/tenants.html",
        {"form": form, "rules": list(rules), "sso": sso_enabled()},
    )


@require_POST
def tenant_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not permissions.is_national_admin(request.user):
        raise PermissionDenied("Only national administrators say which tenant serves a force.")
    rule = get_object_or_404(TenantForce.objects.select_related("force"), pk=pk)
    people_services.remove_tenant(by=request.user, rule=rule)
    messages.success(
        request,
        f"Tenant {rule.tenant_id} no longer serves {rule.force.name}. People already let in "
        "keep their access.",
    )
    return redirect("tenants")


def api_keys(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An office's keys for the API (Power BI and other tools): make one (its secret shown
    once), see when each was last used, revoke one."""
    user = request.user
    if not (permissions.can_manage_people(user)):
        raise PermissionDenied("Office administrators and national administrators keep API keys.")
    form = ApiKeyForm(request.POST or None, user=user)
    made: tuple[ApiKey, str] | None = None
    if request.method == "POST" and form.is_valid():
        force = form.chosen_force()
        if not permissions.can_manage_api_keys(user, force):
            raise PermissionDenied("Only national administrators make national keys.")
        made = people_services.create_api_key(by=user, force=force, name=form.cleaned_data["name"])
        form = ApiKeyForm(user=user)
    keys = permissions.api_keys_of(user).select_related("force", "created_by", "revoked_by")
    return render(
        request,
        "people/api_keys.html",
        {"form": form, "keys": list(keys), "made": made},
    )


@require_POST
def api_key_revoke(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    key = get_object_or_404(permissions.api_keys_of(request.user), uuid=uuid)
    people_services.revoke_api_key(by=request.user, key=key, now=timezone.now())
    messages.success(request, f"{key.name} revoked: it stops working at once.")
    return redirect("api-keys")


def teams_force(request: AuthenticatedHttpRequest) -> Force:
    """The force whose channel is being set: the office administrator's own; a national
    administrator's choice (``?force=``)."""
    user = request.user
    if permissions.is_office_admin(user) and user.force is not None:
        return user.force
    if permissions.is_national_admin(user):
        chosen = PeopleFilter(request.GET)
        if chosen.is_valid() and chosen.cleaned_data["force"] is not None:
            force: Force = chosen.cleaned_data["force"]
            return force
        raise Http404("Choose the force: add ?force=<its slug> to the address.")
    raise PermissionDenied("Office administrators set their office's Teams channel.")


def teams_channel(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The office's Teams channel: its webhook address, a test card, and what was posted."""
    force = teams_force(request)
    channel = TeamsChannel.objects.filter(force=force).first()
    form = TeamsForm(request.POST if request.POST.get("action") == "save" else None)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "save" and save_posted(
        request,
        form,
        lambda data: people_services.set_teams_channel(
            by=request.user, force=force, webhook_url=data["webhook_url"]
        ),
    ):
        messages.success(request, "Teams channel saved. Send a test card to check it.")
        return redirect(request.get_full_path())
    elif action == "test" and channel is not None:
        post = people_services.send_test_card(by=request.user, force=force, now=timezone.now())
        if post.sent_at:
            messages.success(request, "Test card posted: look for it in the channel.")
        else:
            messages.error(request, f"The test card was not posted. {post.last_error}")
        return redirect(request.get_full_path())
    elif action == "retry":
        report = people_services.retry_teams_posts(force=force)
        messages.info(
            request,
            f"{len(report.posted)} posted, {len(report.not_posted)} still not posted.",
        )
        return redirect(request.get_full_path())
    elif action == "remove" and channel is not None:
        people_services.remove_teams_channel(by=request.user, force=force)
        messages.success(request, "Teams channel removed: nothing more is posted there.")
        return redirect(request.get_full_path())
    posts = list(OutboundPost.objects.filter(force=force).order_by("-created_at")[:15])
    return render(
        request,
        "people/teams.html",
        {"force": force, "channel": channel, "form": form, "posts": posts},
    )
