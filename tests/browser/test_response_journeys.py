"""The s.55 response beyond the drafting: a PCC officer records a letter the office sent from
Word, in Debian's chromium through the real form, and publishes it from the check page; anyone
then reads it on the public pages without signing in; an issued letter is published the same
way. axe checks every page and state."""

import datetime

import pytest
from django.urls import reverse

from inspections.letters import services as letter_services
from inspections.models import LetterRecipient, LetterSentElsewhere, Publication

from ..conftest import TODAY, force_answered_report, record
from .test_work_journeys import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


def open_from_letters(page, link: str) -> None:
    """The letters page, then one of its links followed, as a person gets to each form."""
    page.goto(reverse("letters"))
    page.get_by_role("link", name=link).click()
    page.wait_for_load_state()


def test_a_letter_sent_from_word_is_recorded_and_published(cast, recommendation, page_as, tmp_path):
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    open_from_letters(page, "Record a letter sent from outside the tracker")
    audit(page, problems, "record form")

    # Nothing chosen: the error summary names each field.
    page.get_by_role("button", name="Record the letter").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Which report does it answer?" in summary
    assert "The signed letter" in summary
    audit(page, problems, "record form with errors")
    assert not LetterSentElsewhere.objects.exists()

    signed = tmp_path / "signed-response.pdf"
    signed.write_bytes(b"%PDF-1.4 signed by the commissioner")
    page.get_by_label("Which report does it answer?").select_option(
        label=recommendation.inspection.title
    )
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2023")
    page.get_by_label("The signed letter").set_input_files(str(signed))
    page.get_by_label("Note (optional)").fill("Sent from Word by the chief executive.")
    page.get_by_role("button", name="Record the letter").click()
    page.wait_for_load_state()
    assert "Letter recorded" in page.locator(".govuk-notification-banner").inner_text()
    audit(page, problems, "recorded letter")
    sent = LetterSentElsewhere.objects.get()
    assert (sent.force, sent.inspection, sent.sent_on) == (
        cast.force_a,
        recommendation.inspection,
        datetime.date(2023, 9, 4),
    )
    assert sent.file.read() == signed.read_bytes()

    page.get_by_role("link", name="Publish on the public pages").click()
    page.wait_for_load_state()
    audit(page, problems, "publish check page")
    assert not Publication.objects.exists()  # nothing until confirmed
    page.get_by_label("Where else is it published? (optional)").fill("not an address")
    page.get_by_role("button", name="Publish the response").click()
    page.wait_for_load_state()
    assert "Enter a valid URL" in page.locator(".govuk-error-summary").inner_text()
    audit(page, problems, "publish check page with errors")
    page.get_by_label("Where else is it published? (optional)").fill(
        "https://www.example-pcc.gov.uk/hmicfrs"
    )
    page.get_by_role("button", name="Publish the response").click()
    page.wait_for_load_state()
    assert "Published" in page.locator(".govuk-notification-banner").inner_text()
    publication = Publication.objects.get()
    assert publication.sent_elsewhere == sent
    assert publication.office_url == "https://www.example-pcc.gov.uk/hmicfrs"

    public = page_as(None)
    public.goto(reverse("public-responses"))
    public.wait_for_load_state()
    audit(public, problems, "public national page")
    text = public.locator("main").inner_text()
    assert cast.force_a.name in text
    assert "4 September 2023" in text
    assert "On time" in text
    assert "chief executive" not in text  # the internal note never reaches the public
    public.get_by_role("link", name=cast.force_a.name, exact=True).click()
    public.wait_for_load_state()
    audit(public, problems, "public force page")
    # A PDF opens in the browser: fetch what the link gives, as the reader's browser does.
    href = public.get_by_role("link", name="Read the letter").first.get_attribute("href")
    letter = public.request.get(href)
    assert letter.headers["content-type"] == "application/pdf"
    assert letter.body() == signed.read_bytes()
    assert problems == []


