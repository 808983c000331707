"""Self-service: a person's own reminder setting, and a new password from a reset link
(allauth's form, in the tracker's words). Changing a password uses Django's own form."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import ResetPasswordKeyForm
from django import forms

from inspections.models import User


class DigestForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["digest_frequency"]
        labels = {"digest_frequency": "How often do you want the reminder email?"}
        widgets = {"digest_frequency": forms.RadioSelect}


class NewPasswordForm(ResetPasswordKeyForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = "New password"
        self.fields["password2"].label = "Confirm new password"
