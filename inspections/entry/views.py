"""Enter a report and all its findings on one page, check them, publish them to forces."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from inspections import clock, permissions, services
from inspections.formfields import page_status, put_errors, save_posted
from inspections.http import AuthenticatedHttpRequest
from inspections.models import Dependency, Force, Inspection
from inspections.reader import DocumentRefused, read_report
from inspections.reports import queries as report_queries
from inspections.text import is_plain_number

from . import queries
from .forms import (
    CorrectionForm,
    DeliveryForm,
    DependencyForm,
    FindingForm,
    ImportForm,
    ReportForm,
    delivery_recorded,
    findings_formset,
)

# Blank rows offered for findings on a new report, and added by "Add another finding".
NEW_ROWS = 5


def report_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_enter_reports(request.user):
        raise PermissionDenied("National administrators and PCC staff enter reports.")
    return entry_page(request, Inspection())


def report_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Read a report's document and keep what was read as a draft, for checking finding by
    finding on the entry page before it is published to anyone."""
    if not permissions.can_enter_reports(request.user):
        raise PermissionDenied("National administrators and PCC staff enter reports.")
    form = ImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            reading = read_report(form.data_to_read())
            if not reading.findings and reading.source:
                raise DocumentRefused(
                    "It reads as a coroner's report, but no matter of concern could be read in "
                    "it: they follow 'The MATTERS OF CONCERN are as follows' under 'CORONER'S "
                    "CONCERNS'. Enter the report by hand instead."
                )
            if not reading.findings:
                raise DocumentRefused(
                    "No finding could be read in it: findings start with words like "
                    "'Recommendation 3:', 'Cause of concern' or 'Area for improvement'. Enter "
                    "the report by hand instead."
                )
            report = services.save_read_report(
                reading=reading,
                author=request.user,
                own_force=own_force(request),
                today=clock.today(),
            )
        except (DocumentRefused, ValidationError) as error:
            form.add_error(
                None, error.message if isinstance(error, ValidationError) else str(error)
            )
        else:
            unsure = sum(1 for finding in reading.findings if finding.unsure)
            messages.success(
                request,
                f"{len(reading.findings)} findings read from the report"
                + (f", {unsure} marked for checking" if unsure else "")
                + ". Check each against the report's words, change what is wrong, then save.",
            )
            return redirect("report-edit", report.slug)
    return render(request, "entry/import.html", {"form": form})


def entry_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where national administrators and PCC staff enter and correct what the tracker holds:
    reports and their findings, national work, their force's sheet."""
    if not permissions.may_enter_data(request.user):
        raise PermissionDenied("National administrators and PCC staff enter data.")
    reports = permissions.enterable_reports(
        request.user, Inspection.objects.annotate(findings=Count("recommendations"))
    ).order_by("-published", "title")
    context = {
        "drafts": reports.drafts(),
        "published": reports.released(),
        "dependencies": (
            queries.dependencies_to_enter() if permissions.is_national_admin(request.user) else None
        ),
        "back_office": permissions.may_use_admin(request.user),
    }
    return render(request, "entry/index.html", context)


def report_edit(request: AuthenticatedHttpRequest, inspection: str) -> HttpResponse:
    return entry_page(request, report_or_404(request, inspection))


def report_or_404(request: AuthenticatedHttpRequest, slug: str) -> Inspection:
    report = get_object_or_404(Inspection.objects.all(), slug=slug)
    if not permissions.can_enter_report(request.user, report):
        raise PermissionDenied("This report is entered by the national administrators.")
    return report


def draft_or_404(request: AuthenticatedHttpRequest, slug: str) -> Inspection:
    report = report_or_404(request, slug)
    if not report.is_draft:
        raise Http404("This report has been published to forces.")
    return report


def own_force(request: AuthenticatedHttpRequest) -> Force | None:
    """PCC staff enter reports for their own force alone."""
    return None if permissions.is_national_admin(request.user) else request.user.force