def test_an_issued_letter_is_published_from_its_page(cast, impl_a, recommendation, page_as):
    LetterRecipient.objects.create(
        key="home-secretary", name="Name", office="Home Secretary", address="Street"
    )
    record(impl_a, cast.pcc_a)
    letter = letter_services.issue_letter(
        letter=letter_services.draft_letter(
            force=cast.force_a, inspection=recommendation.inspection, author=cast.pcc_a
        ),
        author=cast.pcc_a,
        issued_on=datetime.date(2023, 10, 20),
    )
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    page.goto(reverse("letter", args=[letter.uuid]))
    page.get_by_role("link", name="Publish this letter on the public pages").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Publish the response").click()
    page.wait_for_load_state()
    audit(page, problems, "issued letter, published")
    assert Publication.objects.get().letter == letter
    public = page_as(None)
    public.goto(reverse("public-force", args=[cast.force_a.slug]))
    public.wait_for_load_state()
    late = (datetime.date(2023, 10, 20) - recommendation.inspection.response_due).days
    assert f"{late} days late" in public.locator("main").inner_text()
    assert problems == []


def test_a_stale_draft_section_takes_the_latest_words(cast, impl_a, recommendation, page_as):
    from inspections.models import ProgressLetter

    LetterRecipient.objects.create(
        key="home-secretary", name="Name", office="Home Secretary", address="Street"
    )
    record(impl_a, cast.pcc_a, narrative="Old words.")
    draft = letter_services.draft_letter(
        force=cast.force_a, inspection=recommendation.inspection, author=cast.pcc_a
    )
    record(impl_a, cast.lead_a, narrative="New words from the force lead.")
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    page.goto(reverse("letter", args=[draft.uuid]))
    page.wait_for_load_state()
    audit(page, problems, "stale draft")
    page.get_by_role("link", name="Edit the draft").first.click()
    page.wait_for_load_state()
    audit(page, problems, "edit page with a newer update")
    page.get_by_label("Copied to (cc)").fill("The Chief Constable")
    page.get_by_role("button", name="Use the latest for recommendation 2").click()
    page.wait_for_load_state()
    assert (
        "now has the latest update's words"
        in page.locator(".govuk-notification-banner").inner_text()
    )
    audit(page, problems, "edit page after using the latest")
    saved = ProgressLetter.objects.get(pk=draft.pk)
    assert saved.cc == "The Chief Constable"
    assert saved.sections.get().narrative == "New words from the force lead."
    assert problems == []


def test_chief_constables_comments_are_recorded_answered_and_published(
    cast, impl_a, recommendation, page_as, tmp_path
):
    from inspections.models import ChiefConstableComments

    LetterRecipient.objects.create(
        key="home-secretary", name="Name", office="Home Secretary", address="Street"
    )
    record(impl_a, cast.pcc_a)
    letter = letter_services.issue_letter(
        letter=letter_services.draft_letter(
            force=cast.force_a, inspection=recommendation.inspection, author=cast.pcc_a
        ),
        author=cast.pcc_a,
        issued_on=datetime.date(2023, 9, 1),
    )
    problems: list[str] = []
    lead = page_as(cast.lead_a)
    lead.goto(reverse("chief-comments", args=[cast.force_a.slug, recommendation.inspection.slug]))
    lead.wait_for_load_state()
    audit(lead, problems, "comments form")
    assert lead.get_by_label("The office's response to the comments (optional)").count() == 0
    lead.get_by_role("button", name="Save the comments").click()
    lead.wait_for_load_state()
    assert "There is a problem" in lead.locator(".govuk-error-summary").inner_text()
    audit(lead, problems, "comments form with errors")
    signed = tmp_path / "chief-comments.pdf"
    signed.write_bytes(b"%PDF-1.4 the chief's comments")
    lead.get_by_label("Day").fill("20")
    lead.get_by_label("Month").fill("8")
    lead.get_by_label("Year").fill("2023")
    lead.get_by_label("The chief constable's comments").fill("We accept the report in full.")
    lead.get_by_label("The comments as a file (optional)").set_input_files(str(signed))
    lead.get_by_role("button", name="Save the comments").click()
    lead.wait_for_load_state()
    assert "comments are saved" in lead.locator(".govuk-notification-banner").inner_text()
    audit(lead, problems, "comments recorded")

    pcc = page_as(cast.pcc_a)
    pcc.goto(reverse("chief-comments", args=[cast.force_a.slug, recommendation.inspection.slug]))
    pcc.get_by_label("The office's response to the comments (optional)").fill(
        "The commissioner welcomes the chief constable's comments."
    )
    pcc.get_by_role("button", name="Save the comments").click()
    pcc.wait_for_load_state()
    comments = ChiefConstableComments.objects.get()
    assert comments.text == "We accept the report in full."
    assert comments.file.read() == signed.read_bytes()
    assert comments.pcc_response.startswith("The commissioner welcomes")

    pcc.goto(reverse("letter-publish", args=[letter.uuid]))
    pcc.wait_for_load_state()
    audit(pcc, problems, "publish check page with comments")
    pcc.get_by_label("Publish the chief constable's comments").check()
    pcc.get_by_role("button", name="Publish the response").click()
    pcc.wait_for_load_state()
    public = page_as(None)
    public.goto(reverse("public-force", args=[cast.force_a.slug]))
    public.get_by_role("link", name="The chief constable's comments and the response").click()
    public.wait_for_load_state()
    audit(public, problems, "public comments page")
    text = public.locator("main").inner_text()
    assert "We accept the report in full." in text
    assert "The commissioner welcomes" in text
    assert problems == []


