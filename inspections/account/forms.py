"""Self-service: a person's own reminder setting. Passwords use Django's own forms."""

from __future__ import annotations

from django import forms

from inspections.models import User


class DigestForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["digest_frequency"]
        labels = {"digest_frequency": "How often do you want the reminder email?"}
        widgets = {"digest_frequency": forms.RadioSelect}
