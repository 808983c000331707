"""The forms for local actions, extension requests and decisions, and the inspectorate's
closures. Each checks the rules its service checks, so messages sit beside their fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from inspections import clock
from inspections.formfields import GovukDateField, put_errors, text_field
from inspections.models import (
    ActionStatus,
    ClosureAction,
    ExtensionRequest,
    ExtensionState,
    ForceImplementation,
    LocalAction,
    User,
)
from inspections.models.fields import PlainTextFormField
from inspections.reports.filters import AddressForm, inspection_field, source_field
from inspections.text import NOTE_MAX, REASON_MAX, uploaded_file_problem, validate_plain_text

from .validation import (
    validate_action,
    validate_closure,
    validate_decision,
    validate_extension_request,
)

ACTION_STATUS_HINTS = {
    ActionStatus.AWAITING_ALLOCATION: "Nobody owns it yet.",
    ActionStatus.IN_PROGRESS: "The owner is working on it.",
    ActionStatus.PENDING_SIGN_OFF: "The owner says it is done; it needs checking.",
    ActionStatus.CLOSED: "Done and checked.",
}


class LocalActionForm(forms.Form):
    description = text_field("What will be done?", NOTE_MAX, required=True)
    owner = PlainTextFormField(
        label="Owner (optional until it is allocated)",
        required=False,
        max_length=200,
        validators=[validate_plain_text],
        help_text="A name or a role, for example 'Supt Jane Smith' or 'Head of contact'.",
    )
    due_date = GovukDateField(label="Due date (optional)", subject="the due date", required=False)
    status = forms.ChoiceField(
        label="Where does it stand?",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        initial=ActionStatus.AWAITING_ALLOCATION,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, action: LocalAction | None = None, **kwargs: Any) -> None:
        if action is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "description": action.description,
                "owner": action.owner,
                "due_date": action.due_date,
                "status": action.status,
                "version": action.version,
            }
        super().__init__(*args, **kwargs)
        self.fields["description"].error_messages["required"] = "Say what will be done."
        # A change names the version it was made from, so a concurrent edit is never overwritten.
        self.fields["version"].required = action is not None
        self.status_hints = ACTION_STATUS_HINTS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                validate_action(
                    description=cleaned.get("description", ""),
                    owner=cleaned.get("owner", ""),
                    status=cleaned.get("status", ""),
                )
            except ValidationError as error:
                put_errors(self, error, {})
        return cleaned


class ExtensionRequestForm(forms.Form):
    requested_date = GovukDateField(
        label="What date does the force ask to finish by?", subject="the date asked for"
    )
    reason = text_field(
        "Why is more time needed?",
        REASON_MAX,
        required=True,
        hint="The office (or its committee) reads this when it decides.",
    )

    def __init__(self, *args: Any, implementation: ForceImplementation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Say why more time is needed."
        self.implementation = implementation

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                validate_extension_request(
                    implementation=self.implementation,
                    requested_date=cleaned.get("requested_date"),
                    reason=cleaned.get("reason", ""),
                    today=clock.today(),
                )
            except ValidationError as error:
                put_errors(self, error, {})
        return cleaned


class Decision:
    APPROVE = "approve"
    REFUSE = "refuse"
    CHOICES = [(APPROVE, "Approve the new date"), (REFUSE, "Refuse: the deadline stands")]


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="What has been decided?", choices=Decision.CHOICES, widget=forms.RadioSelect
    )
    note = text_field(
        "Note for the force (needed when refusing)",
        REASON_MAX,
        hint="For example, the committee meeting that decided it, or what the force should do.",
    )
    # Set on the check page: the first post shows what will happen, the second does it.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, request: ExtensionRequest, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user

    @property
    def approve(self) -> bool:
        return self.cleaned_data.get("decision") == Decision.APPROVE

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                validate_decision(
                    request=self.request,
                    decided_by=self.user,
                    approve=self.approve,
                    note=cleaned.get("note", ""),
                )
            except ValidationError as error:
                put_errors(self, error, {})
        return cleaned


class ClosureForm(forms.Form):
    action = forms.ChoiceField(
        label="What did HMICFRS do?", choices=ClosureAction.choices, widget=forms.RadioSelect
    )
    on = GovukDateField(label="Date of the inspectorate's letter", subject="the letter's date")
    letter = forms.FileField(
        label="The inspectorate's letter",
        required=False,
        help_text="A PDF or Word file. Or give the address where it is published, below.",
    )
    url = forms.URLField(
        label="Where the letter is published (optional)",
        required=False,
        assume_scheme="https",
        max_length=200,
    )
    note = text_field("Note (optional)", NOTE_MAX, hint="For example, what the revisit found.")

    def __init__(self, *args: Any, implementation: ForceImplementation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.implementation = implementation

    def clean_letter(self) -> Any:
        upload = self.cleaned_data.get("letter")
        if upload is not None and (problem := uploaded_file_problem(upload)):
            raise ValidationError(problem)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                validate_closure(
                    implementation=self.implementation,
                    action=cleaned.get("action", ""),
                    on=cleaned.get("on"),
                    has_letter=cleaned.get("letter") is not None,
                    url=cleaned.get("url", ""),
                    note=cleaned.get("note", ""),
                    today=clock.today(),
                )
            except ValidationError as error:
                put_errors(self, error, {})
        return cleaned


class ActionFilterForm(AddressForm):
    """The actions report's filters, from its address."""

    inspection = inspection_field()
    source = source_field()
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Every status"), ("open", "Not closed"), *ActionStatus.choices],
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)


class ExtensionFilterForm(AddressForm):
    source = source_field()
    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[("", "Every state"), *ExtensionState.choices],
    )
