"""The tracker's idea of today. Reports, admin filters and validation all ask here, so a test
(or a training copy) can fix the date with the TRACKER_TODAY setting and everything agrees."""

import datetime

from django.conf import settings
from django.utils import timezone


def today() -> datetime.date:
    fixed = getattr(settings, "TRACKER_TODAY", None)
    if fixed:
        return fixed if isinstance(fixed, datetime.date) else datetime.date.fromisoformat(fixed)
    return timezone.localdate()
