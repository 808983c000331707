"""Search the service's own pages: recommendations, narratives, internal notes and letters,
scoped like everything else (another force's words are never found)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render

from inspections import permissions
from inspections.http import AuthenticatedHttpRequest
from inspections.models import ForceImplementation, LetterSection, ProgressUpdate

LIMIT = 50


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search recommendations, updates and letters",
        min_length=2,
        max_length=200,
        strip=True,
    )


def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context: dict[str, object] = {"form": form, "limit": LIMIT}
    if form.is_bound and form.is_valid():
        words = form.cleaned_data["q"]
        user = request.user
        notes = permissions.sees_internal_notes_anywhere(user)
        text_match = Q(narrative__icontains=words) | Q(evidence_note__icontains=words)
        if notes:
            text_match |= Q(internal_note__icontains=words)
        context.update(
            {
                "words": words,
                "items": list(
                    permissions.scope_queryset(user, ForceImplementation.objects.all())
                    .filter(
                        Q(recommendation__text__icontains=words)
                        | Q(recommendation__short_title__icontains=words)
                    )
                    .select_related("force", "recommendation__inspection")
                    .order_by("force__name", "recommendation__number")[:LIMIT]
                ),
                "updates": list(
                    permissions.scope_queryset(user, ProgressUpdate.objects.all())
                    .filter(text_match)
                    .select_related(
                        "author",
                        "implementation__force",
                        "implementation__recommendation__inspection",
                    )
                    .latest_first()[:LIMIT]
                ),
                "sections": list(
                    permissions.scope_queryset(user, LetterSection.objects.all())
                    .filter(narrative__icontains=words)
                    .select_related("letter__force", "letter__inspection")
                    .order_by("-letter__letter_date", "-id")[:LIMIT]
                ),
                "show_notes": notes,
            }
        )
    return render(request, "search/results.html", context)
