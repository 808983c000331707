"""The daily-work pages: an item's page, recording an update, changing the target date, and the
force lead's sign-off queue. Thin: forms check, services write, permissions decide."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from inspections import clock, permissions, services
from inspections.addresses import item_url
from inspections.followup import queries as followup
from inspections.formfields import page_status, save_posted
from inspections.http import AuthenticatedHttpRequest
from inspections.models import ExtensionState, ForceImplementation
from inspections.responses import queries as letter_queries

from . import queries
from .context import item_context
from .forms import (
    AgreedDateForm,
    LeadOfficerForm,
    RecordUpdateForm,
    ReviewForm,
    SeveralUpdatesForm,
    TargetDateForm,
)


def back_to(request: AuthenticatedHttpRequest, implementation: ForceImplementation) -> str:
    """Where to land after a save: the page the user came from, if it is one of ours."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return item_url(implementation)


def item(request: AuthenticatedHttpRequest, force: str, inspection: str, ref: str) -> HttpResponse:
    implementation = queries.item_or_404(request.user, force, inspection, ref)
    context = item_context(request, implementation)
    extensions = list(followup.extensions_of(implementation))
    closures = followup.closures_of(implementation)
    user = request.user
    context.update(
        {
            "updates": queries.timeline(implementation),
            "revisions": queries.target_dates(implementation),
            "letter_sections": queries.letters_with(implementation),
            "waiting_on": list(implementation.blocking_dependencies.all()),
            "related": queries.related_findings(implementation),
            "actions": list(followup.actions_of(implementation)),
            "action_progress": followup.action_progress(implementation, clock.today()),
            "extensions": extensions,
            "extended": next(
                (e for e in reversed(extensions) if e.state == ExtensionState.APPROVED), None
            ),
            "closures": closures,
            "inspectorate": closures[-1] if closures else None,
            "may_manage_actions": permissions.can_manage_actions(user, implementation),
            "may_request_extension": not implementation.is_closed
            and permissions.can_request_extension(user, implementation),
            "may_record_closure": permissions.can_record_closure(user, implementation),
            "chief_comments": letter_queries.chief_comments_on(
                implementation.force_id, implementation.recommendation.inspection_id
            ),
        }
    )
    return render(request, "work/item.html", context)


def record_update(
    request: AuthenticatedHttpRequest, force: str, inspection: str, ref: str
) -> HttpResponse:
    implementation = queries.item_or_404(request.user, force, inspection, ref)
    if not permissions.can_record_update(request.user, implementation):
        raise PermissionDenied("You cannot record progress on this item.")
    form = RecordUpdateForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        implementation=implementation,
        author=request.user,
    )
    if save_posted(
        request,
        form,
        lambda data: services.record_update_from(
            implementation=implementation, author=request.user, data=data
        ),
        aliases={"__all__": "status"},
    ):
        messages.success(
            request,
            f"Update recorded for {implementation.recommendation.reference_in_text} "
            f"({implementation.force.name}).",
        )
        return redirect(back_to(request, implementation))
    form.ask_for_files_again()
    context = item_context(request, implementation)
    context.update(
        {
            "form": form,
            "next": request.POST.get("next") or context["next"],
            "evidence_max_mb": settings.TRACKER_EVIDENCE_MAX_MB,
        }
    )
    return render(request, "work/record_update.html", context)


def change_target_date(
    request: AuthenticatedHttpRequest, force: str, inspection: str, ref: str
) -> HttpResponse:
    implementation = queries.item_or_404(request.user, force, inspection, ref)
    if not permissions.can_change_target_date(request.user, implementation):
        raise PermissionDenied("You cannot change this item's target date.")
    form = TargetDateForm(
        request.POST if request.method == "POST" else None, implementation=implementation
    )
    if save_posted(
        request,
        form,
        lambda data: services.set_target_date(
            implementation=implementation,
            new_date=data["new_date"],
            reason=data.get("reason", ""),
            changed_by=request.user,
        ),
        aliases={"target_date_reason": "reason", "target_date": "new_date"},
    ):
        messages.success(
            request, f"Target date changed to {form.cleaned_data['new_date']:%-d %B %Y}."
        )
        return redirect(back_to(request, implementation))
    context = item_context(request, implementation)
    context.update(
        {
            "form": form,
            "next": request.POST.get("next") or context["next"],
            "may_request_extension": not implementation.is_closed
            and permissions.can_request_extension(request.user, implementation),
        }
    )
    return render(request, "work/target_date.html", context)


