"""The form that makes a meeting pack."""

from __future__ import annotations

from typing import Any

from django import forms

from inspections.formfields import GovukDateField
from inspections.models import Force, Marking, RagRule, Region, User

from .queries import AS_AT_MADE, AS_AT_MEETING, rag_definition


class MeetingPackForm(forms.Form):
    area = forms.ChoiceField(
        label="Which force or region is the meeting about?",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    meeting_date = GovukDateField(label="Date of the meeting", subject="the meeting's date")
    as_at = forms.ChoiceField(
        label="What date are the figures as at?",
        choices=[
            (AS_AT_MADE, "As they stand when the pack is made"),
            (AS_AT_MEETING, "As they will stand on the meeting's date"),
        ],
        initial=AS_AT_MADE,
        required=False,
        widget=forms.RadioSelect,
    )
    as_at_hints = {
        AS_AT_MADE: "What is overdue and due soon now. Usual for a pack sent before the meeting.",
        AS_AT_MEETING: "What will be overdue by the meeting if nothing changes. The pack says so.",
    }
    marking = forms.ChoiceField(
        label="Protective marking",
        choices=Marking.choices,
        initial=Marking.OFFICIAL,
        required=False,
        widget=forms.RadioSelect,
        help_text="Printed on the cover and on every page of the pack.",
    )
    rag_rule = forms.ChoiceField(
        label="How are red, amber and green decided?",
        choices=RagRule.choices,
        widget=forms.RadioSelect,
        help_text="Printed on the pack, so readers know what the colours mean.",
    )

    def __init__(self, *args: Any, user: User, rag_rule: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})["rag_rule"] = rag_rule
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ChoiceField)
        if user.sees_all_forces:
            forces = [(f"force:{f.slug}", f.name) for f in Force.objects.order_by("name")]
            regions = [(f"region:{r.slug}", f"{r.name} region") for r in Region.objects.all()]
            area.choices = [("Forces", forces), ("Regions", regions)]
        elif user.force is not None:
            area.choices = [(f"force:{user.force.slug}", user.force.name)]
            area.initial = f"force:{user.force.slug}"
        self.rag_hints = {rule.value: rag_definition(rule) for rule in RagRule}

    def clean_marking(self) -> str:
        return self.cleaned_data.get("marking") or Marking.NONE

    def clean_as_at(self) -> str:
        # Not chosen: as at the day the pack is made, as the brief's default.
        return self.cleaned_data.get("as_at") or AS_AT_MADE

    def chosen_area(self) -> tuple[Force | None, Region | None]:
        kind, _, slug = self.cleaned_data["area"].partition(":")
        if kind == "force":
            return Force.objects.get(slug=slug), None
        return None, Region.objects.get(slug=slug)
