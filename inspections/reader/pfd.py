"""A coroner's report to prevent future deaths (regulation 28 of the Coroners (Investigations)
Regulations 2013), as judiciary.uk publishes it (its page, or the PDF of the report) or pasted:
who it is sent to, the coroner, the deceased, the date of the report (from which the 56 days
run) and each matter of concern, numbered as the report numbers them. The reports follow one
template (numbered sections: CORONER, INVESTIGATION and INQUEST, CORONER'S CONCERNS, YOUR
RESPONSE…), whose words are the patterns below."""

from __future__ import annotations

import datetime
import re

from inspections.models import Addressee, FindingKind, Scope, Source, duty_of

from .documents import DocumentRefused, Text
from .read import MAX_FINDINGS, ReadFinding, Reading, parse_date

MARK = re.compile(
    r"regulation 28|reports? to prevent future deaths|prevention of future deaths", re.I
)
# A section heading of the template, with or without its number ("5 CORONER'S CONCERNS").
SECTION = re.compile(
    r"^(?:\d{1,2}\.?\s+)?(?P<name>THIS REPORT IS BEING SENT TO|CORONER[’']?S LEGAL POWERS|"
    r"INVESTIGATION AND INQUEST|CIRCUMSTANCES OF (?:THE )?DEATH|CORONER[’']?S CONCERNS|"
    r"ACTION SHOULD BE TAKEN|YOUR RESPONSE|COPIES AND PUBLICATION|CORONER)(?![’'\w]):?"
    r"(?P<rest>.*)$",
    re.I,
)
CONCERNS_LEAD = re.compile(r"the matters? of concern (?:is|are)(?: as follows)?", re.I)
NUMBERED = re.compile(r"^\(?(?P<number>\d{1,2})[.)]\s+(?P<rest>\S.*)$")
CORONER = re.compile(
    r"I am (?P<name>[^,]+),\s*(?P<role>(?:HM |His Majesty's |Her Majesty's )?(?:Senior |Area |"
    r"Assistant |Deputy )?Coroner)\s+for\s+(?:the\s+)?(?:coroner\s+area\s+of\s+)?(?P<area>[^.]+)",
    re.I,
)
DECEASED = re.compile(
    r"(?:into the death of|Deceased name:?)[ \t]+(?P<name>[A-Z][^,.;(\n]+?)"
    r"(?:\s+aged\b|[,.;(]|$)",
    re.M,
)
NUMERIC_DATE = re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})")
DATE_OF_REPORT = re.compile(r"Date of report:?\s*(?P<date>.+)$", re.I)
NAMELY_BY = re.compile(r"namely by (?P<date>\d{1,2}(?:st|nd|rd|th)? \w+ \d{4})", re.I)
# The coroner's duty's period: a report asks for the response "namely by" this many days on.
RESPONSE_DAYS = duty_of(Source.CORONER).days or 0


def is_pfd(source: Text) -> bool:
    """Whether the document is a prevention of future deaths report: the template's mark near
    its start, and its section on the coroner's concerns."""
    head = " ".join(source.lines[:80])
    return bool(MARK.search(head)) and any(
        (found := SECTION.match(line)) and "CONCERN" in found.group("name").upper()
        for line in source.lines
    )


def any_date(words: str) -> datetime.date | None:
    words = words.strip()
    if found := NUMERIC_DATE.search(words):
        try:
            return datetime.date(int(found["y"]), int(found["m"]), int(found["d"]))
        except ValueError:
            return None
    return parse_date(" ".join(words.split()[:3]))


def sections(lines: list[str]) -> dict[str, list[str]]:
    """The template's sections by name (upper case), each with its lines in order."""
    found: dict[str, list[str]] = {"": []}
    name = ""
    for line in lines:
        if heading := SECTION.match(line.strip()):
            name = heading.group("name").upper().replace("’", "'").replace("CORONERS", "CORONER'S")
            found.setdefault(name, [])
            if rest := heading.group("rest").strip(" :"):
                found[name].append(rest)
            continue
        found.setdefault(name, []).append(line)
    return found


