"""The endpoints. Each reads the same QuerySets the pages read, scoped by ``permissions`` to what
the key's reader may see, in a stable order (by id) with a cursor: ``?after=<cursor>&limit=``
(at most 1,000 rows a page); each page carries an ETag (``ConditionalApiGet``)."""

from __future__ import annotations

import base64
import binascii
import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import HttpError, ValidationError

from inspections import clock, exports, permissions
from inspections.addresses import absolute, item_path
from inspections.models import (
    Dependency,
    ExtensionRequest,
    ForceImplementation,
    Inspection,
    LetterStatus,
    LocalAction,
    MeetingPack,
    ProgressLetter,
    ProgressUpdate,
    Recommendation,
    Source,
    User,
)
from inspections.models.attention import Attention, ImplementationQuerySet
from inspections.models.finding_words import finding_ref
from inspections.reports import downloads
from inspections.reports import queries as report_queries
from inspections.responses import queries as response_queries

from . import schemas
from .auth import BearerKey, QueryKey

MAX_PAGE = 1000

api = NinjaAPI(
    title="Inspection recommendation tracker",
    version="1",
    description="Read-only. Send a key as 'Authorization: Bearer <key>' or as '?key=<key>'. A "
    "force's key reads that force's items, as its scrutiny members do; a national key reads "
    "every force's, as the viewer does.",
    auth=[BearerKey(), QueryKey()],
    urls_namespace="api",
    docs_url=None,
)


