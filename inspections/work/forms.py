"""The forms behind the daily-work pages. Each checks the same rules as the service it feeds
(validation.py), so every broken rule is shown beside its field and nothing is written."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Value, When

from inspections import clock, importers, permissions
from inspections.formfields import GovukDateField, MultipleFileField, put_errors, text_field
from inspections.models import Dependency, ForceImplementation, Status, User
from inspections.services import LEAD_OFFICER_MAX
from inspections.text import NARRATIVE_MAX, NOTE_MAX, REASON_MAX
from inspections.validation import validate_progress_update, validate_target_date_change

# What each status means for the person choosing it (shown as the radio's hint).
STATUS_HINTS = {
    Status.NOT_STARTED: "No work has begun.",
    Status.IN_PROGRESS: "The force is working on it.",
    Status.AWAITING_DEPENDENCY: "The force cannot finish until national or regional work is "
    "delivered.",
    Status.IMPLEMENTED: "The force has done the work; the force lead must sign it off.",
    Status.COMPLETE: "Signed off by the force lead, with evidence.",
    Status.NOT_APPLICABLE: "The recommendation does not apply to this force.",
}


class RecordUpdateForm(forms.Form):
    status = forms.ChoiceField(label="Where does it stand now?", widget=forms.RadioSelect)
    dependencies = forms.ModelMultipleChoiceField(
        label="What is it waiting on?",
        queryset=Dependency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    completion_evidence = text_field(
        "What shows the work is done?", NOTE_MAX, hint="Required to mark it complete."
    )
    not_applicable_reason = text_field(
        "Why does it not apply to the force?", NOTE_MAX, hint="Required for not applicable."
    )
    narrative = text_field(
        "What has been done, and what happens next",
        NARRATIVE_MAX,
        required=True,
        hint="This text goes into the force's letter.",
    )
    as_of = GovukDateField(label="What date does this update describe?", subject="the date")
    internal_note = text_field(
        "Internal note (optional)",
        NOTE_MAX,
        hint="For the force and the office only. It never goes into a letter or an export.",
    )
    evidence_files = MultipleFileField(
        label="Evidence files (optional)",
        required=False,
        help_text="You can choose several files at once.",
    )

    def __init__(
        self, *args: Any, implementation: ForceImplementation, author: User, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.implementation = implementation
        self.author = author
        self.fields["as_of"].initial = clock.today()
        # The update starts from the latest narrative, to edit: most updates change part of it.
        self.fields["narrative"].initial = (
            implementation.updates.latest_first().values_list("narrative", flat=True).first() or ""
        )
        self.fields["narrative"].help_text = (
            "This text goes into the force's letter. It starts as the latest update's: change "
            "it to say where things stand now."
            if self.fields["narrative"].initial
            else "This text goes into the force's letter."
        )
        self.fields["status"].error_messages["required"] = "Choose where the item stands now."
        self.fields["narrative"].error_messages["required"] = (
            "Say what has been done and what happens next: it goes into the force's letter."
        )
        allowed = [
            (value, label)
            for value, label in Status.choices
            if value != Status.COMPLETE or permissions.can_sign_off(author, implementation)
        ]
        cast(forms.ChoiceField, self.fields["status"]).choices = allowed
        self.fields["status"].initial = implementation.status
        # This recommendation's own dependencies first, then any other pending work.
        own = list(implementation.recommendation.dependencies.values_list("pk", flat=True))
        cast(forms.ModelMultipleChoiceField[Any], self.fields["dependencies"]).queryset = (
            Dependency.objects.pending()
            .annotate(
                own=Case(
                    When(pk__in=own, then=Value(0)), default=Value(1), output_field=IntegerField()
                )
            )
            .order_by("own", "title")
        )
        self.fields["dependencies"].initial = [
            d.pk for d in implementation.blocking_dependencies.all()
        ]

    def status_options(self) -> list[dict[str, Any]]:
        """The radios with their hints and the follow-up question each reveals."""
        reveals: dict[str, str] = {
            Status.AWAITING_DEPENDENCY: "dependencies",
            Status.COMPLETE: "completion_evidence",
            Status.NOT_APPLICABLE: "not_applicable_reason",
        }
        chosen = self["status"].value()
        return [
            {
                "value": value,
                "label": label,
                "hint": STATUS_HINTS[Status(value)],
                "checked": str(chosen) == str(value),
                "reveals": self[reveals[value]] if value in reveals else None,
                "index": index,
            }
            for index, (value, label) in enumerate(
                cast(list[tuple[str, str]], cast(forms.ChoiceField, self.fields["status"]).choices)
            )
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        status = cleaned.get("status", "")
        if status != Status.AWAITING_DEPENDENCY:
            cleaned["dependencies"] = []
        # One stored field, asked as the question that fits the status chosen.
        evidence_field = {
            Status.COMPLETE: "completion_evidence",
            Status.NOT_APPLICABLE: "not_applicable_reason",
        }.get(status, "")
        cleaned["evidence_note"] = cleaned.get(evidence_field, "") if evidence_field else ""
        if "status" in self.errors:
            return cleaned
        # Every broken rule at once, beside its field; a field already in error keeps its own.
        try:
            validate_progress_update(
                implementation=self.implementation,
                author=self.author,
                status=status,
                narrative=cleaned.get("narrative", ""),
                as_of=cleaned.get("as_of"),
                evidence_note=cleaned.get("evidence_note", ""),
                internal_note=cleaned.get("internal_note", ""),
                evidence_files=cleaned.get("evidence_files") or [],
                dependencies=cleaned.get("dependencies") or [],
            )
        except ValidationError as error:
            put_errors(
                self,
                error,
                {"__all__": "status", "evidence_note": evidence_field or "status"},
                skip=set(self.errors),
            )
        self.ask_for_files_again()
        return cleaned

    def ask_for_files_again(self) -> None:
        """A browser never sends chosen files a second time, and none is kept from a page with
        errors: say so beside the field, naming the files, rather than drop them silently."""
        chosen = [str(f.name) for f in self.files.getlist("evidence_files")] if self.files else []
        if chosen and self.errors and "evidence_files" not in self.errors:
            self.add_error(
                "evidence_files",
                "Choose your evidence files again: files are not kept when a page has errors "
                f"(you chose {', '.join(chosen)}).",
            )


class AgreedDateForm(forms.Form):
    on = GovukDateField(label="The date it falls due", subject="the date it falls due")
    reason = text_field(
        "Why this date?",
        REASON_MAX,
        required=True,
        hint="For example, the committee meeting that agreed it. Kept in the item's history.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = (
            "Say why this date was agreed: the reason is kept."
        )


class LeadOfficerForm(forms.Form):
    """Who leads the work on an item: the owner every pack and list names."""

    lead_officer = forms.CharField(
        label="Lead officer",
        required=False,
        max_length=LEAD_OFFICER_MAX,
        help_text="A name and rank or role, for example Supt Jane Smith, Head of Training. "
        "Leave it empty if nobody is named yet.",
        widget=forms.TextInput(attrs={"class": "govuk-input", "autocomplete": "off"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class TargetDateForm(forms.Form):
    new_date = GovukDateField(label="New target date", subject="the new target date")
    reason = text_field(
        "Why is it changing?",
        REASON_MAX,
        hint="Kept with the earlier date, which is never lost.",
    )

    def __init__(self, *args: Any, implementation: ForceImplementation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.implementation = implementation
        if implementation.target_date is None:
            self.fields["reason"].label = "Why this date? (optional)"

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        new_date = cleaned.get("new_date")
        if new_date is not None and new_date == self.implementation.target_date:
            self.add_error("new_date", "That is already the target date: choose a different one.")
        if self.errors:
            return cleaned
        try:
            validate_target_date_change(
                implementation=self.implementation,
                new_date=new_date,
                reason=cleaned.get("reason", ""),
            )
        except ValidationError as error:
            put_errors(self, error, {"target_date_reason": "reason", "target_date": "new_date"})
        return cleaned


class ReviewDecision:
    SIGN_OFF = "sign_off"
    RETURN = "return"
    CHOICES = [
        (SIGN_OFF, "Sign off as complete"),
        (RETURN, "Return to PCC staff"),
    ]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision", choices=ReviewDecision.CHOICES, widget=forms.RadioSelect
    )
    evidence_note = text_field(
        "What shows the work is done?",
        NOTE_MAX,
        hint="Required to sign off. It is kept with the sign-off.",
    )
    comment = text_field(
        "What needs to change?",
        NOTE_MAX,
        hint="PCC staff are emailed this at once.",
    )
    # Signing off closes the item for good (only a force lead reopens it): it is checked first.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    @property
    def signs_off(self) -> bool:
        return bool(self.cleaned_data.get("decision") == ReviewDecision.SIGN_OFF)

    @property
    def needs_check(self) -> bool:
        return self.signs_off and not self.cleaned_data.get("confirmed")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        decision = cleaned.get("decision")
        if decision == ReviewDecision.SIGN_OFF and not (cleaned.get("evidence_note") or "").strip():
            self.add_error("evidence_note", "Describe the evidence that shows this is complete.")
        if decision == ReviewDecision.RETURN and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", "Say what needs to change before it can be signed off.")
        return cleaned


# Statuses that need nothing more than a narrative, so several items can take them at once.
QUICK_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.IMPLEMENTED)


class SeveralUpdatesForm(forms.Form):
    """One row per open item: a new status (or none) and the narrative. Each row's fields are
    named after the item, so errors sit beside the right row."""

    def __init__(self, *args: Any, implementations: list[ForceImplementation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.implementations = implementations
        choices = [("", "No change"), *[(s.value, s.label) for s in QUICK_STATUSES]]
        for implementation in implementations:
            self.fields[f"status_{implementation.pk}"] = forms.ChoiceField(
                label=f"New status for {implementation.recommendation.reference_in_text}",
                choices=choices,
                required=False,
                widget=forms.Select(attrs={"class": "govuk-select"}),
            )
            self.fields[f"narrative_{implementation.pk}"] = text_field(
                f"What has been done on {implementation.recommendation.reference_in_text}",
                NARRATIVE_MAX,
            )
            self.fields[f"narrative_{implementation.pk}"].initial = (
                getattr(implementation, "latest_narrative", "") or ""
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "item": implementation,
                "status": self[f"status_{implementation.pk}"],
                "narrative": self[f"narrative_{implementation.pk}"],
            }
            for implementation in self.implementations
        ]

    def changes(self) -> list[tuple[ForceImplementation, str, str]]:
        """The rows given a new status: (implementation, status, narrative)."""
        found = []
        for implementation in self.implementations:
            status = self.cleaned_data.get(f"status_{implementation.pk}")
            if status:
                narrative = self.cleaned_data.get(f"narrative_{implementation.pk}", "")
                found.append((implementation, status, narrative))
        return found

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not self.errors and not self.changes():
            raise ValidationError("Choose a new status for at least one item.")
        return cleaned

    def put_item_errors(self, error: ValidationError) -> None:
        for key, messages in error.message_dict.items():
            for message in messages:
                self.add_error(f"status_{key}" if f"status_{key}" in self.fields else None, message)


class SheetDownloadForm(forms.Form):
    """Which of the force's items to download, and as what (from the page's query string)."""

    inspection = forms.SlugField(required=False)
    format = forms.ChoiceField(choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")], required=False)

    def clean_format(self) -> str:
        return self.cleaned_data.get("format") or "xlsx"


class SheetUploadForm(forms.Form):
    sheet = forms.FileField(
        label="Upload the sheet",
        help_text="The sheet you downloaded, as .xlsx or .csv, with your changes. Nothing is "
        "recorded until you have checked every change on the next page.",
        error_messages={"required": "Choose the sheet to upload."},
    )

    def clean_sheet(self) -> tuple[bytes, str]:
        """The file's bytes and its kind, once the reader has accepted it as a whole."""
        upload = self.cleaned_data["sheet"]
        name = str(upload.name or "")
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in ("xlsx", "csv"):
            raise ValidationError("The sheet must be an .xlsx or .csv file.")
        if upload.size > importers.MAX_BYTES:
            raise ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{importers.MAX_BYTES // 1024 // 1024} MB."
            )
        data = upload.read()
        try:
            headers, _rows = importers.read_table(data, name)
            importers.column_positions(headers)
        except importers.ImportFileError as error:
            raise ValidationError(str(error)) from error
        return data, extension
