"""The meeting pack pages: the packs a user may read, making one, reading one back and its
files. Thin: the form checks, the service makes, permissions decide."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from inspections import permissions
from inspections.formfields import page_status
from inspections.http import AuthenticatedHttpRequest
from inspections.models import MeetingPack

from . import render as render_files
from . import services
from .forms import MeetingPackForm


def visible_packs(request: AuthenticatedHttpRequest) -> QuerySet[MeetingPack]:
    return permissions.scope_queryset(request.user, MeetingPack.objects.all()).select_related(
        "force", "region", "created_by"
    )


def pack_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    # A national administrator may make any area's pack; a force's office, its own force's.
    may_make = permissions.can_make_pack(user, force=user.force, region=None)
    form = MeetingPackForm(
        request.POST if request.method == "POST" else None,
        user=user,
        rag_rule=services.chosen_rag_rule(user.force),
    )
    if request.method == "POST":
        if not may_make:
            raise PermissionDenied(
                "Only a force's PCC staff or a national administrator make packs."
            )
        if form.is_valid():
            force, region = form.chosen_area()
            if not permissions.can_make_pack(user, force=force, region=region):
                raise PermissionDenied("You cannot make a pack for that area.")
            pack = services.make_meeting_pack(
                force=force,
                region=region,
                meeting_date=form.cleaned_data["meeting_date"],
                rag_rule=form.cleaned_data["rag_rule"],
                as_at=form.cleaned_data["as_at"],
                marking=form.cleaned_data["marking"],
                by=user,
            )
            messages.success(
                request,
                "Meeting pack made. It is kept as it is now."
                + (
                    ""
                    if pack.files_ready
                    else " It is large: its Word and PDF files are being written and will be "
                    "here within a few minutes."
                ),
            )
            return redirect("meeting-pack", uuid=pack.uuid)
    return render(
        request,
        "meetings/list.html",
        {
            # A pack's snapshot can be megabytes; the list needs none of it.
            "packs": visible_packs(request).defer("snapshot")[:100],
            "form": form if may_make else None,
        },
        status=page_status(form),
    )


def pack_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    pack = get_object_or_404(visible_packs(request), uuid=uuid)
    # Only the previous pack's address: its snapshot can be megabytes.
    previous_uuid = (
        MeetingPack.objects.filter(pk=pack.previous_id).values_list("uuid", flat=True).first()
        if pack.previous_id is not None
        else None
    )
    return render(
        request,
        "meetings/detail.html",
        {
            "pack": pack,
            "content": pack.snapshot,
            "previous_uuid": previous_uuid,
            "paper_title": render_files.title(pack.snapshot),
        },
    )


def pack_file(request: AuthenticatedHttpRequest, uuid: str, fmt: str) -> FileResponse:
    pack = get_object_or_404(visible_packs(request), uuid=uuid)
    files = {"docx": pack.docx, "pdf": pack.pdf, "xlsx": pack.annex}
    if fmt not in files:
        raise Http404("A pack is a DOCX or a PDF, and a region's has a spreadsheet annex.")
    stored = files[fmt]
    if not stored:
        raise Http404("The pack's files are still being written: try again in a few minutes.")
    return FileResponse(
        stored.open("rb"), as_attachment=True, filename=(stored.name or fmt).rsplit("/", 1)[-1]
    )
