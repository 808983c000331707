"""From a report's lines to its findings. One pass over the lines with the rules of
``rules.py``: a line that starts a finding opens it; the paragraphs that continue it are its
wording; a cause of concern's "Recommendations" and their bullets become recommendations under
it; a heading, or a paragraph that does not continue the wording, closes it."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from inspections.models import Addressee, FindingKind, Scope
from inspections.text import is_plain_number

from . import rules
from .documents import DocumentRefused, Text

MAX_FINDINGS = 500
ASKS = re.compile(r"\b(?:should|must|needs? to|we recommend)\b", re.I)


@dataclass
class ReadFinding:
    kind: FindingKind
    number: int
    parent: int | None
    addressee_words: str
    addressee: Addressee
    scope: Scope
    deadline: dict[str, Any]
    text: str
    source: str
    unsure: list[str] = field(default_factory=list)
    # "By October 2023": a date (the month's last day) that the report gave as a month.
    by_month: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "number": self.number,
            "parent": self.parent,
            "addressee": self.addressee_words,
            "scope": str(self.scope),
            "deadline": self.deadline,
            "text": self.text,
        }


@dataclass
class Reading:
    title: str
    published: datetime.date | None
    findings: list[ReadFinding]
    skipped: list[str] = field(default_factory=list)
    # What a report other than an inspection says of itself (a coroner's: ``pfd.py``).
    source: str = ""
    issued_by: str = ""
    sent_on: datetime.date | None = None
    receivers: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            **(
                {
                    "source": self.source,
                    "issued_by": self.issued_by,
                    "sent_on": self.sent_on.isoformat() if self.sent_on else None,
                    "sent_to": self.receivers,
                }
                if self.source
                else {}
            ),
            "findings": [finding.as_json() for finding in self.findings],
        }


@dataclass(eq=False)
class Draft:
    kind: FindingKind
    number: int | None
    parent: Draft | None
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}


def parse_date(words: str) -> datetime.date | None:
    """'31 October 2023' (or '31st October 2023') as a date; None if it is not one."""
    parts = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", words.strip()).split()
    if len(parts) != 3 or parts[1].lower() not in MONTH_NUMBERS:
        return None
    try:
        return datetime.date(int(parts[2]), MONTH_NUMBERS[parts[1].lower()], int(parts[0]))
    except ValueError:
        return None


def month_end(words: str) -> datetime.date:
    """'October 2023' as the last day of that month."""
    name, year = words.split()
    month = MONTH_NUMBERS[name.lower()]
    return datetime.date(int(year), month, calendar.monthrange(int(year), month)[1])


def ends_sentence(line: str) -> bool:
    return line.rstrip().endswith((".", ":", ";", "?", "!", ".\u201d", ".'", '."'))


def looks_like_heading(line: str) -> bool:
    return (
        len(line) < 80
        and not ends_sentence(line)
        and not line.endswith(",")
        and line[:1].isupper()
        and not rules.BULLET.match(line)
    )


def continues(current: Draft, line: str, after_break: bool) -> bool:
    """Whether a line carries on the finding being read: a list in its wording; within its
    paragraph, anything but a heading after a finished sentence; after a paragraph break, only
    what its wording leads into (it ended with a colon, or the line starts in lower case)."""
    if rules.BULLET.match(line):
        return True
    if after_break:
        text = current.text
        return not text or text.endswith(":") or line[:1].islower()
    last = current.parts[-1] if current.parts else ""
    return not (looks_like_heading(line) and (not last or ends_sentence(last)))


def read_text(source: Text) -> Reading:
    lines = source.lines
    title = source.title or next((line for line in lines if line), "")
    scanner = Scanner()
    for line in lines:
        scanner.take(line)
    scanner.close()
    return finish(title, published_on(lines), scanner.drafts)


def published_on(lines: list[str]) -> datetime.date | None:
    for line in lines:
        for pattern in rules.PUBLISHED:
            if found := pattern.search(line):
                return parse_date(found.group("date"))
    return None


class Scanner:
    """One pass over a report's lines, keeping the finding being read."""

    def __init__(self) -> None:
        self.drafts: list[Draft] = []
        self.current: Draft | None = None
        # The cause of concern whose recommendations may follow, and the lead-in to their list
        # ("To address this cause of concern, within three months the force should:").
        self.cause: Draft | None = None
        self.lead_in: str | None = None
        self.after_break = False

    def close(self) -> None:
        if self.current is not None and self.current.text:
            self.drafts.append(self.current)
        self.current = None

    def take(self, line: str) -> None:
        if not line:
            self.after_break = True
            return
        handled = (
            self.starts_finding(line)
            or self.starts_cause_recommendations(line)
            or self.continues_cause_list(line)
            or self.is_stop_heading(line)
        )
        if not handled:
            if self.current is not None and continues(self.current, line, self.after_break):
                self.current.parts.append(line)
            else:
                self.close()
        self.after_break = False

    def starts_finding(self, line: str) -> bool:
        if line.endswith("?"):
            return False
        for start in rules.STARTS:
            if match := start.pattern.match(line):
                self.close()
                number = int(match.group("number")) if match.group("number") else None
                rest = match.group("rest").strip()
                self.current = Draft(start.kind, number, None, [rest] if rest else [])
                is_cause = start.kind == FindingKind.CAUSE_OF_CONCERN
                self.cause = self.current if is_cause else None
                self.lead_in = None
                return True
        return False

    def starts_cause_recommendations(self, line: str) -> bool:
        heading = rules.CAUSE_RECOMMENDATIONS.match(line) if self.cause is not None else None
        if heading is None:
            return False
        self.close()
        self.lead_in = heading.group("rest").strip()
        if self.lead_in and not self.lead_in.endswith(":") and ASKS.search(self.lead_in):
            # One recommendation, written out in the heading's own sentence.
            self.current = Draft(FindingKind.RECOMMENDATION, None, self.cause, [self.lead_in])
            self.lead_in = None
        return True

    def continues_cause_list(self, line: str) -> bool:
        if self.cause is None or self.lead_in is None:
            return False
        if bullet := rules.BULLET.match(line):
            self.close()
            stem = self.lead_in.rstrip(":").strip()
            self.current = Draft(
                FindingKind.RECOMMENDATION, None, self.cause, [stem, bullet.group("rest")]
            )
            return True
        if self.current is None and not self.lead_in:
            self.lead_in = line
            return True
        if self.current is None and not self.after_break and not self.lead_in.endswith(":"):
            self.lead_in = f"{self.lead_in} {line}"
            return True
        return False

    def is_stop_heading(self, line: str) -> bool:
        if not (rules.STOP_HEADINGS.match(line) and looks_like_heading(line)):
            return False
        self.close()
        self.cause, self.lead_in = None, None
        return True


