"""People and their roles: national administrators only."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest
from django_tasks_db.models import DBTaskResult
from simple_history.admin import SimpleHistoryAdmin

from inspections import signin
from inspections.history import record_author
from inspections.http import signed_in_user
from inspections.models import User

from .base import ScopedAdminMixin

# Roles replace groups: one concept for who may do what.
admin.site.unregister(Group)
# allauth's screens: its email addresses are not used (accounts are never matched on email),
# the Microsoft app is configured from the environment, tokens are not kept, and a person's
# linked Microsoft account is shown on their people page.
# Second factors are set up and turned off by their owner on their account page; background
# tasks are the worker's (their results hold nothing a person acts on).
for library_model in (
    EmailAddress,
    SocialAccount,
    SocialApp,
    SocialToken,
    Authenticator,
    DBTaskResult,
):
    admin.site.unregister(library_model)


@admin.register(User)
class UserAdmin(ScopedAdminMixin, SimpleHistoryAdmin, DjangoUserAdmin[Any]):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "role",
        "force",
        "is_active",
        "last_login",
    ]
    list_select_related = ["force"]
    list_filter = ["role", "is_active", "digest_frequency", "force__region", "force"]
    search_fields = ["username", "first_name", "last_name", "email", "force__name"]
    autocomplete_fields = ["force"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "email", "job_title"]}),
        ("Access", {"fields": ["role", "force", "is_active"]}),
        ("Reminders", {"fields": ["digest_frequency"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "usable_password", "password1", "password2"]}),
        ("Person", {"fields": ["first_name", "last_name", "email", "job_title"]}),
        ("Access", {"fields": ["role", "force"]}),
        ("Reminders", {"fields": ["digest_frequency"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    actions = ["unlock_sign_in"]

    @admin.action(description="Unlock sign-in for the selected people", permissions=["change"])
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        cleared = signin.unlock(queryset.values_list("username", flat=True))
        self.message_user(
            request,
            f"Sign-in unlocked for {queryset.count()} people ({cleared} failed attempts "
            "forgotten). They can try again at once.",
            messages.SUCCESS,
        )

    def save_model(self, request: HttpRequest, obj: User, form: object, change: bool) -> None:
        record_author(obj, signed_in_user(request))
        super().save_model(request, obj, form, change)