@api.exception_handler(ValidationError)
def refused_parameters(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A parameter that cannot be read is a 400 that says which and why, in plain words."""
    problems = [
        f"{'.'.join(str(part) for part in problem.get('loc', ())[1:]) or 'query'}: "
        f"{problem.get('msg', 'not valid')}"
        for problem in error.errors
    ]
    return api.create_response(request, {"detail": "; ".join(problems)}, status=400)


def answers(page: type[Schema], *, missing: bool = False) -> dict[int, type[Schema]]:
    """What an endpoint may answer, for its description: a page, or a problem in plain words
    (a parameter it cannot read; no key or a wrong one; a report that does not exist)."""
    codes: dict[int, type[Schema]] = {200: page, 400: schemas.Problem, 401: schemas.Problem}
    if missing:
        codes[404] = schemas.Problem
    return codes


class PageQuery(Schema):
    after: str | None = None
    limit: int = Field(MAX_PAGE, ge=1, le=MAX_PAGE)


class Scope(Schema):
    inspection: str | None = None
    source: Source | None = None
    force: str | None = None


class ItemFilters(PageQuery, Scope):
    pass


class TableFilters(Scope):
    """The whole implementations table as CSV: no pages, the same filters."""

    state: str | None = None
    overdue: bool | None = None


class ImplementationFilters(ItemFilters):
    state: str | None = None
    overdue: bool | None = None


def reader(request: HttpRequest) -> User:
    user = getattr(request, "auth", None)
    assert isinstance(user, User)
    return user


def cursor_of(pk: int) -> str:
    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


def pk_of(cursor: str) -> int:
    try:
        value = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise HttpError(400, "The 'after' cursor is not one this API gave out.") from error


def page[R](
    request: HttpRequest, queryset: QuerySet[Any, R], paging: PageQuery
) -> tuple[list[R], str | None]:
    """One page of rows in id order (models, or ``values()`` dicts holding "pk"), and the
    address of the next page if there is one."""
    if paging.after:
        queryset = queryset.filter(pk__gt=pk_of(paging.after))
    rows = list(queryset.order_by("pk")[: paging.limit + 1])
    more = len(rows) > paging.limit
    rows = rows[: paging.limit]
    if not more:
        return rows, None
    last = rows[-1]
    query = {k: v for k, v in request.GET.items() if k not in {"after", "key"}}
    query["after"] = cursor_of(last["pk"] if isinstance(last, dict) else last.pk)  # type: ignore[attr-defined]
    return rows, absolute(f"{request.path}?{urlencode(query)}")


def filtered[QS: QuerySet[Any]](queryset: QS, filters: Scope, prefix: str) -> QS:
    if filters.inspection:
        queryset = queryset.filter(**{f"{prefix}inspection__slug": filters.inspection})
    if filters.source:
        queryset = queryset.filter(**{f"{prefix}inspection__source": filters.source})
    return queryset


def readable[QS: QuerySet[Any]](
    request: HttpRequest, queryset: QS, filters: Scope, inspection_prefix: str
) -> QS:
    """A force's rows as the key's reader may see them, by report and by force: each model's
    way to its force is the one ``permissions`` scopes by."""
    queryset = filtered(
        permissions.scope_queryset(reader(request), queryset), filters, inspection_prefix
    )
    if filters.force:
        path = permissions.FORCE_PATHS[queryset.model]
        queryset = queryset.filter(**{f"{path}__slug": filters.force})
    return queryset


@api.get("/inspections/", response=answers(schemas.InspectionPage), url_name="inspections")
def inspections(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, Any]:
    rows, next_page = page(request, Inspection.objects.released(), paging)
    return {
        "items": [
            {
                "slug": report.slug,
                "title": report.title,
                "short_title": report.short_title,
                "source": report.source,
                "inspectorate": report.issued_by,
                "published": report.published,
                "sent_on": report.sent_on,
                "response_due": report.response_due,
                "addressed_to": report.addressed_to,
                "url": report.url,
            }
            for report in rows
        ],
        "next": next_page,
    }


@api.get("/findings/", response=answers(schemas.FindingPage), url_name="findings")
def findings(request: HttpRequest, filters: Query[ItemFilters]) -> dict[str, Any]:
    queryset = Recommendation.objects.filter(inspection__released_at__isnull=False)
    queryset = filtered(queryset, filters, "").select_related("inspection", "cause_of_concern")
    rows, next_page = page(request, queryset, filters)
    return {
        "items": [
            {
                "id": f.pk,
                "inspection": f.inspection.slug,
                "kind": f.kind,
                "number": f.number,
                "reference": f.reference,
                "cause_of_concern": f.cause_of_concern.number if f.cause_of_concern else None,
                "scope": f.scope,
                "addressee": f.addressee,
                "deadline_kind": f.deadline_kind,
                "deadline": f.deadline,
                "deadline_months": f.deadline_months,
                "short_title": f.short_title,
                "text": f.text,
            }
            for f in rows
        ],
        "next": next_page,
    }


@api.get(
    "/implementations/", response=answers(schemas.ImplementationPage), url_name="implementations"
)
def implementations(request: HttpRequest, filters: Query[ImplementationFilters]) -> dict[str, Any]:
    today = clock.today()
    queryset = implementations_read(request, filters, today)
    # Plain values, not model instances: building 1,000 models with their force, finding and
    # report took most of a page's time (profiled: 118 ms a page against 13 ms of SQL).
    flagged = queryset.with_overdue_flag(today).with_due_soon_flag(today)
    rows, next_page = page(request, flagged.values(*IMPLEMENTATION_VALUES), filters)
    items = []
    for row in rows:
        force, inspection = row["force__slug"], row["recommendation__inspection__slug"]
        kind, number = row["recommendation__kind"], row["recommendation__number"]
        items.append(
            {
                "id": row["pk"],
                "force": force,
                "force_name": row["force__name"],
                "inspection": inspection,
                "source": row["recommendation__inspection__source"],
                "kind": kind,
                "number": number,
                "status": row["status"],
                "state": row["state"],
                "due_date": row["due_date"],
                "target_date": row["target_date"],
                "overdue": row["is_overdue"],
                "due_soon": row["is_due_soon"],
                "next_actor": row["next_actor"],
                "last_activity": row["last_activity"],
                "url": absolute(item_path(force, inspection, finding_ref(kind, number))),
            }
        )
    return {"items": items, "next": next_page}


IMPLEMENTATION_VALUES = (
    "pk",
    "force__slug",
    "force__name",
    "recommendation__inspection__slug",
    "recommendation__inspection__source",
    "recommendation__kind",
    "recommendation__number",
    "status",
    "state",
    "due_date",
    "target_date",
    "is_overdue",
    "is_due_soon",
    "next_actor",
    "last_activity",
)


def implementations_read(
    request: HttpRequest, filters: ImplementationFilters | TableFilters, today: datetime.date
) -> ImplementationQuerySet:
    """The implementations the key's reader sees, filtered as the report pages filter them."""
    queryset = readable(request, ForceImplementation.objects.all(), filters, "recommendation__")
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.overdue is True:
        queryset = queryset.overdue(today)
    elif filters.overdue is False:
        queryset = queryset.exclude(Attention.overdue(today))
    return queryset


CSV_DESCRIPTION = {
    "responses": {
        200: {
            "description": "Every row, as the reports' CSV exports write them (UTF-8 with BOM).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


@api.get(
    "/implementations.csv",
    response={400: schemas.Problem, 401: schemas.Problem},
    url_name="implementations-csv",
    openapi_extra=CSV_DESCRIPTION,
)
def implementations_csv(
    request: HttpRequest, filters: Query[TableFilters]
) -> StreamingHttpResponse:
    """The whole implementations table in one download, unpaginated: the same stream, columns
    and derived states as a report's CSV export, for tools that refresh from a file."""
    today = clock.today()
    listed = report_queries.listed_with_flags(implementations_read(request, filters, today), today)
    sheet = downloads.implementation_sheet("Implementations", listed, flags=True)
    return exports.as_csv(sheet, "implementations", today)


@api.get(
    "/progress-updates/", response=answers(schemas.ProgressUpdatePage), url_name="progress-updates"
)
def progress_updates(request: HttpRequest, filters: Query[ItemFilters]) -> dict[str, Any]:
    queryset = readable(
        request, ProgressUpdate.objects.all(), filters, "implementation__recommendation__"
    )
    # Internal notes are never read here: only the fields the schema names.
    queryset = queryset.select_related(
        "implementation__force", "implementation__recommendation__inspection"
    ).only(
        "id",
        "implementation__id",
        "implementation__force__slug",
        "implementation__recommendation__kind",
        "implementation__recommendation__number",
        "implementation__recommendation__inspection__slug",
        "status",
        "as_of",
        "narrative",
        "evidence_note",
        "returned",
        "created_at",
    )
    rows, next_page = page(request, queryset, filters)
    return {
        "items": [
            {
                "id": u.pk,
                "implementation": u.implementation_id,
                "force": u.implementation.force.slug,
                "inspection": u.implementation.recommendation.inspection.slug,
                "kind": u.implementation.recommendation.kind,
                "number": u.implementation.recommendation.number,
                "status": u.status,
                "as_of": u.as_of,
                "narrative": u.narrative,
                "evidence_note": u.evidence_note,
                "returned": u.returned,
                "created_at": u.created_at,
            }
            for u in rows
        ],
        "next": next_page,
    }


@api.get("/dependencies/", response=answers(schemas.DependencyPage), url_name="dependencies")
def dependencies(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, Any]:
    rows, next_page = page(request, Dependency.objects.all(), paging)
    return {"items": rows, "next": next_page}


@api.get("/letters/", response=answers(schemas.LetterPage), url_name="letters")
def letters(request: HttpRequest, filters: Query[ItemFilters]) -> dict[str, Any]:
    """Letters as sent (metadata only; the files are on the public pages once published)."""
    queryset = readable(
        request, ProgressLetter.objects.filter(status=LetterStatus.ISSUED), filters, ""
    )
    rows, next_page = page(request, queryset.select_related("force", "inspection"), filters)
    return {
        "items": [
            {
                "uuid": str(letter.uuid),
                "force": letter.force.slug,
                "inspection": letter.inspection.slug,
                "purpose": letter.purpose,
                "issued_on": letter.issued_on,
            }
            for letter in rows
        ],
        "next": next_page,
    }


@api.get("/local-actions/", response=answers(schemas.LocalActionPage), url_name="local-actions")
def local_actions(request: HttpRequest, filters: Query[ItemFilters]) -> dict[str, Any]:
    queryset = readable(
        request, LocalAction.objects.all(), filters, "implementation__recommendation__"
    )
    rows, next_page = page(request, queryset.select_related("force"), filters)
    return {
        "items": [
            {
                "uuid": str(a.uuid),
                "implementation": a.implementation_id,
                "force": a.force.slug,
                "description": a.description,
                "owner": a.owner,
                "due_date": a.due_date,
                "status": a.status,
                "created_at": a.created_at,
            }
            for a in rows
        ],
        "next": next_page,
    }


@api.get(
    "/extension-requests/",
    response=answers(schemas.ExtensionRequestPage),
    url_name="extension-requests",
)
def extension_requests(request: HttpRequest, filters: Query[ItemFilters]) -> dict[str, Any]:
    queryset = readable(
        request, ExtensionRequest.objects.all(), filters, "implementation__recommendation__"
    )
    rows, next_page = page(request, queryset.select_related("force"), filters)
    return {
        "items": [
            {
                "uuid": str(e.uuid),
                "implementation": e.implementation_id,
                "force": e.force.slug,
                "due_before": e.due_before,
                "requested_date": e.requested_date,
                "reason": e.reason,
                "state": e.state,
                "decided_at": e.decided_at,
                "decision_note": e.decision_note,
            }
            for e in rows
        ],
        "next": next_page,
    }


class ResponseFilters(Schema):
    inspection: str


@api.get(
    "/s55-responses/",
    response=answers(schemas.ResponsePage, missing=True),
    url_name="s55-responses",
)
def s55_responses(request: HttpRequest, filters: Query[ResponseFilters]) -> dict[str, Any]:
    """Each force's s.55 response to one report: when it was due, when it was sent, and whether
    on time (the s.55 tracker's own rows). At most one row per force: one page."""
    inspection = Inspection.objects.released().filter(slug=filters.inspection).first()
    if inspection is None:
        raise HttpError(404, f"No published report has the slug {filters.inspection!r}.")
    rows = response_queries.responses(reader(request), inspection, clock.today())
    return {
        "items": [
            {
                "force": row.force.slug,
                "inspection": inspection.slug,
                "due": row.due,
                "issued_on": row.issued_on,
                "state": row.state,
                "words": row.words,
            }
            for row in rows
        ],
        "next": None,
    }


@api.get("/meeting-packs/", response=answers(schemas.MeetingPackPage), url_name="meeting-packs")
def meeting_packs(request: HttpRequest, paging: Query[PageQuery]) -> dict[str, Any]:
    """Each pack as it was made: its snapshot, the figures the committee read."""
    queryset = permissions.scope_queryset(reader(request), MeetingPack.objects.all())
    rows, next_page = page(request, queryset.select_related("force", "region"), paging)
    return {
        "items": [
            {
                "uuid": str(p.uuid),
                "force": p.force.slug if p.force else None,
                "region": p.region.name if p.region else None,
                "meeting_date": p.meeting_date,
                "created_at": p.created_at,
                "snapshot": p.snapshot,
            }
            for p in rows
        ],
        "next": next_page,
    }
