"""Letters in the admin: the recipient is edited here; letters are read here and written on the
letter pages, where drafting, editing and issuing go through the letter services."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from inspections.models import LetterRecipient, ProgressLetter

from .base import TrackerAdmin


@admin.register(LetterRecipient)
class LetterRecipientAdmin(TrackerAdmin):
    list_display = ["office", "name", "key"]
    search_fields = ["name", "office"]
    list_filter = ["office"]


PROGRESS_LETTER_ADMIN_FIELDS = (
    "force",
    "inspection",
    "status",
    "letter_date",
    "issued_on",
    "issued_by",
    "recipient_name",
    "recipient_office",
    "signatory_name",
    "docx_sha256",
    "pdf_sha256",
    "open_page",
)


@admin.register(ProgressLetter)
class ProgressLetterAdmin(TrackerAdmin):
    never_allowed = frozenset({"add", "change", "delete"})
    list_display = ["force", "inspection", "status", "letter_date", "issued_on", "open_page"]
    list_select_related = ["force", "inspection"]
    list_filter = ["status", "inspection", "issued_on"]
    search_fields = ["force__name", "inspection__title", "signatory_name"]
    date_hierarchy = "letter_date"
    fields = PROGRESS_LETTER_ADMIN_FIELDS
    readonly_fields = PROGRESS_LETTER_ADMIN_FIELDS

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, "view", obj)

    @admin.display(description="Letter page")
    def open_page(self, obj: ProgressLetter) -> str:
        return format_html(
            '<a href="{}">Read, edit or download<span class="visually-hidden"> the letter of {}'
            "</span></a>",
            reverse("letter", args=[obj.uuid]),
            obj.force.name,
        )
