"""The report reader against fixtures built from real wording in more than one layout: the
firearms report's twelve recommendations (its seven local ones as published, in the reference
data, and five national ones in the same style) as an HMICFRS-like HTML page and as a PDF made
from it; a PEEL-style report with a cause of concern, its recommendations and areas for
improvement with and without numbers; a fire and rescue report; a two-column PDF. Each prints
its precision and recall, so that a regression shows. Then hostile documents, the command, and
the import page through to publishing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfWriter

from inspections.models import (
    AddressedTo,
    DeadlineKind,
    Inspection,
    Recommendation,
    Scope,
)
from inspections.reader import DocumentRefused, read_report
from inspections.reader.documents import MAX_BYTES

from .conftest import login

REPORTS = Path(__file__).parent / "data" / "reports"
REFERENCE = Path(__file__).parent.parent / "inspections" / "data" / "reference"

# The five national recommendations of the fixture, in the report's style (their wording is not
# in the reference data).
NATIONAL = {
    1: ("2024-03-31", "By 31 March 2024, the College of Policing should revise the Authorised "
        "Professional Practice on armed policing so that it sets out the training and experience "
        "that specialist firearms commanders need."),
    4: ("2023-12-31", "By 31 December 2023, the National Police Chiefs' Council lead for armed "
        "policing should make sure that national armoury guidance sets one standard for how "
        "forces store firearms and ammunition."),
    7: ("2024-06-30", "By 30 June 2024, the College of Policing should make sure that the national "
        "firearms instructor course includes the use of armed response vehicle asset tracking."),
    9: (6, "Within six months, the National Police Chiefs' Council should set up a way for forces "
        "to share what they learn from armed deployments."),
    11: ("immediate", "With immediate effect, the Home Office should publish how it funds the "
         "armed policing uplift programme."),
}  # fmt: skip


def deadline_of(value: object) -> dict:
    if value == "immediate":
        return {"type": "immediate"}
    if isinstance(value, int):
        return {"type": "within_months", "months": value}
    return {"type": "date", "date": value}


def local_recommendations() -> list[dict]:
    with (REFERENCE / "recommendations.csv").open() as handle:
        rows = [r for r in csv.DictReader(handle) if r["inspection"] == "firearms-2023"]
    return [row for row in rows if row["scope"] == "local"]


def firearms_expected() -> list[tuple]:
    expected = [
        ("recommendation", int(row["number"]), None, deadline_of(row["deadline"]), row["text"])
        for row in local_recommendations()
    ]
    expected += [
        ("recommendation", number, None, deadline_of(deadline), text)
        for number, (deadline, text) in NATIONAL.items()
    ]
    return sorted(expected, key=lambda e: e[1])


PEEL_STEM = "To address this cause of concern, within three months the force should"
PEEL_EXPECTED = [
    ("cause_of_concern", 1, None, {"type": "none"},
     "The force isn't answering emergency calls quickly enough."),
    ("recommendation", 1, 1, {"type": "within_months", "months": 3},
     f"{PEEL_STEM} make sure it has enough call handlers at peak times; and"),
    ("recommendation", 2, 1, {"type": "within_months", "months": 3},
     f"{PEEL_STEM} monitor how long callers wait, and act when the wait is too long."),
    ("area_for_improvement", 1, None, {"type": "none"},
     "The force should improve how it records equality data when it uses stop and search."),
    ("area_for_improvement", 2, None, {"type": "none"},
     "The force should make sure its officers understand the vetting code of practice."),
    ("area_for_improvement", 3, None, {"type": "within_months", "months": 6},
     "Within six months, the force should reduce the backlog of digital devices waiting to be "
     "examined."),
    ("area_for_improvement", 4, None, {"type": "date", "date": "2025-12-31"},
     "By the end of December 2025 the force should review how it supervises investigations."),
]  # fmt: skip
FIRE_STEM = "By 30 September 2025, the service should"
FIRE_EXPECTED = [
    ("cause_of_concern", 1, None, {"type": "none"},
     "The service doesn't have enough suitably qualified fire protection staff to carry out its "
     "risk-based inspection programme."),
    ("recommendation", 1, 1, {"type": "date", "date": "2025-09-30"},
     f"{FIRE_STEM} make sure it has enough qualified protection staff to meet its inspection "
     "programme; and"),
    ("recommendation", 2, 1, {"type": "date", "date": "2025-09-30"},
     f"{FIRE_STEM} review how it decides which premises to inspect first."),
    ("area_for_improvement", 1, None, {"type": "none"},
     "The service should make sure all staff understand how to identify and report "
     "safeguarding concerns."),
    ("area_for_improvement", 2, None, {"type": "none"},
     "The service should evaluate its prevention work so it knows what works."),
]  # fmt: skip


def as_tuples(data: bytes) -> list[tuple]:
    return [
        (f["kind"], f["number"], f["parent"], f["deadline"], f["text"])
        for f in read_report(data).as_json()["findings"]
    ]


def measure(name: str, read: list[tuple], expected: list[tuple]) -> tuple[float, float]:
    right = len(set(map(repr, read)) & set(map(repr, expected)))
    precision = right / len(read) if read else 0.0
    recall = right / len(expected)
    print(f"reader {name}: {right} of {len(expected)} read right, {len(read)} read; "
          f"precision {precision:.2f}, recall {recall:.2f}")  # fmt: skip
    return precision, recall


def firearms_pdf(columns: int = 1) -> bytes:
    from weasyprint import HTML

    html = (REPORTS / "firearms.html").read_text()
    if columns > 1:
        html = html.replace("</style>", f"main {{ columns: {columns}; font-size: 9pt; }}</style>")
    return HTML(string=html).write_pdf()


def test_the_firearms_report_as_a_web_page_comes_back_exactly():
    data = (REPORTS / "firearms.html").read_bytes()
    reading = read_report(data)
    assert reading.title == (
        "An inspection of how effective police forces are in the deployment of firearms"
    )
    assert reading.published.isoformat() == "2023-07-11"
    assert measure("firearms HTML", as_tuples(data), firearms_expected()) == (1.0, 1.0)
    local = [f for f in reading.findings if f.scope == Scope.LOCAL]
    assert [f.number for f in local] == [2, 3, 5, 6, 8, 10, 12]
    assert {f.number for f in reading.findings if f.scope == Scope.NATIONAL} == {1, 4, 7, 9, 11}
    # The summary's mention of an old recommendation, the footer and the script are no findings.
    assert reading.skipped
    assert all("should" not in s for s in reading.skipped)


def test_the_firearms_report_as_a_pdf_comes_back_exactly():
    data = firearms_pdf()
    assert measure("firearms PDF", as_tuples(data), firearms_expected()) == (1.0, 1.0)


def test_a_two_column_pdf():
    precision, recall = measure(
        "firearms two-column PDF", as_tuples(firearms_pdf(2)), firearms_expected()
    )
    assert (precision, recall) == (1.0, 1.0)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("peel-alphashire.txt", PEEL_EXPECTED), ("fire-betashire.txt", FIRE_EXPECTED)],
)
def test_causes_of_concern_their_recommendations_and_areas_for_improvement(name, expected):
    data = (REPORTS / name).read_bytes()
    assert measure(name, as_tuples(data), expected) == (1.0, 1.0)
    unsure = {
        f.number: f.unsure for f in read_report(data).findings if f.kind == "area_for_improvement"
    }
    if name.startswith("peel"):
        # Numbered by the order they appear where the report does not number them, and marked.
        assert unsure[2]
        assert unsure[4]
        assert not unsure[1]


def test_the_command_prints_json_and_saves_nothing(db, capsys):
    call_command("read_report", str(REPORTS / "peel-alphashire.txt"))
    printed = json.loads(capsys.readouterr().out)
    assert printed["version"] == 1
    assert printed["published"] == "2025-03-03"
    assert [f["kind"] for f in printed["findings"]][:2] == ["cause_of_concern", "recommendation"]
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"x" * (MAX_BYTES + 1), "the largest report that can be read"),
        (b"   ", "The document is empty"),
        (b"\xff\xfe\x00\x01binary" * 10, "not an HTML page, a PDF or text"),
        (b"%PDF-1.7\nnot really a pdf", "cannot be read"),
        (
            "\n".join(
                f"Recommendation {n}: Forces should do thing {n}." for n in range(1, 10001)
            ).encode(),
            "reads as 10,000 findings",
        ),
    ],
    ids=["too big", "empty", "binary", "broken PDF", "ten thousand findings"],
)
def test_hostile_documents_are_refused_with_a_clear_message(data, message):
    with pytest.raises(DocumentRefused, match=message):
        read_report(data)


def test_a_pdf_of_too_many_pages_is_refused():
    writer = PdfWriter()
    for _ in range(401):
        writer.add_blank_page(width=72, height=72)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(DocumentRefused, match="401 pages"):
        read_report(buffer.getvalue())


def test_scripts_and_entities_in_html_are_never_read():
    page = b"""<?xml version="1.0"?><!DOCTYPE html [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
    <html><body><h1>Report</h1><script>document.write("Recommendation 1: Forces should x.")</script>
    <p>Recommendation 2: Chief constables should &secret; check.</p></body></html>"""
    reading = read_report(page)
    assert [f.number for f in reading.findings] == [2]
    assert "root:" not in reading.findings[0].text


@pytest.mark.django_db
def test_import_publish_gives_the_reference_datas_seven_local_recommendations(cast):
    admin = login(cast.admin)
    upload = SimpleUploadedFile(
        "firearms.html", (REPORTS / "firearms.html").read_bytes(), "text/html"
    )
    response = admin.post(reverse("report-import"), {"document": upload})
    assert response.status_code == 302
    draft = Inspection.objects.drafts().get()
    assert draft.addressed_to == AddressedTo.EVERY_FORCE
    assert draft.recommendations.count() == 12
    page = admin.get(response["Location"]).content.decode()
    assert "The report&#x27;s words:" in page or "The report's words:" in page
    admin.post(reverse("report-publish", args=[draft.slug]))
    draft.refresh_from_db()
    assert not draft.is_draft
    for row in local_recommendations():
        finding = Recommendation.objects.get(inspection=draft, number=int(row["number"]))
        assert finding.text == row["text"]
        assert finding.scope == Scope.LOCAL
        assert finding.addressee == row["addressee"]
        if row["deadline"] == "immediate":
            assert finding.deadline_kind == DeadlineKind.IMMEDIATE
        else:
            assert finding.deadline.isoformat() == row["deadline"]


@pytest.mark.django_db
def test_import_refuses_what_it_cannot_read_and_keeps_nothing(cast):
    admin = login(cast.admin)
    nothing = admin.post(reverse("report-import"), {"text": "A letter about something else."})
    assert "No finding could be read" in nothing.content.decode()
    empty = admin.post(reverse("report-import"), {})
    assert "Choose the report&#x27;s document, or paste its text." in empty.content.decode()
    assert not Inspection.objects.exists()
    assert login(cast.lead_a).get(reverse("report-import")).status_code == 403
    assert login(cast.scrutiny_a).post(reverse("report-import"), {"text": "x"}).status_code == 403


@pytest.mark.django_db
def test_pcc_staff_import_a_report_for_their_own_force(cast):
    text = (REPORTS / "peel-alphashire.txt").read_text()
    login(cast.pcc_a).post(reverse("report-import"), {"text": text})
    draft = Inspection.objects.drafts().get()
    assert draft.addressed_to == AddressedTo.CHOSEN_FORCES
    assert list(draft.forces.all()) == [cast.force_a]
    under = Recommendation.objects.get(inspection=draft, kind="recommendation", number=2)
    assert under.cause_of_concern.number == 1
    assert under.deadline_kind == DeadlineKind.WITHIN_MONTHS
    assert under.deadline_months == 3
    afi = Recommendation.objects.get(inspection=draft, kind="area_for_improvement", number=4)
    assert afi.deadline_kind == DeadlineKind.BY_MONTH
    assert "numbered 4 in the order it appears" in afi.read_notes
