"""Path converters for the service's addresses."""

from __future__ import annotations

from django.urls import register_converter


class FindingReferenceConverter:
    """A finding within its report: '3' (recommendation 3, as addresses always were), 'afi-7'
    (area for improvement 7) or 'coc-1' (cause of concern 1). See Recommendation.ref."""

    regex = r"(?:afi-|coc-)?[0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: object) -> str:
        return str(value)


register_converter(FindingReferenceConverter, "finding")
