"""Input no field may hold, refused before any view sees it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from inspections.addresses import API_PREFIX


class RefuseNulCharacters:
    """A NUL character in an address's query (a filter, a search term, an autocomplete's term):
    no text column can hold it (PostgreSQL refuses it outright), so every view would fail on it
    in its own way. Answered here with one clear 400 naming the parameter; nothing is changed.
    A form's fields say it themselves, beside the field (``validate_plain_text``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        named = nul_field(request)
        if named is not None and request.path.startswith(API_PREFIX):
            return JsonResponse(
                {"detail": f"{named}: holds a NUL character, which no parameter may hold."},
                status=400,
            )
        if named is not None:
            return render(
                request,
                "reports/bad_request.html",
                {
                    "messages_list": [
                        f"The field '{named}' holds a NUL character, which no field may hold. "
                        "Nothing was changed: remove it and try again."
                    ],
                    "back": request.path.replace("\x00", ""),
                    "title": "There is a problem with what was sent",
                },
                status=400,
            )
        return self.get_response(request)


def nul_field(request: HttpRequest) -> str | None:
    """The name of the first query parameter holding a NUL, shown without it."""
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "")
    return None
