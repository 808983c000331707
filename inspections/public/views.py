"""The public pages: each force's published responses (the s.55 response to an inspection, a
response to a coroner or the IOPC…), and every force's per report, grouped by source.
No sign-in. Only what ``Publication.objects.public()`` returns is ever reachable here: the letter
as sent and its dates, nothing unpublished, no draft, no note. The pages are the same for
everyone (no signed-in header), so browsers and proxies may cache them."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from inspections.models import Force, Publication, ResponseDuty, Source, duty_of

CACHE_SECONDS = 300


def published() -> QuerySet[Publication]:
    return Publication.objects.public().select_related(
        "force__region", "inspection", "letter", "sent_elsewhere", "chief_comments"
    )


def public_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    # The same page for everyone (a shared cache may keep it): no signed-in header, no menu,
    # and none of a signed-in person's pending messages, which stay for their next own page.
    return render(
        request,
        template,
        {**context, "user": AnonymousUser(), "nav_items": [], "messages": [], "public": True},
    )


def grouped_by_source[T](
    items: list[T], source_of: Callable[[T], str]
) -> list[tuple[Source, ResponseDuty, list[T]]]:
    """(source, its duty, its items) for each source that has any, in the sources' order."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(source_of(item), []).append(item)
    return [(source, duty_of(source), groups[source]) for source in Source if source in groups]


@login_not_required
@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def national(request: HttpRequest) -> HttpResponse:
    """Every published response, by source (HMICFRS, IOPC, coroners…) and then by report."""
    rows = published().order_by("-inspection__published", "inspection__title", "force__name")
    by_inspection = [
        (inspection, list(items)) for inspection, items in groupby(rows, key=lambda p: p.inspection)
    ]
    by_source = grouped_by_source(by_inspection, lambda pair: pair[0].source)
    return public_page(request, "public/national.html", {"by_source": by_source})


@login_not_required
@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def force(request: HttpRequest, slug: str) -> HttpResponse:
    chosen = get_object_or_404(Force.objects.select_related("region"), slug=slug)
    rows = list(published().filter(force=chosen).order_by("-inspection__published", "sent_on"))
    by_source = grouped_by_source(rows, lambda publication: publication.inspection.source)
    return public_page(
        request,
        "public/force.html",
        {"force": chosen, "publications": rows, "by_source": by_source},
    )


@login_not_required
@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def letter(request: HttpRequest, uuid: str) -> FileResponse:
    publication = get_object_or_404(published(), uuid=uuid)
    name = f"{publication.force.slug}-{publication.inspection.slug}-response"
    if publication.letter is not None:
        return FileResponse(
            publication.letter.pdf_file.open("rb"),
            filename=f"{name}-{publication.sent_on:%Y-%m-%d}.pdf",
            content_type="application/pdf",
        )
    sent = publication.sent_elsewhere
    if sent is None:  # a publication is of exactly one letter (a database constraint)
        raise Http404("No such published letter.")
    extension = sent.file_name.rsplit(".", 1)[-1].lower()
    return FileResponse(
        sent.file.open("rb"),
        as_attachment=extension != "pdf",
        filename=f"{name}-{publication.sent_on:%Y-%m-%d}.{extension}",
    )


@login_not_required
@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def comments(request: HttpRequest, uuid: str) -> HttpResponse:
    """The chief constable's comments published with a response, and the office's answer."""
    publication = get_object_or_404(published().exclude(chief_comments=None), uuid=uuid)
    return public_page(request, "public/comments.html", {"publication": publication})


@login_not_required
@require_safe
@cache_control(public=True, max_age=CACHE_SECONDS)
def comments_file(request: HttpRequest, uuid: str) -> FileResponse:
    # The copy published, never the record as it is now.
    publication = get_object_or_404(
        published().exclude(chief_comments=None).exclude(comments_file=""), uuid=uuid
    )
    return FileResponse(
        publication.comments_file.open("rb"),
        as_attachment=True,
        filename=publication.comments_file_name,
    )
