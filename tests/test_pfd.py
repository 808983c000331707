"""A coroner's report to prevent future deaths read from its document: as text, as judiciary.uk's
page and as a PDF, each giving the coroner, the deceased, the date of the report (which starts
the 56 days), whom it is sent to and every matter of concern; then imported through the page by
an office, which gets a draft coroner's report addressed to its force alone."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from weasyprint import HTML

from inspections.models import FindingKind, Inspection, Source
from inspections.reader import read_report

from .conftest import login

REPORTS = Path(__file__).parent / "data" / "reports"
CONCERNS = [
    "The officers who restrained Mr Smith had not been trained to recognise acute behavioural "
    "disturbance",
    "The custody record did not show that the detention officer had been told of the restraint.",
]


def pdf_of_text() -> bytes:
    paragraphs = (REPORTS / "pfd_alphashire.txt").read_text().split("\n\n")
    html = "".join(f"<p>{p}</p>" for p in paragraphs)
    return HTML(string=f"<html><body>{html}</body></html>").write_pdf()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param((REPORTS / "pfd_alphashire.txt").read_bytes(), id="text"),
        pytest.param((REPORTS / "pfd_judiciary_page.html").read_bytes(), id="judiciary.uk page"),
        pytest.param(pdf_of_text(), id="PDF"),
    ],
)
def test_a_coroners_report_is_read_from_its_document(data):
    reading = read_report(data)
    assert reading.source == Source.CORONER
    assert reading.title == "Prevention of future deaths report: John Edward Smith"
    assert reading.issued_by == "HM Senior Coroner for Alphashire and Betashire"
    assert reading.published == reading.sent_on == datetime.date(2024, 3, 15)
    assert any("Alphashire Police" in name for name in reading.receivers)
    assert all(f.kind == FindingKind.RECOMMENDATION for f in reading.findings)
    assert [f.number for f in reading.findings][:2] == [1, 2]
    for finding, words in zip(reading.findings, CONCERNS, strict=False):
        assert finding.text.startswith(words), finding.text
        assert finding.deadline == {"type": "none"}


def test_the_response_date_gives_the_report_date_when_nothing_else_does():
    text = (REPORTS / "pfd_alphashire.txt").read_text().replace("9 15 March 2024", "9")
    assert read_report(text.encode()).published == datetime.date(2024, 3, 15)


def test_an_inspection_report_is_not_taken_for_a_coroners():
    reading = read_report(
        b"PEEL 2025: Alphashire Police\n\nPublished on 3 November 2025\n\n"
        b"Recommendation 1: By 31 March 2026, the force should audit its crime recording.\n"
    )
    assert reading.source == ""
    assert len(reading.findings) == 1


@pytest.mark.django_db
def test_an_office_imports_a_coroners_report_for_its_force(cast, settings):
    settings.TRACKER_TODAY = "2024-03-20"
    upload = SimpleUploadedFile("pfd.txt", (REPORTS / "pfd_alphashire.txt").read_bytes())
    response = login(cast.pcc_a).post(reverse("report-import"), {"document": upload})
    assert response.status_code == 302
    report = Inspection.objects.get()
    assert report.is_draft
    assert (report.source, report.inspectorate) == (
        Source.CORONER,
        "HM Senior Coroner for Alphashire and Betashire",
    )
    assert report.sent_on == datetime.date(2024, 3, 15)
    assert report.response_due == datetime.date(2024, 5, 10)  # "namely by 10 May 2024"
    assert list(report.forces.all()) == [cast.force_a]
    assert report.recommendations.count() == 3


@pytest.mark.django_db
def test_a_coroners_report_without_concerns_is_refused_and_nothing_is_kept(cast):
    text = (REPORTS / "pfd_alphashire.txt").read_text()
    start = text.index("5 CORONER'S CONCERNS") + len("5 CORONER'S CONCERNS\n")
    end = text.index("6 ACTION SHOULD BE TAKEN")
    upload = SimpleUploadedFile("pfd.txt", (text[:start] + text[end:]).encode())
    response = login(cast.pcc_a).post(reverse("report-import"), {"document": upload})
    assert response.status_code == 200
    assert "no matter of concern could be read" in response.content.decode()
    assert not Inspection.objects.exists()