def test_the_office_keeps_its_letter_template_and_drafts_use_it(
    cast, impl_a, recommendation, page_as, tmp_path
):
    import io

    from PIL import Image

    from inspections.models import LetterTemplate, ProgressLetter

    LetterRecipient.objects.create(
        key="home-secretary", name="Name", office="Home Secretary", address="Street"
    )
    record(impl_a, cast.pcc_a)
    logo = tmp_path / "crest.png"
    buffer = io.BytesIO()
    Image.new("RGB", (90, 30), "navy").save(buffer, format="PNG")
    logo.write_bytes(buffer.getvalue())
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    open_from_letters(page, "The office's letter template")
    audit(page, problems, "letter template form")
    page.get_by_label("The office's name").fill("Office of the PCC for Alphashire")
    page.get_by_label("The office's address").fill("1 High Street\nAlphatown")
    page.get_by_label("Logo (optional)").set_input_files(str(logo))
    page.get_by_label("Reference (optional)").fill("Our ref: PCC/23")
    page.get_by_label("Salutation (optional)").fill("Dear Home Secretary,")
    page.get_by_label("Valediction (optional)").fill("Yours sincerely,")
    page.get_by_role("button", name="Save the template").click()
    page.wait_for_load_state()
    assert "Letter template saved" in page.locator(".govuk-notification-banner").inner_text()
    audit(page, problems, "letter template saved")
    kept = LetterTemplate.objects.get(force=cast.force_a)
    assert (kept.reference, kept.logo.read()) == ("Our ref: PCC/23", logo.read_bytes())

    page.goto(reverse("letters"))
    page.get_by_role("button", name="Draft a letter").click()
    page.wait_for_load_state()
    draft = ProgressLetter.objects.get(force=cast.force_a)
    page.goto(reverse("letter", args=[draft.uuid]))
    page.wait_for_load_state()
    letter = page.locator(".tracker-letter")
    assert "Office of the PCC for Alphashire" in letter.inner_text()
    assert "Dear Home Secretary," in letter.inner_text()
    assert page.get_by_role("img", name="Logo of Office of the PCC for Alphashire").is_visible()
    audit(page, problems, "draft with the template")
    assert problems == []


