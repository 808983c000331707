"""The report and its findings, as one page of fields: the report's own, then a row per finding
(more rows on request), each checked as the model checks it before anything is kept."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseModelFormSet, modelformset_factory

from inspections import services
from inspections.formfields import GovukDateField
from inspections.models import (
    AddressedTo,
    Addressee,
    DeadlineKind,
    Dependency,
    DependencyStatus,
    FindingKind,
    Force,
    ForceImplementation,
    Inspection,
    Recommendation,
    Scope,
    Source,
)
from inspections.reader.documents import MAX_BYTES as READ_LIMIT
from inspections.text import REASON_MAX

GOVUK = {
    forms.TextInput: "govuk-input",
    forms.NumberInput: "govuk-input govuk-input--width-3",
    forms.URLInput: "govuk-input",
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
}


def govuk(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        for widget, css in GOVUK.items():
            if type(field.widget) is widget:
                field.widget.attrs.setdefault("class", css)


class ReportForm(forms.ModelForm[Inspection]):
    """The report: what it is called, when it was published, who it is addressed to."""

    published = GovukDateField(label="Published on", subject="the publication date")
    sent_on = GovukDateField(
        label="Sent to the force or office on (optional)",
        subject="the day it was sent",
        required=False,
        help_text="For a coroner's report or an IOPC recommendation: the response period counts "
        "from this day. Left empty, it counts from publication.",
    )
    response_given = GovukDateField(
        label="Response due by, as the recommender gave it (optional)",
        subject="the date given for the response",
        required=False,
        help_text="Only where the recommender extended the response period, or set the date "
        "itself (internal audit). An HMICFRS report's s.55 date is never extended.",
    )

    class Meta:
        model = Inspection
        fields = [
            "source",
            "title",
            "short_title",
            "inspectorate",
            "published",
            "sent_on",
            "response_given",
            "url",
            "summary",
            "addressed_to",
            "forces",
        ]
        labels = {
            "source": "Whose report it is",
            "inspectorate": "Issued by, as letters name it (optional)",
            "title": "Title of the report",
            "short_title": "Short title (optional)",
            "url": "Where the report can be read (optional)",
            "summary": "What the inspection examined (optional)",
            "addressed_to": "Who the report is addressed to",
            "forces": "Which forces",
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "forces": forms.CheckboxSelectMultiple,
            "addressed_to": forms.RadioSelect,
        }

    def __init__(self, *args: Any, own_force: Force | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # PCC staff enter reports addressed to their own force alone: nothing to choose.
        self.own_force = own_force
        if own_force is not None:
            del self.fields["addressed_to"]
            del self.fields["forces"]
        else:
            field = self.fields["forces"]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = Force.objects.order_by("name")
            field.required = False
        # Optional on the page: an HMICFRS report, issued by the name its source goes by.
        self.fields["source"].required = False
        govuk(self)

    def clean_source(self) -> str:
        return str(self.cleaned_data.get("source") or Source.HMICFRS)

    def chosen_forces(self) -> list[Force]:
        if self.own_force is not None:
            return [self.own_force]
        return list(self.cleaned_data.get("forces") or [])

    def save(self, commit: bool = False) -> Inspection:
        report: Inspection = super().save(commit=False)
        if self.own_force is not None:
            report.addressed_to = AddressedTo.CHOSEN_FORCES
        if not report.slug:
            report.slug = unique_slug(report.short_title or report.title)
        return report


def unique_slug(words: str) -> str:
    return services.unique_inspection_slug(words)


class FindingForm(forms.ModelForm[Recommendation]):
    """One finding, as the report words it."""

    under = forms.IntegerField(
        label="Under cause of concern number (optional)",
        required=False,
        min_value=1,
        help_text="For a recommendation the report makes under a cause of concern.",
        widget=forms.NumberInput,
    )
    deadline = GovukDateField(
        label="The date (for 'by a date' or 'by the end of a month')",
        subject="the deadline",
        required=False,
    )

    class Meta:
        model = Recommendation
        fields = [
            "kind",
            "number",
            "short_title",
            "scope",
            "addressee",
            "deadline_kind",
            "deadline",
            "deadline_months",
            "text",
        ]
        labels = {
            "kind": "Kind",
            "number": "Number in the report",
            "short_title": "Short title (optional)",
            "scope": "Who acts on it",
            "addressee": "Addressed to",
            "deadline_kind": "Deadline, in the report's words",
            "deadline_months": "Number of months (for 'within a number of months')",
            "text": "Its full wording",
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cause = self.instance.cause_of_concern if self.instance.pk else None
        if cause is not None:
            self.fields["under"].initial = cause.number
        for name, value in self.row_defaults().items():
            self.fields[name].initial = value
        govuk(self)

    @staticmethod
    def row_defaults() -> dict[str, str]:
        """What most findings are: a local recommendation for chief constables, by a date."""
        return {
            "kind": FindingKind.RECOMMENDATION,
            "scope": Scope.LOCAL,
            "addressee": Addressee.CHIEF_CONSTABLES,
            "deadline_kind": DeadlineKind.DATE,
        }

    def validate_constraints(self) -> None:
        # A row's deadline is worked out from the report's publication date, which the row
        # does not know: the constraints are checked with it when the report is kept
        # (services.save_report), and a refusal there names the finding.
        return


class BaseFindingFormSet(BaseModelFormSet[Any, Any]):
    def removing(self, form: forms.BaseForm) -> bool:
        """Whether the row's 'Remove' box is ticked."""
        return (
            bool(self.can_delete and form.cleaned_data.get("DELETE"))
            if hasattr(form, "cleaned_data")
            else False
        )

    def clean(self) -> None:
        super().clean()
        seen: dict[tuple[str, int], int] = {}
        for index, form in enumerate(self.forms, start=1):
            blank = not form.has_changed() and not form.instance.pk
            if blank or self.removing(form) or not form.is_valid():
                continue
            key = (form.cleaned_data["kind"], form.cleaned_data["number"])
            if key in seen:
                form.add_error(
                    "number",
                    f"Finding {index} repeats finding {seen[key]}: each kind is numbered once.",
                )
            else:
                seen[key] = index
        causes = {number for kind, number in seen if kind == FindingKind.CAUSE_OF_CONCERN}
        for form in self.forms:
            under = form.cleaned_data.get("under") if hasattr(form, "cleaned_data") else None
            if under and under not in causes:
                form.add_error("under", f"There is no cause of concern {under} on this page.")

    def findings(self) -> tuple[list[Recommendation], list[Recommendation]]:
        """The findings to keep, each pointing at its cause of concern, and those removed. A
        blank extra row is no finding."""
        kept: list[tuple[forms.ModelForm[Recommendation], Recommendation]] = []
        removed: list[Recommendation] = []
        for form in self.forms:
            if self.removing(form):
                if form.instance.pk:
                    removed.append(form.instance)
            elif form.has_changed() or form.instance.pk:
                kept.append((form, form.save(commit=False)))
        causes = {
            finding.number: finding
            for _form, finding in kept
            if finding.kind == FindingKind.CAUSE_OF_CONCERN
        }
        for row, finding in kept:
            under = row.cleaned_data.get("under")
            finding.cause_of_concern = causes.get(under) if under else None
        return [finding for _form, finding in kept], removed


