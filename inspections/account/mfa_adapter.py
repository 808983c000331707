"""allauth's MFA keeps each person's TOTP secret and recovery-code seed in the database; here
they are encrypted there (Fernet, with a key derived from DJANGO_SECRET_KEY), so a copy of the
database alone does not give away anyone's second factor. Rotating the secret key means people
set up two-factor authentication again."""

from __future__ import annotations

import base64
import hashlib

from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings

from inspections.services.people import WRONG_CODE


def fernet() -> Fernet:
    digest = hashlib.sha256(f"tracker-mfa:{settings.SECRET_KEY}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class TrackerMFAAdapter(DefaultMFAAdapter):
    error_messages = {**DefaultMFAAdapter.error_messages, "incorrect_code": WRONG_CODE}

    def encrypt(self, text: str) -> str:
        return fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return fernet().decrypt(encrypted_text.encode()).decode()

    def get_totp_issuer(self) -> str:
        return "Inspection recommendation tracker"

    def get_totp_label(self, user: object) -> str:
        return str(getattr(user, "username", user))
