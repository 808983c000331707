"""The accountability meeting pack: made for a force (or a region), kept as it was made, read
back from its Word and PDF files, and compared with the area's previous pack."""

import datetime
import io

import docx
import pytest
from django.urls import reverse

from inspections.followup import services as followup
from inspections.meetings import queries as pack_queries
from inspections.meetings import render
from inspections.models import (
    ExtensionRequest,
    ForceImplementation,
    ItemState,
    MeetingPack,
    Rag,
    RagRule,
    Status,
)

from .conftest import TODAY, login, record
from .factories import InspectionFactory, RecommendationFactory
from .test_letters import pdf_text

pytestmark = pytest.mark.django_db


def date_fields(name: str, value: datetime.date) -> dict[str, str]:
    parts = (value.day, value.month, value.year)
    return {f"{name}_{n}": str(part) for n, part in enumerate(parts)}


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(paragraphs + cells)


def download(client, pack: MeetingPack, fmt: str) -> bytes:
    response = client.get(reverse("meeting-pack-file", args=[pack.uuid, fmt]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def make(
    client,
    force,
    when: datetime.date,
    rule: str = RagRule.OVERDUE,
    as_at: str = "",
    marking: str = "",
):
    return client.post(
        reverse("meeting-packs"),
        {
            "area": f"force:{force.slug}",
            **date_fields("meeting_date", when),
            "rag_rule": rule,
            **({"as_at": as_at} if as_at else {}),
            **({"marking": marking} if marking else {}),
        },
    )


def test_two_packs_a_meeting_apart(cast, impl_a):
    lead = ForceImplementation.objects.filter(pk=impl_a.pk)
    lead.update(lead_officer="Supt Alpha")
    record(impl_a, cast.pcc_a, narrative="Armoury audit under way.")
    soon = RecommendationFactory(
        inspection=impl_a.recommendation.inspection, deadline=TODAY + datetime.timedelta(days=10)
    )
    followup.request_extension(
        implementation=impl_a,
        by=cast.lead_a,
        requested_date=datetime.date(2027, 6, 30),
        reason="Waiting on national guidance.",
    )
    client = login(cast.pcc_a)
    meeting = TODAY + datetime.timedelta(days=2)
    said = f"{meeting:%-d %B %Y}"
    # The tests' TODAY is before the clock's today: figures as at the meeting keep to it.
    response = make(client, cast.force_a, meeting, as_at=pack_queries.AS_AT_MEETING)
    first = MeetingPack.objects.get()
    assert response["Location"] == reverse("meeting-pack", args=[first.uuid])
    content = first.snapshot
    assert content["total"] == 2
    assert [i["reference"] for i in content["overdue"]] == ["Recommendation 2"]
    assert content["overdue"][0]["owner"] == "Supt Alpha"
    assert content["overdue"][0]["narrative"] == "Armoury audit under way."
    assert [i["reference"] for i in content["due_soon"]] == [soon.reference]
    assert [e["reason"] for e in content["extensions"]] == ["Waiting on national guidance."]
    assert dict(content["by_rag"]) == {"Red": 1, "Amber": 1, "Green": 0}
    assert content["previous"] is None

    data = download(client, first, "docx")
    word = docx_text(data)
    assert f"Inspection findings: Alphashire Police, meeting of {said}" in word
    # Headings are Word's own heading styles, so the paper has a navigable outline.
    styled = {p.text: p.style.name for p in docx.Document(io.BytesIO(data)).paragraphs}
    assert styled[f"Inspection findings: Alphashire Police, meeting of {said}"] == "Title"
    assert styled["What changed since the last pack"] == "Heading 1"
    assert any(style == "Heading 2" for style in styled.values())
    assert "Overdue-based. Red: not complete and past the date it falls due" in word
    assert "Armoury audit under way." in word
    assert "Waiting on national guidance." in word
    assert "This is the first pack" in word
    pdf = " ".join(pdf_text(download(client, first, "pdf")).split())
    assert f"Alphashire Police, meeting of {said}" in pdf
    assert "Armoury audit under way." in pdf

    # Before the next meeting: the soon item is done, and the pack is made again.
    soon_item = ForceImplementation.objects.get(force=cast.force_a, recommendation=soon)
    record(soon_item, cast.pcc_a, status=Status.IMPLEMENTED)
    record(soon_item, cast.lead_a, status=Status.COMPLETE, evidence_note="Audit report seen.")
    make(
        client, cast.force_a, TODAY + datetime.timedelta(days=90), as_at=pack_queries.AS_AT_MEETING
    )
    second = MeetingPack.objects.exclude(pk=first.pk).get()
    assert second.previous == first
    changes = second.snapshot["changes"]
    assert [(c["reference"], c["what"], c["from"]) for c in changes] == [
        (soon.reference, "Status", "Not started"),
        (soon.reference, "New update", "Update of none"),
    ]
    assert changes[0]["to"] == "Complete"
    assert [i["reference"] for i in second.snapshot["completed_since"]] == [soon.reference]
    word = docx_text(download(client, second, "docx"))
    assert f"Changes are since the pack for the meeting of {said}." in word
    assert "Not started" in word
    assert "Complete" in word
    page = client.get(reverse("meeting-pack", args=[second.uuid])).content.decode()
    assert f"the pack for {said}" in page

    # The first pack is kept as it was made.
    first.refresh_from_db()
    assert first.snapshot == content


def test_the_pack_is_a_committee_paper_in_the_briefs_order(cast, impl_a):
    """Cover (letterhead, marking), what changed first, then the counts, the extension
    requests, each overdue item with its RAG, days overdue and dates, due soon, completed; the
    same on screen as in the files, with no force column in one force's pack."""
    from inspections.letters import services as letter_services

    letter_services.save_letter_template(
        force=cast.force_a,
        author=cast.pcc_a,
        values={"office_name": "Office of the PCC for Alphashire", "office_address": "1 High St"},
    )
    record(impl_a, cast.pcc_a, narrative="Armoury audit under way.")
    client = login(cast.pcc_a)
    make(client, cast.force_a, TODAY, marking="official_sensitive")
    pack = MeetingPack.objects.get()
    item = pack.snapshot["overdue"][0]
    due = datetime.date.fromisoformat(item["due"])
    as_at = datetime.date.fromisoformat(pack.snapshot["as_at"])
    assert item["days_overdue"] == (as_at - due).days > 0
    order = [
        "What changed since the last pack",
        "Where the findings stand",
        "Extension requests for decision",
        "Overdue (1)",
        "Due soon",
        "Completed since the last pack",
    ]
    pdf = " ".join(pdf_text(download(client, pack, "pdf")).split())
    word = docx_text(download(client, pack, "docx"))
    page = client.get(reverse("meeting-pack", args=[pack.uuid])).content.decode()
    for text in (pdf, word, page):
        assert "OFFICIAL-SENSITIVE" in text
        assert "Office of the PCC for Alphashire" in text
        places = [text.index(heading) for heading in order]
        assert places == sorted(places), places
        assert f"{item['days_overdue']} days overdue" in text
        assert "Owner: not named" not in text
    # The files give an overdue item's facts as one sentence, the same in both.
    facts = render.item_facts(item)
    assert "days overdue" in facts
    assert facts in pdf
    assert facts in word
    # One force's pack has no column that would say the same force on every row.
    assert '<th scope="col" class="govuk-table__header">Force</th>' not in page


def test_the_office_keeps_its_rag_rule(cast, impl_a):
    client = login(cast.pcc_a)
    make(client, cast.force_a, datetime.date(2026, 12, 10), rule=RagRule.COMPLETION)
    form = client.get(reverse("meeting-packs")).context["form"]
    assert form["rag_rule"].value() == RagRule.COMPLETION
    assert MeetingPack.objects.get().snapshot["rag_definition"].startswith("Completion-based")


def test_rag_rules():
    # The flags are Attention's overdue and due soon, read with the rows.
    overdue = RagRule.OVERDUE
    assert pack_queries.rag_of(overdue, Status.IN_PROGRESS, True, False) == Rag.RED
    assert pack_queries.rag_of(overdue, Status.IN_PROGRESS, False, True) == Rag.AMBER
    assert pack_queries.rag_of(overdue, Status.IN_PROGRESS, False, False) == Rag.GREEN
    assert pack_queries.rag_of(overdue, Status.COMPLETE, False, False) == Rag.GREEN
    completion = RagRule.COMPLETION
    assert pack_queries.rag_of(completion, Status.NOT_STARTED, False, False) == Rag.RED
    assert pack_queries.rag_of(completion, Status.AWAITING_DEPENDENCY, True, False) == Rag.AMBER
    assert pack_queries.rag_of(completion, "needs_review", True, False) == Rag.AMBER
    assert pack_queries.rag_of(completion, Status.NOT_APPLICABLE, False, False) == Rag.GREEN


def test_who_makes_and_reads_packs(cast, impl_a, impl_b):
    assert make(login(cast.lead_a), cast.force_a, datetime.date(2026, 12, 10)).status_code == 403
    assert make(login(cast.viewer), cast.force_a, datetime.date(2026, 12, 10)).status_code == 403
    # Another office's force is not among the choices.
    assert make(login(cast.pcc_b), cast.force_a, datetime.date(2026, 12, 10)).status_code == 400
    assert not MeetingPack.objects.exists()
    make(login(cast.pcc_a), cast.force_a, datetime.date(2026, 12, 10))
    pack = MeetingPack.objects.get()
    for user, code in ((cast.lead_a, 200), (cast.viewer, 200), (cast.pcc_b, 404)):
        assert login(user).get(reverse("meeting-pack", args=[pack.uuid])).status_code == code
    region = login(cast.admin).post(
        reverse("meeting-packs"),
        {
            "area": f"region:{cast.force_a.region.slug}",
            **date_fields("meeting_date", datetime.date(2026, 12, 11)),
            "rag_rule": RagRule.OVERDUE,
        },
    )
    assert region.status_code == 302
    regional = MeetingPack.objects.get(region__isnull=False)
    assert (
        regional.snapshot["total"]
        == ForceImplementation.objects.filter(force__region=cast.force_a.region).count()
    )
    assert login(cast.pcc_a).get(reverse("meeting-pack", args=[regional.uuid])).status_code == 404


def test_a_region_pack_has_every_item_in_its_spreadsheet_annex(cast, impl_a, impl_b):
    from openpyxl import load_workbook

    record(impl_a, cast.pcc_a, narrative="The armoury audit is under way.", as_of=TODAY)
    client = login(cast.admin)
    client.post(
        reverse("meeting-packs"),
        {
            "area": f"region:{cast.force_a.region.slug}",
            **date_fields("meeting_date", datetime.date(2026, 12, 11)),
            "rag_rule": RagRule.OVERDUE,
        },
    )
    pack = MeetingPack.objects.get()
    page = client.get(reverse("meeting-pack", args=[pack.uuid])).content.decode()
    url = reverse("meeting-pack-file", args=[pack.uuid, "xlsx"])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    header, *rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert header[:6] == ["Force", "Report", "Finding", "Title", "State", "RAG"]
    items = ForceImplementation.objects.filter(force__region=cast.force_a.region)
    assert len(rows) == items.count() == pack.snapshot["total"]
    # Each row says what the pack's snapshot says of that item, state and overdue included.
    by_force = {row[0]: row for row in rows}
    mine = by_force[cast.force_a.name]
    impl_a.refresh_from_db()
    assert mine[4] == ItemState(impl_a.state).label
    assert mine[14] == "The armoury audit is under way."
    overdue = {i["force"] for i in pack.snapshot["overdue"]}
    assert {row[0] for row in rows if row[6]} == overdue
    # Another region's or a force's people never reach it; a force's own pack has no annex.
    assert login(cast.pcc_a).get(url).status_code == 404
    make(login(cast.pcc_a), cast.force_a, datetime.date(2026, 12, 10))
    own = MeetingPack.objects.get(force=cast.force_a)
    assert not own.annex
    missing = reverse("meeting-pack-file", args=[own.uuid, "xlsx"])
    assert login(cast.pcc_a).get(missing).status_code == 404


def test_a_force_report_s_findings_appear_by_their_own_names(cast):
    inspection = InspectionFactory(slug="peel", forces=[cast.force_a])
    RecommendationFactory(inspection=inspection, kind="area_for_improvement", number=3)
    make(login(cast.pcc_a), cast.force_a, datetime.date(2026, 12, 10))
    overdue = MeetingPack.objects.get().snapshot["overdue"]
    assert [i["reference"] for i in overdue] == ["AFI 3"]
    assert not ExtensionRequest.objects.exists()


def test_a_large_pack_s_files_are_written_by_the_command(cast, impl_a, monkeypatch):
    from django.core.management import call_command

    from inspections.meetings import services as meeting_services

    monkeypatch.setattr(meeting_services, "WRITE_AT_ONCE", 0)
    client = login(cast.pcc_a)
    response = make(client, cast.force_a, TODAY + datetime.timedelta(days=2))
    pack = MeetingPack.objects.get()
    assert not pack.files_ready
    page = client.get(response["Location"]).content.decode()
    assert "its Word and PDF files are being written" in page
    assert client.get(reverse("meeting-pack-file", args=[pack.uuid, "pdf"])).status_code == 404
    out = io.StringIO()
    call_command("render_meeting_packs", stdout=out)
    assert "Wrote the files of Meeting pack: Alphashire Police" in out.getvalue()
    pack.refresh_from_db()
    assert pack.files_ready
    assert "Alphashire Police" in docx_text(download(client, pack, "docx"))
    again = io.StringIO()
    call_command("render_meeting_packs", stdout=again)
    assert again.getvalue() == ""
