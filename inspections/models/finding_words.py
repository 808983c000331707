"""How findings are referred to: in reports, in sentences, in narrow columns, in page addresses
and in spreadsheets, from their kind and number."""

from typing import Protocol

from django.utils.text import Truncator

from inspections.text import is_plain_number

from .choices import FINDING_WORDS, FindingKind


def finding_reference(kind: str, number: int) -> str:
    """As a report refers to a finding: 'Recommendation 3', 'Cause of concern 1', 'AFI 7'."""
    return f"{FINDING_WORDS[kind][0]} {number}"


def finding_reference_in_text(kind: str, number: int) -> str:
    """The same inside a sentence: 'recommendation 3', 'cause of concern 1', 'AFI 7'."""
    words = FINDING_WORDS[kind][0]
    return f"{words if words.isupper() else words.lower()} {number}"


def finding_column_name(kind: str, number: int) -> str:
    """A narrow column's heading: 'Rec. 3', 'CoC 1', 'AFI 7'."""
    return f"{FINDING_WORDS[kind][1]} {number}"


def finding_ref(kind: str, number: int) -> str:
    """A finding's part of a page address: '3' for recommendation 3, 'afi-7', 'coc-1'."""
    return f"{FINDING_WORDS[kind][2]}{number}"


def finding_short_words(short_title: str, text: str) -> str:
    """A finding's short title, or the first ten words of its text."""
    return short_title or Truncator(text).words(10)


def finding_label(kind: str, number: int, short_words: str) -> str:
    """Number and a few words: what lists show ('3. …' for a recommendation, 'AFI 7. …')."""
    shown = str(number) if kind == FindingKind.RECOMMENDATION else finding_column_name(kind, number)
    return f"{shown}. {short_words or 'wording not entered'}"


class Numbered(Protocol):
    kind: str
    number: int


class FindingReferences:
    """How a finding is referred to, for anything that has its kind and number: a finding, a
    letter's section about one, a report's row."""

    __slots__ = ()

    @property
    def reference(self: Numbered) -> str:
        """As the report refers to it: 'Recommendation 3', 'Cause of concern 1', 'AFI 7'."""
        return finding_reference(self.kind, self.number)

    @property
    def reference_in_text(self: Numbered) -> str:
        """The reference inside a sentence: 'recommendation 3', 'cause of concern 1', 'AFI 7'."""
        return finding_reference_in_text(self.kind, self.number)

    @property
    def column_name(self: Numbered) -> str:
        """A narrow column's heading: 'Rec. 3', 'CoC 1', 'AFI 7'."""
        return finding_column_name(self.kind, self.number)

    @property
    def ref(self: Numbered) -> str:
        """Its part of a page address: '3' for recommendation 3, 'afi-7', 'coc-1'."""
        return finding_ref(self.kind, self.number)


def parse_written_reference(written: str) -> tuple[str, int] | None:
    """A finding as a person writes it in a spreadsheet: '3', 'Recommendation 3', 'AFI 7',
    'Area for improvement 7', 'CoC 1', 'Cause of concern 1' (any case), or an address's 'afi-7'.
    None when it is none of these."""
    words = " ".join(written.replace("-", " ").split()).lower().rstrip(".")
    if is_plain_number(words):
        return FindingKind.RECOMMENDATION, int(words)
    head, _, number = words.rpartition(" ")
    if not is_plain_number(number):
        return None
    for kind, (full, short, prefix) in FINDING_WORDS.items():
        names = {
            full.lower(),
            short.lower().rstrip("."),
            prefix.rstrip("-"),
            kind.replace("_", " "),
        }
        if head in names:
            return kind, int(number)
    if head == "area for improvement":
        return FindingKind.AREA_FOR_IMPROVEMENT, int(number)
    return None


def parse_reference(ref: str) -> tuple[str, int]:
    for kind, (_, _, prefix) in FINDING_WORDS.items():
        if prefix and ref.startswith(prefix) and is_plain_number(ref[len(prefix) :]):
            return kind, int(ref[len(prefix) :])
    if is_plain_number(ref):
        return FindingKind.RECOMMENDATION, int(ref)
    raise ValueError(f"'{ref}' is not a finding's reference.")
