"""Letters: West Mercia's demo letter read back from its DOCX and PDF against the seed letter,
issued letters frozen byte for byte, drafting and editing rules, scope, and the s.55 tracker."""

import datetime
import hashlib
import io
import json
import re
import subprocess
from pathlib import Path

import docx
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections import services
from inspections.letters import content
from inspections.letters import services as letter_services
from inspections.models import (
    Force,
    ForceImplementation,
    FrozenLetterError,
    Inspection,
    LetterStatus,
    ProgressLetter,
    Status,
    User,
)

from .conftest import TODAY, client_for
from .downloads import body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]

SEED = json.loads(
    (
        Path(__file__).resolve().parent.parent / "inspections/data/demo/west-mercia-2023-09-04.json"
    ).read_text()
)
FIREARMS = "firearms-2023"


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY


def west_mercia_letter() -> ProgressLetter:
    return ProgressLetter.objects.get(
        force__slug="west-mercia-police", inspection__slug=FIREARMS, status=LetterStatus.ISSUED
    )


def download(client: Client, letter: ProgressLetter, fmt: str) -> bytes:
    response = client.get(reverse("letter-download", args=[letter.uuid, fmt]))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def pdf_text(data: bytes) -> str:
    """The PDF's text without page furniture (the 'n of m' footers and page breaks)."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return re.sub(r"(?m)^\s*\d+ of \d+\s*$", "", text).replace("\x0c", "")


def squash(text: str) -> str:
    return " ".join(text.split())


def assert_reads_like_the_seed(text: str) -> None:
    """Recipient, date, opening, every recommendation in order with its words then West
    Mercia's narrative, the closing, signatory and cc: in that order."""
    text = squash(text)
    position = 0

    def after(fragment: str) -> None:
        nonlocal position
        found = text.find(squash(fragment), position)
        assert found >= 0, f"{fragment[:60]!r} missing after position {position}"
        position = found + len(squash(fragment))

    after("Rt Hon Suella Braverman KC MP")
    after("Home Secretary")
    after("2 Marsham Street")
    after("04 September 2023")
    after("An inspection of how effective police forces are in the deployment of firearms")
    # The opening, paragraph for paragraph as the seed letter has it.
    after(
        "I am writing to you in response to the above HMICFRS report published on 11th July "
        "2023. The national inspection examined how effective police forces are in the "
        "deployment of firearms, and sought to establish whether the public can be confident "
        "that police policies, structures and processes comply with relevant guidance and "
        "legislation."
    )
    after(
        "Alongside identifying good practice, the inspectorate identified a number of "
        "improvements to be made, resulting in 12 national recommendations (7 of which were for "
        "local forces). Below I set out how the Chief Constable in West Mercia will address "
        "these recommendations. In many cases, delivery against the local recommendations is "
        "reliant on or will be informed by regional and national activity. This includes "
        "regional and national coordination, and changes to national guidance and Authorised "
        "Professional Practice (APP)."
    )
    recommendations = {
        r.number: r.text for r in Inspection.objects.get(slug=FIREARMS).recommendations.local()
    }
    for item in SEED["updates"]:
        after(f"Recommendation {item['number']}")
        after(recommendations[item["number"]])
        after(item["narrative"])
    for paragraph in SEED["letter"]["closing"]:
        after(paragraph)
    after("John Campion")
    after("Police and Crime Commissioner")
    after("West Mercia")
    after("West Mercia Police Chief Constable")
    after("HMICFRS")


