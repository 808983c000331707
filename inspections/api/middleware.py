"""Each API page carries an ETag; a client that sends it back in If-None-Match gets 304 Not
Modified when the page is unchanged (Power BI's refresh, a script polling)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag

API_PREFIX = "/api/"


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
