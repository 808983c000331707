"""Admin forms that check the domain rules before anything is saved, so every broken rule is
shown next to its field and nothing is written."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from inspections import clock
from inspections.formfields import admin_date_field
from inspections.ids import SafeModelChoiceField, SafeModelMultipleChoiceField
from inspections.models import (
    Dependency,
    ForceImplementation,
    Inspection,
    ProgressUpdate,
    Recommendation,
    User,
)
from inspections.validation import (
    validate_addressees,
    validate_progress_update,
    validate_scope_change,
    validate_target_date_change,
)


def attach_errors(
    form: forms.BaseForm, error: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Put each message on its field when the form has it, otherwise at the top of the form."""
    for field, messages in error.message_dict.items():
        field = (aliases or {}).get(field, field)
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class ProgressUpdateForm(forms.ModelForm[ProgressUpdate]):
    """A new progress update. ``author`` is set per request by the admin."""

    author: User | None = None
    # Updates are never edited, so there is nothing to clear; and unlike the clearable widget, a
    # plain file input gets a <label> the admin can point at it.
    evidence_file = forms.FileField(
        required=False,
        label="Evidence file",
        widget=forms.FileInput,
        help_text="Optional supporting document (the update page takes several).",
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "implementation",
            "status",
            "as_of",
            "narrative",
            "evidence_note",
            "internal_note",
            "dependencies",
        ]
        field_classes = {
            "implementation": SafeModelChoiceField,
            "dependencies": SafeModelMultipleChoiceField,
        }
        widgets = {
            "dependencies": forms.CheckboxSelectMultiple,
            "narrative": forms.Textarea(attrs={"rows": 5}),
            "evidence_note": forms.Textarea(attrs={"rows": 2}),
            "internal_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "as_of" in self.fields:
            self.fields["as_of"].initial = clock.today
        if "dependencies" in self.fields:
            cast(
                forms.ModelMultipleChoiceField[Any], self.fields["dependencies"]
            ).queryset = Dependency.objects.pending()
            self.fields["dependencies"].label = "Waiting on"

    def implementation(self) -> ForceImplementation | None:
        if "implementation" in self.fields:
            return self.cleaned_data.get("implementation")
        return getattr(self.instance, "implementation", None)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        implementation = self.implementation()
        if implementation is None or self.author is None:
            return cleaned
        try:
            validate_progress_update(
                implementation=implementation,
                author=self.author,
                status=cleaned.get("status", ""),
                narrative=cleaned.get("narrative", ""),
                as_of=cleaned.get("as_of"),
                evidence_note=cleaned.get("evidence_note", ""),
                internal_note=cleaned.get("internal_note", ""),
                evidence_files=[cleaned["evidence_file"]] if cleaned.get("evidence_file") else [],
                dependencies=cleaned.get("dependencies") or (),
            )
        except ValidationError as error:
            attach_errors(self, error, aliases={"evidence_files": "evidence_file"})
        return cleaned


class ImplementationForm(forms.ModelForm[ForceImplementation]):
    """Lead officer and target date. The target date is a plain form field so that changing it
    goes through the service, which keeps the old date and the reason."""

    new_target_date = admin_date_field(
        "Target date",
        required=False,
        help_text="The force's own date for finishing this recommendation.",
    )
    target_date_reason = forms.CharField(
        label="Reason for changing the target date",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when you change a date that was already set; it is kept with the old "
        "date.",
    )

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ForceImplementation
        fields = ["lead_officer"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_target_date"].initial = self.instance.target_date
        self.fields["edit_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        edited = {"lead_officer", "new_target_date", "target_date_reason"} & set(self.changed_data)
        if self.instance.pk and edited:
            # The admin saves inside a transaction: the lock holds until it commits, so a second
            # save arriving at the same moment waits, then sees the new version and is refused.
            current = (
                ForceImplementation.objects.select_for_update()
                .values_list("version", flat=True)
                .get(pk=self.instance.pk)
            )
            if cleaned.get("edit_version") != current:
                raise ValidationError(
                    "Someone else changed this item while you were editing it. "
                    "Reload the page to see their changes, then make yours again. (Any new "
                    "progress update you wrote is below: copy it before reloading.)",
                    code="stale",
                )
        if self.instance.pk:
            try:
                validate_target_date_change(
                    implementation=self.instance,
                    new_date=cleaned.get("new_target_date"),
                    reason=cleaned.get("target_date_reason", ""),
                )
            except ValidationError as error:
                attach_errors(self, error)
        return cleaned


class RecommendationForm(forms.ModelForm[Recommendation]):
    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.instance.pk and cleaned.get("scope"):
            try:
                validate_scope_change(recommendation=self.instance, scope=cleaned["scope"])
            except ValidationError as error:
                attach_errors(self, error)
        return cleaned


class InspectionForm(forms.ModelForm[Inspection]):
    """A report and who it is addressed to, checked before anything is saved. The forces are
    checkboxes: 43 names read more easily, and are easier to tick, than a multiple select."""

    class Meta:
        model = Inspection
        fields = [
            "title",
            "short_title",
            "slug",
            "inspectorate",
            "published",
            "url",
            "summary",
            "is_sample",
            "addressed_to",
            "forces",
        ]
        widgets = {"forces": forms.CheckboxSelectMultiple}

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if "addressed_to" in cleaned and "forces" in cleaned:
            try:
                validate_addressees(
                    inspection=self.instance,
                    addressed_to=cleaned["addressed_to"],
                    forces=list(cleaned["forces"]),
                )
            except ValidationError as error:
                attach_errors(self, error)
        return cleaned
