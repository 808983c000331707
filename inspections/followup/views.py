"""The follow-up pages: a finding's local actions, asking for more time and deciding on it, the
inspectorate's closure, and the reports of actions and of extension requests. Thin: forms
check, services write, permissions decide."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from inspections import clock, permissions
from inspections.addresses import item_url
from inspections.formfields import page_status, save_posted
from inspections.http import AuthenticatedHttpRequest
from inspections.models import ActionStatus, ExtensionState, LocalAction
from inspections.reports.pages import (
    BadInput,
    export_format,
    force_url,
    handles_bad_input,
    page_of,
    respond,
)
from inspections.tables import Cell, Column, Table
from inspections.work import queries as work_queries
from inspections.work.context import item_context

from . import queries, services
from .forms import (
    ActionFilterForm,
    ClosureForm,
    ExtensionDecisionForm,
    ExtensionFilterForm,
    ExtensionRequestForm,
    LocalActionForm,
)


def local_action(
    request: AuthenticatedHttpRequest,
    force: str,
    inspection: str,
    ref: str,
    uuid: str | None = None,
) -> HttpResponse:
    implementation = work_queries.item_or_404(request.user, force, inspection, ref)
    if not permissions.can_manage_actions(request.user, implementation):
        raise PermissionDenied("You cannot change this item's actions.")
    action = queries.action_or_404(implementation, uuid) if uuid else None
    form = LocalActionForm(request.POST if request.method == "POST" else None, action=action)
    stale = False
    try:
        saved = save_posted(
            request,
            form,
            lambda data: services.save_local_action(
                implementation=implementation,
                by=request.user,
                description=data["description"],
                owner=data["owner"],
                due_date=data["due_date"],
                status=data["status"],
                action=action,
                version=data.get("version"),
            ),
        )
    except services.StaleEditError as error:
        form.add_error(None, str(error))
        saved, stale = None, True
    if saved:
        messages.success(request, "Action saved." if action else "Action added.")
        return redirect(item_url(implementation) + "#actions")
    context = item_context(request, implementation)
    context.update({"form": form, "action": action})
    return render(
        request, "followup/action.html", context, status=409 if stale else page_status(form)
    )


def extension_new(
    request: AuthenticatedHttpRequest, force: str, inspection: str, ref: str
) -> HttpResponse:
    implementation = work_queries.item_or_404(request.user, force, inspection, ref)
    if not permissions.can_request_extension(request.user, implementation):
        raise PermissionDenied("Only the force's own people can ask for more time.")
    form = ExtensionRequestForm(
        request.POST if request.method == "POST" else None, implementation=implementation
    )
    if save_posted(
        request,
        form,
        lambda data: services.request_extension(
            implementation=implementation,
            by=request.user,
            requested_date=data["requested_date"],
            reason=data["reason"],
        ),
    ):
        messages.success(
            request,
            "Extension requested. The office will decide; it is listed under extension "
            "requests until then.",
        )
        return redirect(item_url(implementation) + "#extensions")
    context = item_context(request, implementation)
    context["form"] = form
    return render(request, "followup/extension.html", context, status=page_status(form))


def extension_decide(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """Two steps, as GOV.UK does before an action that cannot be undone: the decision, then a
    check page that says what will change; only its confirmation writes."""
    extension = queries.extension_or_404(request.user, uuid)
    if not permissions.can_decide_extension(request.user, extension):
        raise PermissionDenied(
            "Only the force's PCC staff decide extension requests, and not on their own."
        )
    form = ExtensionDecisionForm(
        request.POST if request.method == "POST" else None, request=extension, user=request.user
    )
    template = "followup/decide.html"
    if request.method == "POST" and form.is_valid() and not form.cleaned_data.get("confirmed"):
        template = "followup/decide_check.html"
    elif save_posted(
        request,
        form,
        lambda data: services.decide_extension(
            request=extension, by=request.user, approve=form.approve, note=data["note"]
        ),
    ):
        outcome = "approved" if form.approve else "refused"
        messages.success(request, f"Extension request {outcome}.")
        return redirect("extensions")
    context = item_context(request, extension.implementation)
    context.update({"form": form, "extension": extension})
    return render(request, template, context, status=page_status(form))


def closure_new(
    request: AuthenticatedHttpRequest, force: str, inspection: str, ref: str
) -> HttpResponse:
    implementation = work_queries.item_or_404(request.user, force, inspection, ref)
    if not permissions.can_record_closure(request.user, implementation):
        raise PermissionDenied("Only the office's PCC staff record the inspectorate's letters.")
    form = ClosureForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        implementation=implementation,
    )
    if saved := save_posted(
        request,
        form,
        lambda data: services.record_closure(
            implementation=implementation,
            by=request.user,
            action=data["action"],
            on=data["on"],
            letter=data.get("letter"),
            url=data.get("url", ""),
            note=data.get("note", ""),
        ),
    ):
        messages.success(request, f"Recorded: {saved.value.get_action_display().lower()}.")
        return redirect(item_url(implementation) + "#inspectorate")
    context = item_context(request, implementation)
    context["form"] = form
    return render(request, "followup/closure.html", context, status=page_status(form))


def closure_letter(
    request: AuthenticatedHttpRequest, force: str, inspection: str, ref: str, uuid: str
) -> HttpResponseBase:
    implementation = work_queries.item_or_404(request.user, force, inspection, ref)
    closure = implementation.closures.filter(uuid=uuid).first()
    if closure is None or not closure.letter:
        raise Http404("No such letter.")
    return FileResponse(
        closure.letter.open("rb"), as_attachment=True, filename=closure.letter_name or "letter"
    )


# --- reports ----------------------------------------------------------------------------------


@handles_bad_input
def actions_report(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    today = clock.today()
    choice = ActionFilterForm(request.GET)
    if not choice.is_valid():
        raise BadInput(*choice.problems())
    rows = queries.actions(request.user, today)
    wanted = choice.cleaned_data
    if wanted.get("inspection") is not None:
        rows = rows.filter(implementation__recommendation__inspection=wanted["inspection"])
    if wanted.get("source"):
        rows = rows.filter(implementation__recommendation__inspection__source=wanted["source"])
    if wanted.get("status") == "open":
        rows = rows.open()
    elif wanted.get("status"):
        rows = rows.filter(status=wanted["status"])
    if wanted.get("overdue"):
        rows = rows.overdue(today)
    table = Table(
        "actions",
        "Local actions",
        [
            Column("Force"),
            Column("Inspection"),
            Column("Finding"),
            Column("Action"),
            Column("Owner"),
            Column("Due"),
            Column("Status"),
            Column("Overdue"),
        ],
        empty_message="No actions match.",
    )
    by_status = queries.action_counts(
        request.user, rows, filtered=any(value for value in wanted.values())
    )
    shown = (
        rows
        if export_format(request)
        else page_of(request, table, rows, count=sum(by_status.values()))
    )
    for action in shown:
        table.add(*action_cells(action))
    counts = {status.label: by_status[status] for status in ActionStatus if status in by_status}
    context = {"choice": choice, "counts": counts}
    return respond(request, "followup/actions_report.html", context, [table], "actions", today)


def action_cells(action: LocalAction) -> list[object]:
    implementation = action.implementation
    finding = implementation.recommendation
    return [
        Cell(implementation.force.name, url=force_url(implementation.force)),
        finding.inspection.list_name,
        Cell(finding.reference, url=item_url(implementation)),
        Cell(action.description, long_text=True),
        action.owner or "Not allocated",
        action.due_date,
        action.get_status_display(),
        # Annotated by queries.actions (with_overdue_flag).
        "Yes" if action.is_overdue else "",  # type: ignore[attr-defined]
    ]


@handles_bad_input
def extensions_report(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    today = clock.today()
    # Awaiting decision unless another state (or every state, "") is asked for, on every page.
    data = request.GET.copy()
    data.setdefault("state", ExtensionState.PENDING)
    choice = ExtensionFilterForm(data)
    if not choice.is_valid():
        raise BadInput(*choice.problems())
    rows = queries.extensions(request.user)
    if state := choice.cleaned_data.get("state"):
        rows = rows.filter(state=state)
    if source := choice.cleaned_data.get("source"):
        rows = rows.filter(implementation__recommendation__inspection__source=source)
    table = Table(
        "extensions",
        "Extension requests",
        [
            Column("Force"),
            Column("Finding"),
            Column("Deadline when asked"),
            Column("Date asked for"),
            Column("Reason"),
            Column("Asked by"),
            Column("State"),
            Column("Decision"),
        ],
        empty_message="No requests in this state.",
    )
    shown = rows if export_format(request) else page_of(request, table, rows)
    user = request.user
    for extension in shown:
        implementation = extension.implementation
        finding = implementation.recommendation
        decided = (
            f"{extension.decided_by.get_full_name() or extension.decided_by.username}, "
            f"{extension.decided_at:%-d %B %Y}"
            + (f": {extension.decision_note}" if extension.decision_note else "")
            if extension.decided_by is not None and extension.decided_at is not None
            else ""
        )
        may_decide = extension.is_pending and permissions.can_decide_extension(user, extension)
        state = Cell(
            extension.get_state_display(),
            url=reverse("extension-decide", args=[extension.uuid]) if may_decide else "",
        )
        table.add(
            Cell(implementation.force.name, url=force_url(implementation.force)),
            Cell(
                f"{finding.inspection.list_name}: {finding.reference}",
                url=item_url(implementation),
            ),
            extension.due_before,
            extension.requested_date,
            Cell(extension.reason, long_text=True),
            extension.requested_by.get_full_name() or extension.requested_by.username,
            state,
            Cell(decided, long_text=True),
        )
    context = {"choice": choice}
    return respond(
        request, "followup/extensions_report.html", context, [table], "extension-requests", today
    )