def change_lead_officer(
    request: AuthenticatedHttpRequest, force: str, inspection: str, ref: str
) -> HttpResponse:
    """Name who leads the work on an item (the owner packs and lists show)."""
    implementation = queries.item_or_404(request.user, force, inspection, ref)
    if not permissions.can_change_target_date(request.user, implementation):
        raise PermissionDenied("You cannot change who leads this item.")
    form = LeadOfficerForm(
        request.POST if request.method == "POST" else None,
        initial={"lead_officer": implementation.lead_officer, "version": implementation.version},
    )
    if save_posted(
        request,
        form,
        lambda data: services.update_implementation_plan(
            implementation=implementation,
            lead_officer=data["lead_officer"],
            target_date=implementation.target_date,
            target_date_reason="",
            expected_version=data["version"],
            changed_by=request.user,
        ),
    ):
        named = form.cleaned_data["lead_officer"].strip()
        messages.success(
            request, f"Lead officer: {named}." if named else "No lead officer is named now."
        )
        return redirect(back_to(request, implementation))
    context = item_context(request, implementation)
    context.update({"form": form, "next": request.POST.get("next") or context["next"]})
    return render(request, "work/lead_officer.html", context, status=page_status(form))


def agree_due_date(
    request: AuthenticatedHttpRequest, force: str, inspection: str, ref: str
) -> HttpResponse:
    implementation = queries.item_or_404(request.user, force, inspection, ref)
    if not permissions.can_agree_due_date(request.user, implementation):
        raise PermissionDenied("Only the office's PCC staff agree the date a finding falls due.")
    if implementation.recommendation.deadline_on is not None:
        raise Http404("The report gives this finding a deadline: ask for more time instead.")
    initial = {"on": implementation.agreed_due_date} if implementation.agreed_due_date else {}
    form = AgreedDateForm(request.POST if request.method == "POST" else None, initial=initial)
    if save_posted(
        request,
        form,
        lambda data: services.agree_due_date(
            implementation=implementation,
            on=data["on"],
            reason=data["reason"],
            agreed_by=request.user,
        ),
    ):
        messages.success(request, f"It now falls due on {form.cleaned_data['on']:%-d %B %Y}.")
        return redirect(back_to(request, implementation))
    context = item_context(request, implementation)
    context.update({"form": form, "next": request.POST.get("next") or context["next"]})
    return render(request, "work/agreed_date.html", context, status=page_status(form))


def sign_off_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "work/sign_off_queue.html",
        {
            "items": list(queries.awaiting_sign_off(request.user)),
            "may_review": permissions.is_force_lead(request.user),
        },
    )


def review(
    request: AuthenticatedHttpRequest, force: str, inspection: str, ref: str
) -> HttpResponse:
    implementation = queries.item_or_404(request.user, force, inspection, ref)
    if not permissions.can_sign_off(request.user, implementation):
        raise PermissionDenied("Only the force lead can sign off or return an item.")
    form = ReviewForm(request.POST if request.method == "POST" else None)
    template = "work/review.html"
    if request.method == "POST" and form.is_valid() and form.needs_check:
        template = "work/review_check.html"
    elif save_posted(
        request,
        form,
        lambda data: services.review_implementation(
            implementation=implementation,
            reviewer=request.user,
            sign_off=form.signs_off,
            note=data["evidence_note" if form.signs_off else "comment"],
        ),
        aliases={"__all__": "decision", "status": "decision"},
    ):
        outcome = "signed off as complete" if form.signs_off else "returned to PCC staff"
        messages.success(
            request,
            f"{implementation.recommendation.reference} {outcome}. PCC staff have been emailed.",
        )
        return redirect("sign-off")
    context = item_context(request, implementation)
    context.update(
        {
            "form": form,
            "latest": queries.timeline(implementation).first(),
        }
    )
    return render(request, template, context)


def several_updates(request: AuthenticatedHttpRequest, force: str, inspection: str) -> HttpResponse:
    found_force, found_inspection, items = queries.open_items(request.user, force, inspection)
    if not permissions.can_record_for_force(request.user, found_force):
        raise PermissionDenied("You cannot record progress for this force.")
    form = SeveralUpdatesForm(
        request.POST if request.method == "POST" else None, implementations=items
    )
    if request.method == "POST" and form.is_valid():
        today = clock.today()
        try:
            saved = services.record_several_updates(
                author=request.user,
                entries=[
                    services.UpdateEntry(implementation=item, status=status, narrative=narrative)
                    for item, status, narrative in form.changes()
                ],
                as_of=today,
            )
        except ValidationError as error:
            form.put_item_errors(error)
        else:
            messages.success(request, f"{len(saved)} updates recorded for {found_force.name}.")
            return redirect("force", found_force.slug)
    return render(
        request,
        "work/several_updates.html",
        {"form": form, "force": found_force, "inspection": found_inspection, "items": items},
    )