def finish(title: str, published: datetime.date | None, drafts: list[Draft]) -> Reading:
    if len(drafts) > MAX_FINDINGS:
        raise DocumentRefused(
            f"The document reads as {len(drafts):,} findings: the most one report can have is "
            f"{MAX_FINDINGS}. Is it several reports in one?"
        )
    skipped: list[str] = []
    findings: list[ReadFinding] = []
    seen: dict[tuple[FindingKind, int], ReadFinding] = {}
    numbered = {(d.kind, d.number) for d in drafts if d.number is not None}
    next_free: dict[FindingKind, int] = {}
    number_of: dict[Draft, int] = {}
    for draft in drafts:
        text = draft.text
        if draft.kind != FindingKind.CAUSE_OF_CONCERN and not ASKS.search(text):
            skipped.append(f"{draft.kind.label} {draft.number or ''}: {text[:80]}".strip())
            continue
        unsure: list[str] = []
        number = draft.number
        if number is None:
            candidate = next_free.get(draft.kind, 1)
            while (draft.kind, candidate) in numbered:
                candidate += 1
            number = candidate
            numbered.add((draft.kind, number))
            next_free[draft.kind] = number + 1
            unsure.append(
                f"The report does not number it: numbered {number} in the order it appears."
            )
        number_of[draft] = number
        key = (draft.kind, number)
        if key in seen:
            if seen[key].text != text:
                seen[key].unsure.append(
                    f"The report words {draft.kind.label.lower()} {number} differently in "
                    f"another place: {text[:120]}"
                )
            continue
        parent = number_of.get(draft.parent) if draft.parent is not None else None
        finding = understood(draft, number, parent, text, unsure)
        seen[key] = finding
        findings.append(finding)
    order = {FindingKind.CAUSE_OF_CONCERN: 0, FindingKind.RECOMMENDATION: 1}
    findings.sort(key=lambda f: (order.get(f.kind, 2), f.number))
    return Reading(title, published, findings, skipped)


def understood(
    draft: Draft, number: int, parent: int | None, text: str, unsure: list[str]
) -> ReadFinding:
    asks = ASKS.search(text)
    subject = text[: asks.start()] if asks else ""
    deadline: dict[str, Any] = {"type": "none"}
    deadline_words = ""
    by_month = False
    for rule in rules.DEADLINES:
        if found := rule.pattern.search(subject):
            deadline_words = found.group(0)
            if rule.kind == "date":
                date = parse_date(found.group("date"))
                deadline = {"type": "date", "date": date.isoformat()} if date else deadline
            elif rule.kind == "by_month":
                deadline = {"type": "date", "date": month_end(found.group("month")).isoformat()}
                by_month = True
            elif rule.kind == "within_months":
                words = found.group("months").lower()
                months = int(words) if is_plain_number(words) else rules.NUMBER_WORDS[words]
                deadline = {"type": "within_months", "months": months}
            else:
                deadline = {"type": "immediate"}
            break
    if deadline["type"] == "none" and draft.kind == FindingKind.RECOMMENDATION:
        unsure.append("No deadline found in its words: check whether it has one.")
    addressee, scope = Addressee.OTHER, Scope.LOCAL
    words = ""
    if draft.kind == FindingKind.CAUSE_OF_CONCERN:
        addressee, words = Addressee.CHIEF_CONSTABLES, "the force"
    else:
        matched = next((r for r in rules.ADDRESSEES if r.pattern.search(subject)), None)
        if matched is not None:
            addressee, scope = matched.addressee, matched.scope
        words = subject.replace(deadline_words, "").strip(" ,.;:")
        words = re.sub(r"^(?:to address this cause (?:of|for) concern,?\s*)", "", words, flags=re.I)
        words = words.strip(" ,") or ""
        if matched is None:
            unsure.append("Could not tell who it is addressed to.")
    return ReadFinding(
        kind=draft.kind,
        number=number,
        parent=parent,
        addressee_words=words,
        addressee=addressee,
        scope=scope,
        deadline=deadline,
        text=text,
        source=" ".join(draft.parts),
        unsure=unsure,
        by_month=by_month,
    )
