"""The wording of inspection reports, as data. Each rule is a pattern and what it means; the
reader tries them in order. A new phrasing is a new entry here and a test beside it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from inspections.models import Addressee, FindingKind, Scope

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "eighteen": 18, "twenty-four": 24,
}  # fmt: skip
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = rf"\d{{1,2}}(?:st|nd|rd|th)? (?:{MONTHS}) \d{{4}}"
MONTH_YEAR = rf"(?:{MONTHS}) \d{{4}}"
SEP = r"\s*(?:[:.\u2013\u2014-]\s*)?"


@dataclass(frozen=True)
class Start:
    """A line that begins a finding: its kind, and whether the report numbers it."""

    kind: FindingKind
    pattern: re.Pattern[str]


STARTS = [
    Start(
        FindingKind.RECOMMENDATION,
        re.compile(rf"^Recommendation (?P<number>\d+){SEP}(?P<rest>.*)$", re.I),
    ),
    Start(
        FindingKind.CAUSE_OF_CONCERN,
        re.compile(rf"^Cause (?:of|for) concern(?: (?P<number>\d+))?{SEP}(?P<rest>.*)$", re.I),
    ),
    Start(
        FindingKind.AREA_FOR_IMPROVEMENT,
        re.compile(rf"^Area for improvement(?: (?P<number>\d+))?{SEP}(?P<rest>.*)$", re.I),
    ),
]

# Under a cause of concern: the heading (with or without its lead-in) of its recommendations.
CAUSE_RECOMMENDATIONS = re.compile(r"^Recommendations?\s*:?\s*(?P<rest>.*)$", re.I)
# A bullet or lettered item in a list of recommendations.
BULLET = re.compile(r"^(?:[\u2022\u25cf\u25aa\u2013*-]|\(?[a-z]\)|\d+\))\s+(?P<rest>.+)$")
# Headings that end whatever finding came before (a line of its own).
STOP_HEADINGS = re.compile(
    r"^(?:Contents|Summary|Introduction|About (?:this|the) (?:report|inspection)|Foreword|"
    r"Our (?:findings|judgments?)|Methodology|Annex|Appendix|Glossary|Next steps|"
    r"Areas? for improvement|Causes? (?:of|for) concern|Recommendations|"
    r"Innovative practice|Promising practice|Conclusion|Findings)\b[^.]*$",
    re.I,
)

PUBLISHED = [
    re.compile(rf"\bPublished(?: on)?:?\s*(?P<date>{DATE})", re.I),
    re.compile(rf"\bPublication date:?\s*(?P<date>{DATE})", re.I),
    re.compile(rf"\bDate of publication:?\s*(?P<date>{DATE})", re.I),
]


@dataclass(frozen=True)
class DeadlineRule:
    """A deadline in the report's words, found before the finding's 'should'."""

    kind: str  # date, by_month, immediate, within_months
    pattern: re.Pattern[str]


DEADLINES = [
    DeadlineRule("immediate", re.compile(r"\bwith immediate effect\b", re.I)),
    DeadlineRule("immediate", re.compile(r"\bimmediately\b", re.I)),
    DeadlineRule("date", re.compile(rf"\bby (?P<date>{DATE})\b", re.I)),
    DeadlineRule("by_month", re.compile(rf"\bby (?:the end of )?(?P<month>{MONTH_YEAR})\b", re.I)),
    DeadlineRule(
        "within_months",
        re.compile(rf"\bwithin (?P<months>\d+|{'|'.join(NUMBER_WORDS)}) months?\b", re.I),
    ),
]


@dataclass(frozen=True)
class AddresseeRule:
    """Who a finding is addressed to, read from the words before its 'should'."""

    addressee: Addressee
    scope: Scope
    pattern: re.Pattern[str]


ADDRESSEES = [
    # Before "chief constables": "each assistant chief constable regional firearms lead".
    AddresseeRule(
        Addressee.REGIONAL_ACC_LEADS,
        Scope.LOCAL,
        re.compile(r"\bregional (?:ACC )?(?:firearms|armed policing) leads?\b", re.I),
    ),
    AddresseeRule(
        Addressee.COLLEGE_OF_POLICING, Scope.NATIONAL, re.compile(r"\bCollege of Policing\b", re.I)
    ),
    AddresseeRule(
        Addressee.NPCC,
        Scope.NATIONAL,
        re.compile(r"\bNational Police Chiefs['\u2019]? Council\b|\bNPCC\b", re.I),
    ),
    AddresseeRule(
        Addressee.HOME_OFFICE, Scope.NATIONAL, re.compile(r"\bHome (?:Office|Secretary)\b", re.I)
    ),
    AddresseeRule(
        Addressee.COUNTER_TERRORISM_POLICING,
        Scope.NATIONAL,
        re.compile(r"\bCounter Terrorism Policing\b", re.I),
    ),
    AddresseeRule(
        Addressee.CHIEF_CONSTABLES,
        Scope.LOCAL,
        re.compile(r"\bchief constables?\b|\bthe force\b|\bforces\b|\bchief officers\b", re.I),
    ),
    # Fire and rescue inspections: the service, its chief fire officer.
    AddresseeRule(
        Addressee.OTHER,
        Scope.LOCAL,
        re.compile(r"\bthe service\b|\bfire and rescue services?\b|\bchief fire officers?\b", re.I),
    ),
]
