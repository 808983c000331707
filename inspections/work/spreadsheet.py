"""A force's spreadsheet round trip on service pages: download the sheet, upload it edited,
check every change, confirm. The same core (``importers``) as the command line, so the same
rules, all or nothing, and the same messages."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from inspections import clock, importers, permissions, staging
from inspections.formfields import page_status
from inspections.http import AuthenticatedHttpRequest
from inspections.models import Force, ForceImplementation, Inspection

from .forms import SheetDownloadForm, SheetUploadForm

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def force_for_upload(request: AuthenticatedHttpRequest, slug: str) -> Force:
    force = permissions.visible_force_or_404(request.user, slug)
    if not permissions.can_record_for_force(request.user, force):
        raise PermissionDenied("You cannot record progress for this force.")
    return force


def sheet_page(request: AuthenticatedHttpRequest, force: str) -> HttpResponse:
    """Download the force's sheet; upload it edited."""
    found = force_for_upload(request, force)
    form = SheetUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data, extension = form.cleaned_data["sheet"]
        key = staging.stage(request.user.pk, data, extension)
        return redirect("force-sheet-check", found.slug, key)
    context = {
        "force": found,
        "form": form,
        "inspections": Inspection.objects.with_items_for(found),
    }
    return render(request, "work/sheet.html", context, status=page_status(form))


def sheet_download(request: AuthenticatedHttpRequest, force: str) -> HttpResponse:
    found = force_for_upload(request, force)
    form = SheetDownloadForm(request.GET)
    if not form.is_valid():
        raise Http404("There is no such sheet.")
    items = ForceImplementation.objects.filter(force=found)
    stem = f"progress-updates-{found.slug}"
    if slug := form.cleaned_data["inspection"]:
        inspection = Inspection.objects.with_items_for(found).filter(slug=slug).first()
        if inspection is None:
            raise Http404("The force has no items on that report.")
        items = items.filter(recommendation__inspection=inspection)
        stem += f"-{inspection.slug}"
    extension = form.cleaned_data["format"]
    data = importers.sheet_file(importers.sheet_implementations(items), extension)
    response = HttpResponse(data, content_type=CONTENT_TYPES[extension])
    filename = f"{stem}-{clock.today():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def sheet_check(request: AuthenticatedHttpRequest, force: str, key: uuid.UUID) -> HttpResponse:
    """Every change the uploaded sheet makes, checked again; confirmed, recorded at once."""
    found = force_for_upload(request, force)
    kept = staging.staged(request.user.pk, key)
    if kept is None:
        messages.error(
            request,
            "That upload is no longer kept (uploads are kept for a day): upload the sheet again.",
        )
        return redirect("force-sheet", found.slug)
    data, extension = kept
    today = clock.today()
    try:
        headers, rows = importers.read_table(data, f"sheet.{extension}")
        plan = importers.plan_import(headers, rows, user=request.user, today=today)
    except importers.ImportFileError as error:
        plan, problem = None, str(error)
    else:
        problem = ""
    if request.method == "POST" and plan is not None and plan.ok:
        try:
            recorded = importers.apply_plan(plan, user=request.user, today=today)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            staging.discard(request.user.pk, key)
            messages.success(
                request, f"{len(recorded)} update{'s'[: len(recorded) != 1]} recorded."
            )
            return redirect("force", found.slug)
    context = {"force": found, "plan": plan, "problem": problem, "key": key}
    return render(request, "work/sheet_check.html", context)
