from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from inspections.formfields import GovukDateField
from inspections.models import (
    Force,
    Inspection,
    LetterPurpose,
    LetterTemplate,
    ProgressLetter,
    Responder,
)
from inspections.models.fields import PlainTextFormField
from inspections.models.letters import S55State
from inspections.pictures import image_problem
from inspections.reports.filters import AddressForm
from inspections.text import NARRATIVE_MAX, REASON_MAX, uploaded_file_problem, validate_plain_text

from .services import EDITABLE_FIELDS, TEMPLATE_TEXT_FIELDS

GOVUK_WIDGETS = {
    forms.Textarea: "govuk-textarea",
    forms.TextInput: "govuk-input",
    forms.DateInput: "govuk-input govuk-input--width-10",
}


class SectionField(PlainTextFormField):
    """A section's narrative field, carrying its section and any newer update for the page."""

    newer: Any
    section: Any


def govuk(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        for widget_type, css in GOVUK_WIDGETS.items():
            if isinstance(field.widget, widget_type):
                field.widget.attrs.setdefault("class", css)


class LetterForm(forms.ModelForm[ProgressLetter]):
    """Every paragraph of a draft, plus each recommendation's narrative as its own field."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    letter_date = GovukDateField(label="Date on the letter", subject="the date on the letter")

    class Meta:
        model = ProgressLetter
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "letterhead_address": forms.Textarea(attrs={"rows": 3}),
            "recipient_address": forms.Textarea(attrs={"rows": 4}),
            "opening": forms.Textarea(attrs={"rows": 8}),
            "closing": forms.Textarea(attrs={"rows": 5}),
            "signatory_title": forms.Textarea(attrs={"rows": 2}),
            "cc": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "purpose": "What the letter is",
            "cc": "Copied to (cc)",
            "letter_date": "Date on the letter",
            "letterhead_name": "Letterhead: the office's name",
            "letterhead_address": "Letterhead: the office's address",
            "reference": "Reference (optional)",
            "salutation": "Salutation (optional), e.g. Dear Home Secretary,",
            "valediction": "Valediction (optional), e.g. Yours sincerely,",
        }

    def __init__(self, *args: Any, newer: dict[int, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        newer = newer or {}
        self.fields["version"].initial = self.instance.version
        self.section_fields: list[tuple[Any, str]] = []
        for section in self.instance.sections.all():
            name = f"section_{section.pk}"
            field = SectionField(
                max_length=NARRATIVE_MAX,
                validators=[validate_plain_text],
                label=f"{section.reference}: the force's narrative",
                help_text=section.recommendation_text,
                initial=section.narrative,
                # A draft may be saved half-written; issuing needs every narrative.
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
            # A newer update than the one the narrative came from, offered beside the field.
            field.newer = newer.get(section.pk)
            field.section = section
            self.fields[name] = field
            self.section_fields.append((section, name))
        govuk(self)

    def narratives(self) -> dict[int, str]:
        return {section.pk: self.cleaned_data[name] for section, name in self.section_fields}

    def letter_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class IssueForm(forms.Form):
    issued_on = GovukDateField(label="When was it sent?", subject="the date it was sent")


class ResponseFilterForm(AddressForm):
    """The s.55 page's state filter and sort order, parsed from its address."""

    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[("", "Every state"), *S55State.choices],
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    sort = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[
            ("", "By region and force"),
            ("state", "By state, what needs chasing first"),
        ],
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )

    def apply(self, rows: list[Any]) -> list[Any]:
        state = self.cleaned_data.get("state")
        if state:
            rows = [row for row in rows if row.state == state]
        order = list(S55State.values)
        if self.cleaned_data.get("sort") == "state":
            rows = sorted(rows, key=lambda row: (order.index(row.state), row.force.name))
        return rows


