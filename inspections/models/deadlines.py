"""A finding's deadline in the report's own terms, and the date each form means (the design
brief's month arithmetic). Pure functions: the models keep the date, the services call these."""

import calendar
import datetime

from .choices import DeadlineKind


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or that month's last day when it has none: 31 August plus
    six months is 28 (or 29) February."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = month_end(year, month0 + 1)
    return last.replace(day=min(day.day, last.day))


def deadline_date(
    kind: str,
    entered: datetime.date | None,
    months: int | None,
    published: datetime.date | None,
) -> datetime.date | None:
    """The date a deadline means: the date entered; the last day of the month entered for 'by
    <month> <year>'; N months after publication for 'within N months'; publication day for 'with
    immediate effect'; none for a finding without a deadline (or not entered yet)."""
    if kind == DeadlineKind.DATE:
        return entered
    if kind == DeadlineKind.BY_MONTH:
        return None if entered is None else month_end(entered.year, entered.month)
    if kind == DeadlineKind.WITHIN_MONTHS:
        return None if published is None or months is None else add_months(published, months)
    if kind == DeadlineKind.IMMEDIATE:
        return published
    return None


MONTH_WORDS = {
    1: "one",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
    11: "eleven",
    12: "twelve",
}


def deadline_words(kind: str, entered: datetime.date | None, months: int | None) -> str:
    """A deadline as the report gives it: 'By 31 October 2023', 'With immediate effect',
    'Within six months', 'By July 2024', 'No deadline'."""
    if kind == DeadlineKind.IMMEDIATE:
        return "With immediate effect"
    if kind == DeadlineKind.NONE:
        return "No deadline"
    if kind == DeadlineKind.WITHIN_MONTHS and months:
        count = MONTH_WORDS.get(months, str(months))
        return f"Within {count} month{'s' if months != 1 else ''}"
    if kind == DeadlineKind.BY_MONTH and entered is not None:
        return f"By {entered:%B %Y}"
    if kind == DeadlineKind.DATE and entered is not None:
        return f"By {entered:%-d %B %Y}"
    return "Not entered yet"