class TestWestMerciaLetter:
    def test_docx_reads_like_the_seed_letter(self):
        data = download(client_for("westmercia.pcc"), west_mercia_letter(), "docx")
        document = docx.Document(io.BytesIO(data))
        assert_reads_like_the_seed("\n".join(p.text for p in document.paragraphs))
        headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
        assert (
            headings[0] == "An inspection of how effective police forces are in the "
            "deployment of firearms"
        )
        # Headings exactly as the letter as sent printed them, not in the house style.
        assert [re.match(r"Recommendation \d+(:| –|-)?", h).group(0) for h in headings[1:]] == [
            "Recommendation 2:",
            "Recommendation 3 –",
            "Recommendation 5",
            "Recommendation 6",
            "Recommendation 8 –",
            "Recommendation 10-",
            "Recommendation 12 –",
        ]

    def test_docx_is_a4_british_english_with_black_arial_headings(self):
        from docx.oxml.ns import qn
        from docx.shared import Mm

        data = download(client_for("westmercia.pcc"), west_mercia_letter(), "docx")
        document = docx.Document(io.BytesIO(data))
        section = document.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert abs(section.left_margin - Mm(22)) < Mm(0.1)  # stored in twentieths of a point
        for name in ("Normal", "Heading 1", "Heading 2"):
            style = document.styles[name]
            assert style.font.name == "Arial", name
            properties = style.element.rPr
            assert properties.find(qn("w:lang")).get(qn("w:val")) == "en-GB", name
            colour = properties.find(qn("w:color"))
            if colour is not None:
                assert colour.get(qn("w:themeColor")) is None, name
                assert colour.get(qn("w:val")) == "0B0C0C", name
        # The signature is kept with the paragraph before it.
        texts = [p.text for p in document.paragraphs]
        signature = texts.index("John Campion")
        assert document.paragraphs[signature - 1].paragraph_format.keep_with_next

    def test_pdf_signature_is_never_alone_on_a_page(self):
        data = download(client_for("westmercia.lead"), west_mercia_letter(), "pdf")
        raw = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
        ).stdout.decode()
        last_page = raw.rstrip("\x0c").split("\x0c")[-1]
        assert "John Campion" in last_page
        # Something of the letter's closing is on the signature's page, not only the signature.
        closing_words = squash(SEED["letter"]["closing"][-1])[:40]
        assert closing_words in squash(last_page), last_page

    def test_pdf_reads_like_the_seed_letter(self):
        data = download(client_for("westmercia.lead"), west_mercia_letter(), "pdf")
        assert data.startswith(b"%PDF")
        assert_reads_like_the_seed(pdf_text(data))

    def test_html_preview(self):
        response = client_for("westmercia.pcc").get(
            reverse("letter", args=[west_mercia_letter().uuid])
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "Issued on 4 September 2023" in body
        assert_reads_like_the_seed(
            __import__("html").unescape(__import__("re").sub(r"<[^>]+>", " ", body))
        )

    def test_issued_files_never_change(self):
        letter = west_mercia_letter()
        client = client_for("westmercia.pcc")
        before = {fmt: download(client, letter, fmt) for fmt in ("docx", "pdf", "html")}
        assert hashlib.sha256(before["pdf"]).hexdigest() == letter.pdf_sha256
        assert hashlib.sha256(before["docx"]).hexdigest() == letter.docx_sha256
        assert hashlib.sha256(before["html"]).hexdigest() == letter.html_sha256
        implementation = ForceImplementation.objects.get(
            force=letter.force, recommendation__inspection__slug=FIREARMS, recommendation__number=3
        )
        services.record_progress_update(
            implementation=implementation,
            author=User.objects.get(username="westmercia.pcc"),
            status=Status.IMPLEMENTED,
            narrative="Commanders have now been trained.",
            as_of=datetime.date(2024, 2, 1),
        )
        after = {fmt: download(client, letter, fmt) for fmt in ("docx", "pdf", "html")}
        assert after == before
        letter.closing = "Rewritten"
        with pytest.raises(FrozenLetterError):
            letter.save()
        section = letter.sections.first()
        section.narrative = "Rewritten"
        with pytest.raises(FrozenLetterError):
            section.save()

    def test_a_new_draft_shows_what_changed(self):
        letter = west_mercia_letter()
        pcc = User.objects.get(username="westmercia.pcc")
        implementation = ForceImplementation.objects.get(
            force=letter.force, recommendation__inspection__slug=FIREARMS, recommendation__number=3
        )
        services.record_progress_update(
            implementation=implementation,
            author=pcc,
            status=Status.IMPLEMENTED,
            narrative="Commanders have now been trained.",
            as_of=datetime.date(2024, 2, 1),
        )
        client = client_for("westmercia.pcc")
        response = client.post(reverse("letter-new"), {"inspection": FIREARMS})
        draft = ProgressLetter.objects.get(force=letter.force, status=LetterStatus.DRAFT)
        assert response["Location"] == reverse("letter-edit", args=[draft.uuid])
        assert draft.follows == letter
        page = client.get(reverse("letter", args=[draft.uuid]))
        changes = {c["reference"]: c["state"] for c in page.context["changes"]}
        assert changes["Recommendation 3"] == "changed"
        assert changes["Recommendation 2"] == "unchanged"
        assert "Commanders have now been trained." in page.content.decode()


class TestDraftingAndIssuing:
    def draft(self, username: str = "gwent.pcc") -> ProgressLetter:
        user = User.objects.get(username=username)
        return letter_services.draft_letter(
            force=user.force, inspection=Inspection.objects.get(slug=FIREARMS), author=user
        )

    def test_opening_is_computed(self):
        letter = self.draft()
        assert "published on 11th July 2023" in letter.opening
        assert "12 national recommendations (7 of which were for local forces)" in letter.opening
        assert "the Chief Constable in Gwent will address" in letter.opening
        assert [s.number for s in letter.sections.order_by("number")] == [2, 3, 5, 6, 8, 10, 12]
        assert letter.recipient_name == "Rt Hon Suella Braverman KC MP"

    def test_pcc_staff_edit_every_paragraph(self):
        letter = self.draft()
        client = client_for("gwent.pcc")
        form = client.get(reverse("letter-edit", args=[letter.uuid])).context["form"]
        data = {name: form[name].value() or "" for name in form.fields}
        del data["letter_date"]
        data.update(letter_date_0="20", letter_date_1="11", letter_date_2="2026")
        data["closing"] = "A new closing paragraph."
        section = letter.sections.get(number=5)
        data[f"section_{section.pk}"] = "An edited narrative for recommendation 5."
        response = client.post(reverse("letter-edit", args=[letter.uuid]), data)
        assert response.status_code == 302, response.context["form"].errors
        letter.refresh_from_db()
        assert letter.closing == "A new closing paragraph."
        assert letter.version == 2
        assert letter.sections.get(number=5).narrative.startswith("An edited narrative")

    def test_a_concurrent_edit_is_refused_not_overwritten(self):
        letter = self.draft()
        client = client_for("gwent.pcc")
        form = client.get(reverse("letter-edit", args=[letter.uuid])).context["form"]
        data = {name: form[name].value() or "" for name in form.fields}
        del data["letter_date"]
        data.update(letter_date_0="20", letter_date_1="11", letter_date_2="2026")
        first = {**data, "closing": "First person's closing."}
        second = {**data, "closing": "Second person's closing."}
        assert client.post(reverse("letter-edit", args=[letter.uuid]), first).status_code == 302
        response = client.post(reverse("letter-edit", args=[letter.uuid]), second)
        assert response.status_code == 409
        assert "Someone else saved this draft" in response.content.decode()
        letter.refresh_from_db()
        assert letter.closing == "First person's closing."

    def test_only_one_draft_at_a_time(self):
        self.draft()
        with pytest.raises(ValidationError, match="already a draft"):
            self.draft()

    def test_issue_freezes_with_hashes(self):
        letter = self.draft()
        client = client_for("gwent.pcc")
        url = reverse("letter-issue", args=[letter.uuid])
        # Gwent has not reported on every recommendation: the letter cannot go yet.
        response = client.post(
            url, {"issued_on_0": "21", "issued_on_1": "11", "issued_on_2": "2026"}, follow=True
        )
        assert "Every recommendation needs a narrative" in response.content.decode()
        letter.refresh_from_db()
        assert letter.status == LetterStatus.DRAFT
        letter_services.update_draft(
            letter=letter,
            author=User.objects.get(username="gwent.pcc"),
            version=letter.version,
            fields={},
            narratives={
                s.pk: s.narrative or "Work has not yet started." for s in letter.sections.all()
            },
        )
        assert (
            client.post(
                url, {"issued_on_0": "21", "issued_on_1": "11", "issued_on_2": "2026"}
            ).status_code
            == 302
        )
        letter.refresh_from_db()
        assert letter.status == LetterStatus.ISSUED
        assert len(letter.pdf_sha256) == 64
        assert letter.issued_by.username == "gwent.pcc"
        edit = client.get(reverse("letter-edit", args=[letter.uuid]))
        assert edit.status_code == 302  # back to the letter: it can no longer be edited
        assert client.post(reverse("letter-discard", args=[letter.uuid])).status_code == 302
        assert ProgressLetter.objects.filter(pk=letter.pk).exists()

    def test_issue_date_cannot_be_in_the_future(self):
        letter = self.draft()
        client_for("gwent.pcc").post(
            reverse("letter-issue", args=[letter.uuid]),
            {"issued_on_0": "1", "issued_on_1": "1", "issued_on_2": "2027"},
        )
        letter.refresh_from_db()
        assert letter.status == LetterStatus.DRAFT

    def test_force_with_no_updates_cannot_draft(self):
        force = Force.objects.get(slug="west-mercia-police")
        sample = Inspection.objects.get(slug="sample-training-inspection")
        with pytest.raises(content.LetterDataError, match="no progress updates"):
            letter_services.draft_letter(
                force=force, inspection=sample, author=User.objects.get(username="westmercia.pcc")
            )

    def test_letter_content_uses_a_fixed_number_of_queries(self):
        force = Force.objects.get(slug="gwent-police")
        inspection = Inspection.objects.get(slug=FIREARMS)
        with CaptureQueriesContext(connection) as before:
            content.from_data(force, inspection, TODAY)
        pcc = User.objects.get(username="gwent.pcc")
        lead = User.objects.get(username="gwent.lead")
        for implementation in ForceImplementation.objects.filter(
            force=force, recommendation__inspection=inspection
        ):
            # Only the force lead reopens an item it signed off.
            author = lead if implementation.status == Status.COMPLETE else pcc
            for day in range(5):
                services.record_progress_update(
                    implementation=implementation,
                    author=author,
                    status=Status.IN_PROGRESS,
                    narrative=f"Update {day}",
                    as_of=datetime.date(2026, 1, 1 + day),
                )
        with CaptureQueriesContext(connection) as after:
            built = content.from_data(force, inspection, TODAY)
        assert len(after.captured_queries) == len(before.captured_queries)
        assert all(section.narrative == "Update 4" for section in built.sections)


class TestScope:
    def test_other_forces_letters_are_not_found(self):
        letter = west_mercia_letter()
        client = client_for("gwent.pcc")
        for name, args in [
            ("letter", [letter.uuid]),
            ("letter-edit", [letter.uuid]),
            ("letter-download", [letter.uuid, "pdf"]),
        ]:
            assert client.get(reverse(name, args=args)).status_code == 404
        for name in ("letter-issue", "letter-discard"):
            assert client.post(reverse(name, args=[letter.uuid])).status_code == 404
        assert "West Mercia" not in client.get(reverse("letters")).content.decode()

    @pytest.mark.parametrize("username", ["westmercia.lead", "viewer", "national.admin"])
    def test_readers_cannot_draft_edit_or_issue(self, username):
        user = User.objects.get(username=username)
        gwent = Force.objects.get(slug="gwent-police")
        pcc = User.objects.get(username="gwent.pcc")
        draft = letter_services.draft_letter(
            force=gwent, inspection=Inspection.objects.get(slug=FIREARMS), author=pcc
        )
        client = client_for(username)
        expected_view = 404 if user.force_id and user.force_id != gwent.pk else 200
        assert client.get(reverse("letter", args=[draft.uuid])).status_code == expected_view
        assert client.get(reverse("letter-edit", args=[draft.uuid])).status_code in (403, 404)
        assert client.post(
            reverse("letter-issue", args=[draft.uuid]),
            {"issued_on_0": "21", "issued_on_1": "11", "issued_on_2": "2026"},
        ).status_code in (403, 404)
        assert client.post(reverse("letter-new"), {"inspection": FIREARMS}).status_code == 403
        draft.refresh_from_db()
        assert draft.status == LetterStatus.DRAFT


class TestResponses:
    def test_s55_page(self):
        response = client_for("viewer").get(reverse("responses"))
        assert response.context["chosen"].slug == FIREARMS
        counts = response.context["counts"]
        assert (counts["on_time"], counts["late"], counts["missing"]) == (10, 8, 25)
        table = response.context["tables"][0]
        labels = [c.label for c in table.columns]
        rows = {
            row[0].value: dict(zip(labels, (c.value for c in row), strict=True))
            for row in table.rows
        }
        west_mercia = rows["West Mercia Police"]
        assert west_mercia["State"] == "Sent on time"
        assert west_mercia["Sent on"] == datetime.date(2023, 9, 4)
        assert west_mercia["Response due"] == datetime.date(2023, 9, 4)
        assert west_mercia["Days late"] is None
        body = client_for("viewer").get(reverse("dashboard")).content.decode()
        assert "10 issued on time, 8 issued late" in " ".join(body.split())

    def test_force_user_sees_only_their_own_response(self):
        response = client_for("westmercia.pcc").get(reverse("responses") + "?format=csv")
        lines = body(response).decode("utf-8-sig").strip().splitlines()
        assert len(lines) == 2
        assert lines[1].startswith("West Mercia Police")

    def test_unknown_inspection(self):
        assert client_for("viewer").get(reverse("responses") + "?inspection=x").status_code == 400

    def test_filtered_and_sorted_by_state_with_the_state_as_its_own_column(self):
        client = client_for("viewer")
        late = client.get(reverse("responses"), {"state": "late"})
        table = late.context["tables"][0]
        assert table.total == 8
        states = {row[3].value for row in table.rows}
        assert states == {"Sent late"}
        assert all(row[5].value > 0 for row in table.rows)  # days late, a number
        ordered = client.get(reverse("responses"), {"sort": "state"}).context["tables"][0]
        firsts = [row[3].value for row in ordered.rows]
        assert firsts[0] == "Not sent, past the deadline"
        assert firsts[-1] == "Sent on time"
        export = client.get(reverse("responses"), {"state": "missing", "format": "csv"})
        lines = body(export).decode("utf-8-sig").strip().splitlines()
        assert len(lines) == 1 + 25
        assert lines[0].split(",")[3] == "State"
        bad = client.get(reverse("responses"), {"state": "lost"})
        assert bad.status_code == 400
