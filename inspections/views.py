"""Views outside the admin. Thin: access is decided in permissions.py."""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_not_required, login_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views import defaults
from django.views.decorators.http import require_safe

from inspections.addresses import API_PREFIX

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


# Once every migration is applied it stays so for this process's code: checked once.
_migrated = False


@login_not_required
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database answers and every migration is applied, 503
    saying which is not. Outside sign-in, and outside the HTTPS redirect (settings)."""
    global _migrated
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        problems.append("the database does not answer")
    else:
        if not _migrated:
            executor = MigrationExecutor(connection)
            waiting = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if waiting:
                problems.append(f"{len(waiting)} migration{'s'[: len(waiting) != 1]} not applied")
            _migrated = not waiting
    if problems:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ok"})


# Django's answers for a request refused before (or outside) a view: a bad Host header, an address
# that matches nothing, a refusal, a failure. The API promises JSON in every answer, so under its
# prefix each is JSON with a "detail", as the API's own errors are; elsewhere they are Django's
# pages (templates/400.html and the others).
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "The request was not understood."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "You may not read this."}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "There is nothing at this address."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "The service failed; try again later."}, status=500)
    return defaults.server_error(request)
