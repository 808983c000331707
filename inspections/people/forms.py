"""The people pages' forms: the choices each offers come from what the signed-in person may
give (``permissions.manageable_roles``), so nobody is offered a role they cannot grant."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from inspections import permissions
from inspections.models import ONE_FORCE_ROLES, Force, Role, User
from inspections.models.fields import PlainTextFormField
from inspections.text import validate_one_line, validate_plain_text

ROLE_HINTS = {
    Role.PCC_STAFF: "Records progress, sets target dates, drafts and issues the letter.",
    Role.FORCE_LEAD: "Reviews the force's items and signs them off as complete.",
    Role.OFFICE_ADMIN: "Invites, approves and removes the office's and the force's people.",
    Role.SCRUTINY: "Police and crime panel or audit committee: reads the force's items, "
    "reports, packs and letters as sent; never internal notes or drafts.",
    Role.NATIONAL_ADMIN: "Enters reports and dependencies; manages everyone.",
    Role.VIEWER: "Reads every force's items, reports and exports.",
}


def role_field(user: User) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Role",
        choices=[(role.value, role.label) for role in permissions.manageable_roles(user)],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role."},
    )


class ForceChoiceMixin(forms.Form):
    """National administrators choose the force; an office administrator's is their own."""

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["role"] = role_field(user)
        if permissions.is_national_admin(user):
            self.fields["force"] = forms.ModelChoiceField(
                label="Force",
                queryset=Force.objects.order_by("name"),
                required=False,
                empty_label="None (a national role)",
                help_text="For every role except national administrator and viewer.",
            )

    def chosen_force(self) -> Force | None:
        if "force" in self.fields:
            force = self.cleaned_data.get("force")
            return force if isinstance(force, Force) else None
        return self.user.force

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role = cleaned.get("role")
        if "force" in self.fields and role:
            if role in ONE_FORCE_ROLES and cleaned.get("force") is None:
                self.add_error("force", "Choose the force this person works for.")
            if role not in ONE_FORCE_ROLES and cleaned.get("force") is not None:
                self.add_error("force", "A national role has no force: choose None.")
        return cleaned


class InviteForm(ForceChoiceMixin):
    first_name = PlainTextFormField(
        label="First name", max_length=150, validators=[validate_plain_text, validate_one_line]
    )
    last_name = PlainTextFormField(
        label="Last name", max_length=150, validators=[validate_plain_text, validate_one_line]
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The invitation's one-time link goes here. It is never used to match an "
        "account: whoever accepts the link gets the access it names.",
        error_messages={
            "required": "Enter the email address to send the invitation to.",
            "invalid": "Enter an email address like name@example.police.uk.",
        },
    )

    field_order = ["first_name", "last_name", "email", "role", "force"]


class RoleForm(ForceChoiceMixin):
    def __init__(self, *args: Any, user: User, person: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if not self.is_bound:
            self.initial = {
                "role": person.role if person.role != Role.PENDING else None,
                "force": person.force_id,
            }


class AcceptForm(forms.Form):
    """Accepting an invitation with a username and password (where local accounts are allowed)."""

    username = PlainTextFormField(
        label="Choose a username",
        max_length=150,
        validators=[validate_plain_text, validate_one_line],
        help_text="Letters, digits and . @ + - _ only.",
    )
    password1 = forms.CharField(
        label="Choose a password", strip=False, widget=forms.PasswordInput, max_length=128
    )
    password2 = forms.CharField(
        label="Type the password again", strip=False, widget=forms.PasswordInput, max_length=128
    )

    def clean_username(self) -> str:
        username = User.normalize_username(self.cleaned_data["username"])
        try:
            User.username_validator(username)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                "Use only letters, digits and . @ + - _ in a username."
            ) from error
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are different. Type them again.")
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


GUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class TenantForm(forms.Form):
    tenant_id = forms.RegexField(
        label="Tenant ID",
        regex=GUID,
        help_text="The organisation's Directory (tenant) ID from Microsoft Entra ID, like "
        "72f988bf-86f1-41af-91ab-2d7cd011db47.",
        error_messages={
            "required": "Enter the tenant ID.",
            "invalid": "Enter the tenant ID as Entra ID shows it: 32 letters and digits in "
            "groups of 8, 4, 4, 4 and 12, with hyphens.",
        },
    )
    force = forms.ModelChoiceField(
        label="Force it serves",
        queryset=Force.objects.order_by("name"),
        error_messages={"required": "Choose the force whose people use this tenant."},
    )
    name = PlainTextFormField(
        label="Whose tenant it is",
        max_length=200,
        required=False,
        validators=[validate_plain_text, validate_one_line],
        help_text="For example, Office of the PCC or the force itself.",
    )


class ApiKeyForm(forms.Form):
    name = PlainTextFormField(
        label="What the key is for",
        max_length=100,
        validators=[validate_plain_text, validate_one_line],
        help_text="For example, 'Power BI: committee dashboard'. It is shown with every use.",
        error_messages={"required": "Say what the key is for."},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if permissions.is_national_admin(user):
            self.fields["force"] = forms.ModelChoiceField(
                label="Whose data it reads",
                queryset=Force.objects.order_by("name"),
                required=False,
                empty_label="Every force's (a national key)",
            )

    def chosen_force(self) -> Force | None:
        if "force" in self.fields:
            force = self.cleaned_data.get("force")
            return force if isinstance(force, Force) else None
        return self.user.force


class TeamsForm(forms.Form):
    webhook_url = forms.CharField(
        label="The channel's webhook address",
        max_length=2000,
        help_text="In Teams, add the workflow 'Post to a channel when a webhook request is "
        "received' to the channel, and copy the address it gives (it starts with https://).",
        error_messages={"required": "Paste the webhook address from the workflow."},
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