def entry_page(request: AuthenticatedHttpRequest, report: Inspection) -> HttpResponse:
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and "add_row" in data:
        rows = data.get("finding-TOTAL_FORMS") or "0"
        index = int(rows) if is_plain_number(rows) else 0
        data["finding-TOTAL_FORMS"] = str(index + 1)
        # The new row starts as every new row does (a local recommendation for chief
        # constables), so that leaving it empty still means "no finding".
        for name, value in FindingForm.row_defaults().items():
            data[f"finding-{index}-{name}"] = value
    form = ReportForm(data, instance=report, own_force=own_force(request))
    findings = findings_formset(data, report=report, rows=NEW_ROWS if not report.pk else 1)
    if data is not None and "add_row" not in data and form.is_valid() and findings.is_valid():
        kept, removed = findings.findings()
        if not kept:
            put_errors(form, ValidationError("Enter at least one finding of the report."), {})
        else:
            try:
                with transaction.atomic():
                    saved = services.save_report(
                        inspection=form.save(),
                        forces=form.chosen_forces(),
                        findings=kept,
                        removed=removed,
                        author=request.user,
                    )
            except ValidationError as error:
                put_errors(form, error, {})
            else:
                if saved.is_draft:
                    return redirect("report-publish", saved.slug)
                messages.success(request, f"{saved.title}: your corrections are saved.")
                return redirect("entry")
    context = {"form": form, "findings": findings, "report": report}
    return render(
        request,
        "entry/report.html",
        context,
        status=400 if data and (form.errors or findings.total_error_count()) else 200,
    )


def report_publish(request: AuthenticatedHttpRequest, inspection: str) -> HttpResponse:
    """The check page: everything entered, and who will be told; then publish to forces."""
    report = draft_or_404(request, inspection)
    forces = list(Force.objects.addressed_by(report).order_by("name"))
    problem = ""
    if request.method == "POST":
        try:
            told = services.publish_to_forces(inspection=report, by=request.user)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(
                request,
                f"{report.title} published to {told} force{'s'[: told != 1]}: their PCC staff "
                "have been told when the s.55 response is due.",
            )
            return redirect("matrix")
    context = {
        "report": report,
        "findings": report.recommendations.select_related("cause_of_concern"),
        "forces": forces,
        "problem": problem,
    }
    return render(request, "entry/publish.html", context)


def dependency_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    return dependency_page(request, Dependency())


def dependency_change(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    return dependency_page(request, get_object_or_404(Dependency, key=key))


def dependency_page(request: AuthenticatedHttpRequest, dependency: Dependency) -> HttpResponse:
    """Add national or regional work, or change it and the findings that wait on it."""
    if not permissions.is_national_admin(request.user):
        raise PermissionDenied("National administrators keep the national work.")
    form = DependencyForm(request.POST or None, instance=dependency)
    if saved := save_posted(
        request,
        form,
        lambda data: services.save_dependency(
            dependency=form.save(commit=False),
            findings=data["recommendations"],
            author=request.user,
        ),
    ):
        messages.success(request, f"{saved.value.title}: saved.")
        return redirect("entry")
    context = {"form": form, "dependency": dependency}
    return render(request, "entry/dependency.html", context, status=page_status(form))


def dependency_correct(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    """Put right a status recorded by mistake, after saying how many items name it; no email
    is sent."""
    if not permissions.is_national_admin(request.user):
        raise PermissionDenied("National administrators correct what national work did.")
    dependency = get_object_or_404(Dependency, key=key)
    form = CorrectionForm(request.POST or None)
    if saved := save_posted(
        request,
        form,
        lambda data: services.correct_dependency_status(
            dependency=dependency,
            status=data["status"],
            on=data["on"],
            reason=data["reason"],
            changed_by=request.user,
        ),
    ):
        moved = len(saved.value)
        messages.success(
            request, f"Status corrected. {moved} item{'s'[: moved != 1]} changed state."
        )
        return redirect("entry")
    naming = dependency.blocked_implementations.count()
    context = {"dependency": dependency, "form": form, "naming": naming}
    return render(request, "entry/correct.html", context, status=page_status(form))


def dependency_delivered(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    """Record national or regional work delivered or withdrawn: the form, then a check page
    naming every force that will be emailed, then the record."""
    if not permissions.is_national_admin(request.user):
        raise PermissionDenied("National administrators record what national work delivered.")
    dependency = get_object_or_404(report_queries.pending_dependencies(), key=key)
    form = DeliveryForm(request.POST or None)
    template = "entry/delivered.html"
    if request.method == "POST" and form.is_valid() and not form.cleaned_data["confirmed"]:
        template = "entry/delivered_check.html"
    elif saved := save_posted(
        request,
        form,
        lambda data: services.close_dependency(
            dependency=dependency,
            status=data["status"],
            on=data["on"],
            url=data["url"],
            changed_by=request.user,
        ),
    ):
        messages.success(request, delivery_recorded(saved.value))
        for email in queries.unsent_notices(dependency):
            messages.warning(
                request,
                f"The email to {', '.join(email.recipients)} could not be sent "
                f"({email.last_error or 'not tried yet'}). It is kept and will be "
                "tried again by the next reminders run.",
            )
        return redirect("dependencies")
    context = {"dependency": dependency, "form": form, "forces": list(queries.freed_by(dependency))}
    return render(request, template, context, status=page_status(form))
