"""Search the service's own pages: recommendations, narratives, internal notes and letters,
scoped like everything else (another force's words are never found), with stemming on both
databases (``fulltext``)."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import render

from inspections import permissions
from inspections.http import AuthenticatedHttpRequest
from inspections.models import ForceImplementation, LetterSection, ProgressUpdate, Recommendation

from . import fulltext

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
        update_columns = ("narrative", "evidence_note", *(("internal_note",) if notes else ()))
        findings = Recommendation.objects.filter(
            fulltext.matching(Recommendation, ("text", "short_title"), words)
        )
        context.update(
            {
                "words": words,
                "items": list(
                    permissions.scope_queryset(user, ForceImplementation.objects.all())
                    .filter(recommendation__in=findings)
                    .select_related("force", "recommendation__inspection")
                    .order_by("force__name", "recommendation__number")[:LIMIT]
                ),
                "updates": list(
                    permissions.scope_queryset(user, ProgressUpdate.objects.all())
                    .filter(fulltext.matching(ProgressUpdate, update_columns, words))
                    .select_related(
                        "author",
                        "implementation__force",
                        "implementation__recommendation__inspection",
                    )
                    .latest_first()[:LIMIT]
                ),
                "sections": list(
                    permissions.scope_queryset(user, LetterSection.objects.all())
                    .filter(fulltext.matching(LetterSection, ("narrative",), words))
                    .select_related("letter__force", "letter__inspection")
                    .order_by("-letter__letter_date", "-id")[:LIMIT]
                ),
                "show_notes": notes,
            }
        )
    return render(request, "search/results.html", context)
