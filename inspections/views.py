"""Views outside the admin. Thin: access is decided in permissions.py."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404

from . import permissions
from .http import AuthenticatedHttpRequest
from .models import EvidenceFile


@login_required
def evidence_file(request: AuthenticatedHttpRequest, uuid: str) -> FileResponse:
    """An evidence file, only for people who may read that force's updates. Files are never
    served straight from storage, where anyone with the address could fetch them."""
    visible = permissions.scope_queryset(request.user, EvidenceFile.objects.all())
    stored = get_object_or_404(visible, uuid=uuid)
    name = PurePosixPath(stored.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=content_type,
    )
