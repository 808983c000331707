"""Each API page carries an ETag; a client that sends it back in If-None-Match gets 304 Not
Modified when the page is unchanged (Power BI's refresh, a script polling). And a report's
download may be read with a key, for tools that read files only."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, ResolverMatch, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag

from inspections.addresses import API_PREFIX

from .auth import reader_for


class ConditionalApiGet:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(API_PREFIX)
            or request.method not in {"GET", "HEAD"}
            or response.status_code != 200
            or response.streaming
        ):
            return response
        patch_vary_headers(response, ["Authorization"])
        response["Cache-Control"] = "private, no-cache"
        set_response_etag(response)
        conditional = get_conditional_response(request, etag=response["ETag"], response=response)
        return conditional if conditional is not None else response


# The report pages whose downloads (?format=csv or xlsx) a key may read, for tools that read
# files only. Nothing else accepts a key outside /api/.
DOWNLOADS = {
    "dashboard",
    "overdue",
    "due-soon",
    "dependencies",
    "matrix",
    "responses",
    "force",
    "recommendation",
    "actions",
    "extensions",
}


class KeyForDownloads:
    """A report's download read with an API key (``?key=``) instead of a signed-in session: the
    key reads as it does in the API (one force's scrutiny member, or the viewer)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        secret = request.GET.get("key")
        if (
            secret
            and request.method == "GET"
            and request.GET.get("format") in {"csv", "xlsx"}
            and not request.user.is_authenticated
            and not request.path.startswith(API_PREFIX)
        ):
            match = resolve_or_none(request.path_info)
            if match is not None and match.url_name in DOWNLOADS:
                reader = reader_for(request, secret)
                if reader is None:
                    return HttpResponse(
                        "The key is not valid, or it was revoked.",
                        status=401,
                        content_type="text/plain",
                    )
                request.user = reader
        return self.get_response(request)


def resolve_or_none(path: str) -> ResolverMatch | None:
    try:
        return resolve(path)
    except Resolver404:
        return None
