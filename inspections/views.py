"""Views outside the admin. Thin: access is decided in permissions.py."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from . import permissions
from .models import ProgressUpdate


@login_required
def evidence_file(request: HttpRequest, update_id: int) -> FileResponse:
    """An update's evidence file, only for people who may read that force's updates. Files are
    never served straight from storage, where anyone with the address could fetch them."""
    visible = permissions.scope_queryset(request.user, ProgressUpdate.objects.all())
    update = get_object_or_404(visible, pk=update_id)
    if not update.evidence_file:
        raise Http404("This update has no evidence file.")
    name = PurePosixPath(update.evidence_file.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(
        update.evidence_file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=content_type,
    )