class NewLetterForm(forms.Form):
    """Which report a new draft is on: one addressed to the force, by its address name. A value
    that is not a slug (a NUL, say) is refused before any query."""

    inspection = forms.SlugField(max_length=100)

    def __init__(self, *args: Any, force: Force, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.force = force

    def clean_inspection(self) -> Inspection:
        found = (
            Inspection.objects.addressed_to(self.force)
            .filter(slug=self.cleaned_data["inspection"])
            .first()
        )
        if found is None:
            raise forms.ValidationError("Choose the inspection the letter answers.")
        return found


class SentElsewhereForm(forms.Form):
    """A response the office sent outside the tracker."""

    inspection = forms.ModelChoiceField(
        label="Which report does it answer?",
        queryset=Inspection.objects.order_by("is_sample", "-published", "title"),
        empty_label="Choose the report",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    sent_on = GovukDateField(label="When was it sent?", subject="the date it was sent")
    file = forms.FileField(
        label="The signed letter",
        help_text="The file as sent, for example a PDF of the signed letter.",
    )
    purpose = forms.ChoiceField(
        label="What is the letter?",
        choices=LetterPurpose.choices,
        initial=LetterPurpose.RESPONSE,
        widget=forms.RadioSelect,
    )
    purpose_hints = {
        LetterPurpose.RESPONSE: "The first answer to the report, due within its period: for "
        "an inspection, the office's s.55 response within 56 days of publication; for a "
        "coroner or the IOPC, the force's within 56 days of the day it was sent.",
        LetterPurpose.PROGRESS: "A later letter on the progress made since the last one. It is "
        "listed, but never counted against the response's period.",
    }
    note = PlainTextFormField(
        label="Note (optional)",
        required=False,
        max_length=REASON_MAX,
        validators=[validate_plain_text],
        help_text="For example, where the letter was sent from, or who signed it.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        force: Force,
        reports: QuerySet[Inspection] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Only the reports addressed to the force can be answered, and of those only the ones
        # this person answers (``permissions.reports_answered_by``).
        field = self.fields["inspection"]
        assert isinstance(field, forms.ModelChoiceField)
        chosen = reports if reports is not None else Inspection.objects.addressed_to(force)
        field.queryset = chosen.order_by("is_sample", "-published", "title")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if problem := uploaded_file_problem(upload):
            raise forms.ValidationError(problem)
        return upload


class ChooseResponseForm(forms.Form):
    reason = PlainTextFormField(
        label="Why is this letter the response?",
        max_length=REASON_MAX,
        validators=[validate_plain_text],
        help_text="For example, the first letter was sent to the wrong office. Kept in the "
        "letters' history.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why this letter is the response: the reason is kept."},
    )


class WithdrawForm(forms.Form):
    reason = PlainTextFormField(
        label="Why is the record withdrawn?",
        max_length=REASON_MAX,
        validators=[validate_plain_text],
        help_text="For example, the wrong file or date was recorded. The record is kept.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublishForm(forms.Form):
    office_url = forms.URLField(
        label="Where else is it published? (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="The address of the page on the office's own website, if it is there too.",
    )
    with_chief_comments = forms.BooleanField(
        label="Publish the chief constable's comments, and the office's response to them, too",
        required=False,
    )

    def __init__(self, *args: Any, has_chief_comments: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not has_chief_comments:
            del self.fields["with_chief_comments"]


class ChiefCommentsForm(forms.Form):
    received_on = GovukDateField(
        label="When did the comments reach the office?", subject="the date they were received"
    )
    text = PlainTextFormField(
        label="The chief constable's comments",
        required=False,
        max_length=NARRATIVE_MAX,
        validators=[validate_plain_text],
        help_text="Paste the text, upload the letter below, or both.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    file = forms.FileField(
        label="The comments as a file (optional)",
        required=False,
        help_text="For example, the chief constable's signed letter as a PDF.",
    )
    pcc_response = PlainTextFormField(
        label="The office's response to the comments (optional)",
        required=False,
        max_length=NARRATIVE_MAX,
        validators=[validate_plain_text],
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, may_respond: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_respond:
            del self.fields["pcc_response"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload and (problem := uploaded_file_problem(upload)):
            raise forms.ValidationError(problem)
        return upload


class LetterTemplateForm(forms.ModelForm[LetterTemplate]):
    """The office's letterhead and forms of words; pictures replaced by uploading, or removed."""

    logo = forms.FileField(
        label="Logo (optional)",
        required=False,
        help_text="A PNG or JPEG of at most 1 MB, printed at the top of the letter.",
    )
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)
    signature = forms.FileField(
        label="Signature (optional)",
        required=False,
        help_text="A PNG or JPEG of the signature, at most 1 MB.",
    )
    remove_signature = forms.BooleanField(label="Remove the signature", required=False)

    class Meta:
        model = LetterTemplate
        fields = list(TEMPLATE_TEXT_FIELDS)
        labels = {
            "office_name": "The office's name",
            "office_address": "The office's address",
            "reference": "Reference (optional)",
            "salutation": "Salutation (optional)",
            "valediction": "Valediction (optional)",
            "signatory_name": "Signed by (optional)",
            "signatory_title": "Lines under the signature (optional)",
            "cc": "Copied to (cc) (optional)",
        }
        widgets = {
            "office_address": forms.Textarea(attrs={"rows": 4}),
            "signatory_title": forms.Textarea(attrs={"rows": 2}),
            "cc": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The force's own template (the letters it writes to a coroner or the IOPC) is the
        # force's letterhead, not the office's.
        if self.instance.writer == Responder.FORCE:
            self.fields["office_name"].label = "The force's name, as its letterhead gives it"
            self.fields["office_address"].label = "The force's address"

    def clean_logo(self) -> Any:
        return checked_image(self.cleaned_data.get("logo"))

    def clean_signature(self) -> Any:
        return checked_image(self.cleaned_data.get("signature"))


def checked_image(upload: Any) -> Any:
    if upload and (problem := image_problem(upload)):
        raise forms.ValidationError(problem)
    return upload


class ResponseDateForm(forms.Form):
    """A date the recommender gave for the response."""

    given = GovukDateField(
        label="The date the response is now due",
        subject="the date the response is now due",
        help_text="As the letter or email giving it says. For example, 30 6 2026",
    )