def concerns(lines: list[str]) -> list[tuple[int, str]]:
    """The matters of concern: numbered where the report numbers them, else one for each
    paragraph after its lead-in ("The MATTERS OF CONCERN are as follows")."""
    after = next((n for n, line in enumerate(lines) if CONCERNS_LEAD.search(line)), None)
    body = lines[after + 1 :] if after is not None else lines
    numbered: list[tuple[int, list[str]]] = []
    paragraphs: list[list[str]] = [[]]
    for line in body:
        if not line.strip():
            paragraphs.append([])
            continue
        if match := NUMBERED.match(line.strip()):
            numbered.append((int(match["number"]), [match["rest"]]))
        elif numbered:
            numbered[-1][1].append(line.strip())
        paragraphs[-1].append(line.strip())
    if numbered:
        return [(number, " ".join(" ".join(parts).split())) for number, parts in numbered]
    texts = [" ".join(" ".join(p).split()) for p in paragraphs if p]
    return list(enumerate((t for t in texts if t), start=1))


def report_date(source: Text, parts: dict[str, list[str]]) -> datetime.date | None:
    """The date of the report: as the judiciary.uk page gives it, else 56 days before the date
    the response is asked for ("namely by 10 May 2024"), else the date it is signed on."""
    for line in source.lines:
        if (found := DATE_OF_REPORT.search(line)) and (day := any_date(found["date"])):
            return day
    for line in source.lines:
        if (found := NAMELY_BY.search(line)) and (day := parse_date(found["date"])):
            return day - datetime.timedelta(days=RESPONSE_DAYS)
    for line in reversed(parts.get("COPIES AND PUBLICATION", [])):
        if day := any_date(line):
            return day
    return None


def sent_to(lines: list[str]) -> list[str]:
    """Whom the report is sent to: numbered ("1. The Chief Constable, …"), even where a PDF
    wraps them across lines; or one to a line; or several on one line as judiciary.uk's summary
    gives them ("A | B")."""
    kept = [line for line in lines if line.strip() and not MARK.search(line)]
    joined = " ".join(" ".join(kept).split())
    if re.match(r"^\(?1[.)]\s", joined):
        names = re.split(r"(?:^|\s)\(?\d{1,2}[.)]\s+", joined)
    else:
        names = [name for line in kept for name in line.split("|")]
    cleaned = (NUMBERED.sub(r"\g<rest>", name.strip()).strip(" .;") for name in names)
    return list(dict.fromkeys(name for name in cleaned if name and not name.isdigit()))


def read_pfd(source: Text) -> Reading:
    parts = sections(source.lines)
    text = "\n".join(source.lines)
    coroner = CORONER.search(" ".join(parts.get("CORONER", [])) or text)
    issued_by = ""
    if coroner is not None:
        role = coroner["role"].strip()
        role = role if role.upper().startswith(("HM ", "HIS ", "HER ")) else f"HM {role}"
        issued_by = f"{role} for {coroner['area'].strip()}"
    # Searched paragraph by paragraph, its lines joined: a PDF breaks a name across lines.
    paragraphs = " ".join(line or "\n" for line in source.lines).split("\n")
    deceased = next(
        (found for p in paragraphs if (found := DECEASED.search(" ".join(p.split())))), None
    )
    title = "Prevention of future deaths report" + (
        f": {deceased['name'].strip()}" if deceased else ""
    )
    receivers = sent_to(parts.get("THIS REPORT IS BEING SENT TO", []))
    addressee = "; ".join(receivers)
    dated = report_date(source, parts)
    listed = concerns(parts.get("CORONER'S CONCERNS", []))
    if len(listed) > MAX_FINDINGS:
        raise DocumentRefused(
            f"The report reads as {len(listed):,} matters of concern: the most one report can "
            f"have is {MAX_FINDINGS}."
        )
    findings = [
        ReadFinding(
            kind=FindingKind.RECOMMENDATION,
            number=number,
            parent=None,
            addressee_words=addressee,
            addressee=Addressee.CHIEF_CONSTABLES,
            scope=Scope.LOCAL,
            deadline={"type": "none"},
            text=words,
            source=words,
            unsure=[] if number else ["The report does not number it."],
        )
        for number, words in listed
    ]
    return Reading(
        title=title,
        published=dated,
        findings=findings,
        source=Source.CORONER,
        issued_by=issued_by,
        sent_on=dated,
        receivers=receivers,
    )