FindingFormSet = modelformset_factory(
    Recommendation, form=FindingForm, formset=BaseFindingFormSet, extra=0, can_delete=True
)


def findings_formset(
    data: Any = None, *, report: Inspection | None, rows: int = 3
) -> BaseFindingFormSet:
    queryset = (
        report.recommendations.select_related("cause_of_concern")
        if report is not None and report.pk
        else Recommendation.objects.none()
    )
    formset = FindingFormSet(data, queryset=queryset, prefix="finding")
    assert isinstance(formset, BaseFindingFormSet)
    formset.extra = rows if data is None else 0
    return formset


class DeliveryForm(forms.Form):
    """National or regional work delivered (or withdrawn): what happened, when, where."""

    status = forms.ChoiceField(
        label="What happened",
        choices=[
            (DependencyStatus.DELIVERED, "Delivered"),
            (DependencyStatus.WITHDRAWN, "Withdrawn"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it was delivered or withdrawn."},
    )
    on = GovukDateField(label="On what date", subject="the date")
    url = forms.URLField(
        label="Link to what was published (optional)",
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "govuk-input"}),
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class FindingChoice(forms.ModelMultipleChoiceField[Recommendation]):
    def label_from_instance(self, obj: Recommendation) -> str:
        report = obj.inspection.short_title or obj.inspection.title
        return f"{report}: {obj.label}"


class DependencyForm(forms.ModelForm[Dependency]):
    """National or regional work that findings wait on: what it is, who delivers it, when it is
    expected, and which findings cannot be finished without it."""

    expected_date = GovukDateField(
        label="When it is expected (optional)", subject="the expected date", required=False
    )
    recommendations = FindingChoice(
        label="Which findings wait on it",
        queryset=Recommendation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Forces can still choose it on any item; these are offered first.",
    )

    class Meta:
        model = Dependency
        fields = ["title", "kind", "owner", "expected_date", "url", "recommendations"]
        labels = {
            "title": "What it is",
            "kind": "Kind of work",
            "owner": "Who delivers it",
            "url": "Where it is published (optional)",
        }
        help_texts = {
            "owner": "For example, the College of Policing or the regional firearms lead.",
            "url": "",
        }
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["recommendations"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = (
            Recommendation.objects.local()
            .filter(inspection__released_at__isnull=False)
            .select_related("inspection")
            .order_by("-inspection__published", "inspection__title", "kind", "number")
        )
        govuk(self)


class CorrectionForm(forms.Form):
    """A dependency's status recorded by mistake, put right with a reason that is kept."""

    status = forms.ChoiceField(
        label="What its status should be",
        choices=DependencyStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what its status should be."},
    )
    on = GovukDateField(
        label="Delivered or withdrawn on (not for pending)", subject="the date", required=False
    )
    reason = forms.CharField(
        label="Why it is being corrected",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
        help_text="Kept in its history.",
        error_messages={"required": "Say why the status is being corrected: the reason is kept."},
    )


def delivery_recorded(moved: list[ForceImplementation]) -> str:
    """What recording a dependency delivered (or withdrawn) did, for the page that did it."""
    forces = len({item.force_id for item in moved})
    return (
        f"Recorded. {len(moved)} item{'s'[: len(moved) != 1]} in {forces} "
        f"force{'s'[: forces != 1]} now need review; those forces have been emailed."
    )


class ImportForm(forms.Form):
    """A report as its document: a saved HTML page or a PDF, or its text pasted."""

    document = forms.FileField(
        label="The report's document",
        required=False,
        help_text="The report saved from its web page (.html), or its PDF.",
    )
    text = forms.CharField(
        label="Or paste the report's text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "govuk-textarea"}),
        help_text="Everything from the title to the last finding; headings on lines of their own.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        document, text = cleaned.get("document"), (cleaned.get("text") or "").strip()
        if not document and not text:
            raise ValidationError("Choose the report's document, or paste its text.")
        if document and text:
            raise ValidationError("Choose a document or paste text, not both.")
        return cleaned

    def data_to_read(self) -> bytes:
        document = self.cleaned_data.get("document")
        if document:
            if document.size > READ_LIMIT:
                raise ValidationError(
                    f"The file is {document.size // (1024 * 1024)} MB: the largest report that "
                    f"can be read is {READ_LIMIT // (1024 * 1024)} MB."
                )
            return bytes(document.read())
        return str(self.cleaned_data["text"]).encode()