def test_a_letter_recorded_in_error_is_withdrawn_after_a_check_page(cast, recommendation, page_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sent = letter_services.record_letter_sent_elsewhere(
        force=cast.force_a,
        inspection=recommendation.inspection,
        sent_on=datetime.date(2023, 9, 4),
        file=SimpleUploadedFile("wrong.pdf", b"%PDF wrong"),
        author=cast.pcc_a,
        today=TODAY,
    )
    letter_services.publish_response(letter=sent, author=cast.pcc_a)
    problems: list[str] = []
    page = page_as(cast.pcc_a)
    page.goto(reverse("letter-elsewhere", args=[sent.uuid]))
    page.get_by_role("link", name="Withdraw this record").click()
    page.wait_for_load_state()
    audit(page, problems, "withdraw check page")
    assert "taken off the public pages" in page.locator("main").inner_text()
    page.get_by_role("button", name="Withdraw the record").click()
    page.wait_for_load_state()
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    audit(page, problems, "withdraw check page with errors")
    sent.refresh_from_db()
    assert sent.withdrawn_at is None  # nothing until a reason is given
    page.get_by_label("Why is the record withdrawn?").fill("The wrong file was uploaded.")
    page.get_by_role("button", name="Withdraw the record").click()
    page.wait_for_load_state()
    assert "Record withdrawn" in page.locator(".govuk-notification-banner").inner_text()
    audit(page, problems, "withdrawn record")
    sent.refresh_from_db()
    assert sent.withdrawn_reason == "The wrong file was uploaded."
    public = page_as(None)
    public.goto(reverse("public-responses"))
    assert cast.force_a.name not in public.locator("main").inner_text()
    assert problems == []


def test_the_force_answers_the_iopc_and_a_coroner_and_publishes_the_iopc_response(
    cast, page_as, tmp_path
):
    """The force lead, in chromium through the real forms: drafts the response to a coroner's
    report (addressed to the coroner, signed by the chief constable), and records the signed
    response to an IOPC learning recommendation sent within its 56 days, then publishes it;
    the public page lists it under the IOPC, on time."""
    from inspections.models import (
        ProgressLetter,
        Source,
    )

    cast.force_a.chief_constable_name = "Sam Chief"
    cast.force_a.save()
    reports = {
        source: force_answered_report(cast, source, title)
        for source, title in (
            (Source.CORONER, "Regulation 28 report: J Smith"),
            (Source.IOPC, "IOPC learning recommendations: custody handovers"),
        )
    }
    problems: list[str] = []
    page = page_as(cast.lead_a)
    page.goto(reverse("letters"))
    page.wait_for_load_state()
    audit(page, problems, "letters, force lead")
    page.get_by_label("Draft a letter on").select_option(label=reports[Source.CORONER].title)
    page.get_by_role("button", name="Draft a letter").click()
    page.wait_for_load_state()
    letter = ProgressLetter.objects.get(inspection=reports[Source.CORONER])
    assert (letter.signatory_name, letter.recipient_name) == ("Sam Chief", "The coroner")
    assert "prevention of future deaths report" in letter.opening
    audit(page, problems, "coroner's draft")

    open_from_letters(page, "Record a letter sent from outside the tracker")
    signed = tmp_path / "iopc-response.pdf"
    signed.write_bytes(b"%PDF-1.4 signed by the chief constable")
    page.get_by_label("Which report does it answer?").select_option(
        label=reports[Source.IOPC].title
    )
    page.get_by_label("Day").fill("15")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("The signed letter").set_input_files(str(signed))
    page.get_by_role("button", name="Record the letter").click()
    page.wait_for_load_state()
    assert "Letter recorded" in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_role("link", name="Publish on the public pages").click()
    page.wait_for_load_state()
    audit(page, problems, "publish the IOPC response")
    page.get_by_role("button", name="Publish the response").click()
    page.wait_for_load_state()
    assert "Published" in page.locator(".govuk-notification-banner").inner_text()
    publication = Publication.objects.get()
    assert publication.inspection == reports[Source.IOPC]
    assert publication.on_time  # due 15 December: 56 days of 20 October

    public = page_as(None)
    public.goto(reverse("public-force", args=[cast.force_a.slug]))
    public.wait_for_load_state()
    text = public.locator("main").inner_text()
    assert "IOPC learning recommendations" in text
    assert "response to the IOPC" in text
    assert "On time" in text
    audit(public, problems, "public page, IOPC")
    assert problems == [], "\n".join(problems)


def test_the_force_records_a_new_date_the_iopc_gave(cast, page_as):
    """The force lead, through the real form: a date before the period's own end is refused
    beside the field and changes nothing; the date the IOPC gave moves the response's date,
    and the finding's does not."""
    from inspections.models import ForceImplementation, Inspection, Source

    from .test_one_truth_journeys import narrow

    report = force_answered_report(cast, Source.IOPC, "IOPC learning recommendations: custody")
    item_due = ForceImplementation.objects.get(recommendation__inspection=report).due_date
    problems: list[str] = []
    page = page_as(cast.lead_a)
    page.goto(reverse("responses") + f"?inspection={report.slug}")
    page.wait_for_load_state()
    audit(page, problems, "responses, IOPC")
    page.get_by_role("link", name="Record a new date given for the response").click()
    page.wait_for_load_state()
    audit(page, problems, "new response date")
    narrow(page, problems, "new response date")
    for box, value in zip(("0", "1", "2"), ("1", "12", "2026"), strict=True):
        page.locator(f"#id_given_{box}").fill(value)
    page.get_by_role("button", name="Record the new date").click()
    page.wait_for_load_state()
    assert "cannot be earlier" in page.locator(".govuk-error-summary").inner_text()
    audit(page, problems, "new response date, refused")
    assert Inspection.objects.get(pk=report.pk).response_due == datetime.date(2026, 12, 15)
    for box, value in zip(("0", "1", "2"), ("31", "1", "2027"), strict=True):
        page.locator(f"#id_given_{box}").fill(value)
    page.get_by_role("button", name="Record the new date").click()
    page.wait_for_load_state()
    assert "now due by 31 January 2027" in page.locator(".govuk-notification-banner").inner_text()
    assert Inspection.objects.get(pk=report.pk).response_due == datetime.date(2027, 1, 31)
    assert ForceImplementation.objects.get(recommendation__inspection=report).due_date == item_due
    assert problems == [], "\n".join(problems)


def test_the_force_lead_keeps_the_forces_letter_template_and_its_response_uses_it(
    cast, page_as, tmp_path
):
    """The force's own letterhead, kept by its lead in chromium through the real form (a
    signature that is not a picture refused first, nothing saved), then used by the response
    the lead drafts to a coroner: the office's template is untouched."""
    from inspections.models import LetterTemplate, ProgressLetter, Responder, Source

    report = force_answered_report(cast, Source.CORONER, "Regulation 28 report: A Jones")
    problems: list[str] = []
    page = page_as(cast.lead_a)
    open_from_letters(page, "The force's letter template (to coroners, the IOPC)")
    audit(page, problems, "force letter template form")
    page.get_by_label("The force's name, as its letterhead gives it").fill(
        "Alphashire Police Headquarters"
    )
    page.get_by_label("The force's address").fill("Police HQ\nAlphatown")
    page.get_by_label("Valediction (optional)").fill("Yours faithfully,")
    not_a_picture = tmp_path / "signature.png"
    not_a_picture.write_bytes(b"this is not a picture")
    page.get_by_label("Signature (optional)", exact=True).set_input_files(str(not_a_picture))
    page.get_by_role("button", name="Save the template").click()
    page.wait_for_load_state()
    assert "Signature" in page.locator(".govuk-error-summary").inner_text()
    audit(page, problems, "force letter template with an error")
    assert not LetterTemplate.objects.filter(force=cast.force_a).exists()

    page.get_by_label("Signature (optional)", exact=True).set_input_files([])
    page.get_by_role("button", name="Save the template").click()
    page.wait_for_load_state()
    assert "Letter template saved" in page.locator(".govuk-notification-banner").inner_text()
    kept = LetterTemplate.objects.get(force=cast.force_a)
    assert (kept.writer, kept.office_name, kept.office_address) == (
        Responder.FORCE,
        "Alphashire Police Headquarters",
        "Police HQ\nAlphatown",
    )

    page.goto(reverse("letters"))
    page.get_by_label("Draft a letter on").select_option(label=report.title)
    page.get_by_role("button", name="Draft a letter").click()
    page.wait_for_load_state()
    draft = ProgressLetter.objects.get(inspection=report)
    assert (draft.letterhead_name, draft.valediction) == (
        "Alphashire Police Headquarters",
        "Yours faithfully,",
    )
    page.goto(reverse("letter", args=[draft.uuid]))
    page.wait_for_load_state()
    letter = page.locator(".tracker-letter").inner_text()
    assert "Alphashire Police Headquarters" in letter
    assert "Yours faithfully," in letter
    audit(page, problems, "coroner's draft on the force's letterhead")
    assert problems == []
