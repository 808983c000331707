"""Letters sent outside the tracker count for s.55; published responses, and only those, are on
the public pages, to anyone, the same page for everyone."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inspections.letters import services as letter_services
from inspections.models import LetterPurpose, LetterRecipient, LetterSentElsewhere, Publication
from inspections.responses import queries

from .conftest import TODAY, login, record
from .downloads import body, csv_rows
from .factories import ForceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


def send_elsewhere(cast, inspection, on=datetime.date(2023, 9, 4), force=None, author=None):
    return letter_services.record_letter_sent_elsewhere(
        force=force or cast.force_a,
        inspection=inspection,
        sent_on=on,
        file=SimpleUploadedFile("signed.pdf", b"%PDF signed"),
        note="Internal: from Word",
        author=author or cast.pcc_a,
        today=TODAY,
    )


def state_of(cast, inspection, force) -> str:
    rows = queries.responses(cast.admin, inspection, TODAY)
    return next(row.state for row in rows if row.force == force)


def test_a_letter_sent_elsewhere_counts_and_a_withdrawn_one_does_not(cast, recommendation):
    inspection = recommendation.inspection
    assert state_of(cast, inspection, cast.force_a) == "missing"
    sent = send_elsewhere(cast, inspection)
    assert state_of(cast, inspection, cast.force_a) == "on_time"
    export = login(cast.admin).get(reverse("responses"), {"format": "csv"})
    by_force = {row[0]: row for row in csv_rows(export)[1:]}
    assert by_force[cast.force_a.name][3:5] == ["Sent on time", "2023-09-04"]
    page = login(cast.admin).get(reverse("responses")).content.decode()
    assert sent.get_absolute_url() in page
    letter_services.withdraw_letter_sent_elsewhere(
        record=sent, reason="Wrong file", author=cast.pcc_a
    )
    assert state_of(cast, inspection, cast.force_a) == "missing"
    assert LetterSentElsewhere.objects.get().withdrawn_reason == "Wrong file"  # kept


def test_a_second_response_is_asked_about_and_then_chosen(cast, recommendation):
    inspection = recommendation.inspection
    send_elsewhere(cast, inspection, on=datetime.date(2023, 11, 30))
    assert state_of(cast, inspection, cast.force_a) == "late"
    # An earlier letter found later: it is not silently counted, the office is asked.
    with pytest.raises(ValidationError, match="already sent on 30 November 2023"):
        send_elsewhere(cast, inspection, on=datetime.date(2023, 8, 1))
    earlier = letter_services.record_letter_sent_elsewhere(
        force=cast.force_a,
        inspection=inspection,
        sent_on=datetime.date(2023, 8, 1),
        file=SimpleUploadedFile("signed.pdf", b"%PDF signed"),
        purpose=LetterPurpose.PROGRESS,
        author=cast.pcc_a,
        today=TODAY,
    )
    assert state_of(cast, inspection, cast.force_a) == "late"
    letter_services.choose_response(
        letter=earlier, reason="The August letter was the response.", author=cast.pcc_a
    )
    assert state_of(cast, inspection, cast.force_a) == "on_time"


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (TODAY + datetime.timedelta(days=1), "cannot be in the future"),
        (datetime.date(2023, 7, 1), "before the report was published"),
    ],
)
def test_impossible_dates_are_refused(cast, recommendation, on, message):
    with pytest.raises(ValidationError, match=message):
        send_elsewhere(cast, recommendation.inspection, on=on)
    assert not LetterSentElsewhere.objects.exists()


def test_only_the_forces_pcc_staff_record_withdraw_and_publish(cast, recommendation):
    from django.core.exceptions import PermissionDenied

    for user in (cast.lead_a, cast.pcc_b, cast.viewer, cast.admin):
        with pytest.raises(PermissionDenied):
            send_elsewhere(cast, recommendation.inspection, author=user)
    sent = send_elsewhere(cast, recommendation.inspection)
    for user in (cast.lead_a, cast.pcc_b, cast.admin):
        with pytest.raises(PermissionDenied):
            letter_services.publish_response(letter=sent, author=user)
        with pytest.raises(PermissionDenied):
            letter_services.withdraw_letter_sent_elsewhere(record=sent, reason="x", author=user)
    assert not Publication.objects.exists()


def test_a_file_of_the_wrong_kind_is_refused_with_nothing_written(cast, recommendation):
    response = login(cast.pcc_a).post(
        reverse("letter-elsewhere-new"),
        {
            "inspection": recommendation.inspection.pk,
            "sent_on_0": "4",
            "sent_on_1": "9",
            "sent_on_2": "2023",
            "file": SimpleUploadedFile("letter.exe", b"MZ"),
        },
    )
    assert response.status_code == 400
    assert "not a kind accepted" in response.content.decode()
    assert not LetterSentElsewhere.objects.exists()


@pytest.fixture
def issued(cast, impl_a, recommendation):
    LetterRecipient.objects.create(
        key="home-secretary", name="Name", office="Home Secretary", address="Street"
    )
    record(impl_a, cast.pcc_a, narrative="What the force did, in the letter.")
    return letter_services.issue_letter(
        letter=letter_services.draft_letter(
            force=cast.force_a, inspection=recommendation.inspection, author=cast.pcc_a
        ),
        author=cast.pcc_a,
        issued_on=datetime.date(2023, 9, 4),
    )


def public_text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    return response.content.decode()


def test_nothing_is_public_until_published(cast, recommendation, issued):
    anon = Client()
    national = public_text(anon, reverse("public-responses"))
    assert cast.force_a.name not in national
    assert "No responses have been published yet" in national
    assert "No responses have been published here yet" in public_text(
        anon, reverse("public-force", args=[cast.force_a.slug])
    )
    # Neither the letter's own address nor a guess at one reaches its file.
    assert anon.get(reverse("letter-download", args=[issued.uuid, "pdf"])).status_code == 302
    assert anon.get(reverse("public-letter", args=[issued.uuid])).status_code == 404
    impl_b = recommendation.implementations.get(force=cast.force_b)
    record(impl_b, cast.pcc_b)
    draft_b = letter_services.draft_letter(
        force=cast.force_b, inspection=recommendation.inspection, author=cast.pcc_b
    )
    with pytest.raises(ValidationError, match="Only an issued letter"):
        letter_services.publish_response(letter=draft_b, author=cast.pcc_b)


def test_published_responses_are_public_and_nothing_else(cast, recommendation, issued):
    publication = letter_services.publish_response(
        letter=issued, office_url="https://pcc.example.gov.uk/s55", author=cast.pcc_a
    )
    sent_b = send_elsewhere(
        cast,
        recommendation.inspection,
        on=datetime.date(2023, 11, 1),
        force=cast.force_b,
        author=cast.pcc_b,
    )
    publication_b = letter_services.publish_response(letter=sent_b, author=cast.pcc_b)
    anon = Client()
    national = public_text(anon, reverse("public-responses"))
    for words in (cast.force_a.name, cast.force_b.name, "4 September 2023", "On time"):
        assert words in national
    late = (datetime.date(2023, 11, 1) - recommendation.inspection.response_due).days
    assert f"{late} days late" in national
    assert "https://pcc.example.gov.uk/s55" in national
    for private in ("What the force did", "Internal: from Word", "Sign out"):
        assert private not in national
    letter_file = anon.get(reverse("public-letter", args=[publication.uuid]))
    assert body(letter_file) == issued.pdf_file.open("rb").read()
    # Signed in or not, the page is the same (so a shared cache may keep it).
    signed_in = public_text(login(cast.pcc_a), reverse("public-responses"))
    assert "Signed in as" not in signed_in
    # Withdrawing the record takes its publication down with it.
    letter_services.withdraw_letter_sent_elsewhere(record=sent_b, reason="Wrong", author=cast.pcc_b)
    assert cast.force_b.name not in public_text(anon, reverse("public-responses"))
    assert anon.get(reverse("public-letter", args=[publication_b.uuid])).status_code == 404
    with pytest.raises(ValidationError, match="already published"):
        letter_services.publish_response(letter=issued, author=cast.pcc_a)


def test_public_pages_refuse_writes(cast, issued):
    letter_services.publish_response(letter=issued, author=cast.pcc_a)
    response = Client().post(reverse("public-responses"))
    assert response.status_code == 405


def test_public_pages_queries_do_not_grow(cast, recommendation, issued):
    letter_services.publish_response(letter=issued, author=cast.pcc_a)
    anon = Client()
    urls = [reverse("public-responses"), reverse("public-force", args=[cast.force_a.slug])]

    def counts() -> list[int]:
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert anon.get(url).status_code == 200
            result.append(len(ctx.captured_queries))
        return result

    small = counts()
    for _ in range(5):
        force = ForceFactory()
        pcc = UserFactory(role="pcc_staff", force=force)
        sent = send_elsewhere(cast, recommendation.inspection, force=force, author=pcc)
        letter_services.publish_response(letter=sent, author=pcc)
    assert counts() == small


def save_comments(cast, inspection, author, **kwargs):
    values = {
        "received_on": datetime.date(2023, 8, 20),
        "text": "The force accepts every recommendation.",
        "today": TODAY,
    }
    values.update(kwargs)
    return letter_services.save_chief_comments(
        force=cast.force_a, inspection=inspection, author=author, **values
    )


def test_chief_comments_recorded_by_the_force_answered_by_the_office(cast, recommendation):
    from django.core.exceptions import PermissionDenied

    from inspections.models import ChiefConstableComments

    inspection = recommendation.inspection
    save_comments(cast, inspection, cast.lead_a)
    with pytest.raises(PermissionDenied, match="PCC's staff"):
        save_comments(cast, inspection, cast.lead_a, pcc_response="The lead cannot answer.")
    for outsider in (cast.pcc_b, cast.viewer, cast.admin):
        with pytest.raises(PermissionDenied):
            save_comments(cast, inspection, outsider)
    save_comments(
        cast,
        inspection,
        cast.pcc_a,
        file=SimpleUploadedFile("comments.pdf", b"%PDF c"),
        pcc_response="We welcome them.",
    )
    comments = ChiefConstableComments.objects.get()
    assert (comments.pcc_response, comments.file_name) == ("We welcome them.", "comments.pdf")
    # Changing the text keeps the file already stored; the history keeps every version.
    save_comments(cast, inspection, cast.lead_a, text="Corrected comments.")
    comments.refresh_from_db()
    assert (comments.text, comments.file_name) == ("Corrected comments.", "comments.pdf")
    assert comments.history.count() == 3
    with pytest.raises(ValidationError, match="as text, as a file, or both"):
        letter_services.save_chief_comments(
            force=cast.force_b,
            inspection=inspection,
            author=cast.pcc_b,
            received_on=datetime.date(2023, 8, 20),
            text=" ",
            today=TODAY,
        )


def test_chief_comments_page_as_each_role(cast, recommendation):
    inspection = recommendation.inspection
    url = reverse("chief-comments", args=[cast.force_a.slug, inspection.slug])
    response = login(cast.lead_a).post(
        url,
        {"received_on_0": "20", "received_on_1": "8", "received_on_2": "2023", "text": ""},
    )
    assert response.status_code == 400
    assert "as text, as a file, or both" in response.content.decode()
    response = login(cast.lead_a).post(
        url,
        {
            "received_on_0": "20",
            "received_on_1": "8",
            "received_on_2": "2023",
            "text": "Accepted.",
            "pcc_response": "Ignored: not the lead's to write",
        },
    )
    assert response.status_code == 302
    page = login(cast.pcc_a).get(url).content.decode()
    assert "Accepted." in page
    assert "The office&#x27;s response to the comments" in page  # PCC staff may answer
    assert "Save the comments" not in login(cast.viewer).get(url).content.decode()
    assert login(cast.viewer).post(url, {}).status_code == 403


def test_published_chief_comments_show_on_the_public_pages(cast, recommendation, issued):
    inspection = recommendation.inspection
    save_comments(
        cast,
        inspection,
        cast.pcc_a,
        file=SimpleUploadedFile("comments.pdf", b"%PDF chief"),
        pcc_response="We welcome them.",
    )
    publication = letter_services.publish_response(
        letter=issued, with_chief_comments=True, author=cast.pcc_a
    )
    anon = Client()
    national = public_text(anon, reverse("public-responses"))
    link = reverse("public-comments", args=[publication.uuid])
    assert link in national
    page = public_text(anon, link)
    assert "The force accepts every recommendation." in page
    assert "We welcome them." in page
    assert body(anon.get(reverse("public-comments-file", args=[publication.uuid]))) == b"%PDF chief"


def test_chief_comments_are_not_public_unless_published_with_them(cast, recommendation, issued):
    save_comments(cast, recommendation.inspection, cast.pcc_a)
    publication = letter_services.publish_response(letter=issued, author=cast.pcc_a)
    anon = Client()
    assert "chief constable" not in public_text(anon, reverse("public-responses")).lower()
    assert anon.get(reverse("public-comments", args=[publication.uuid])).status_code == 404
    assert anon.get(reverse("public-comments-file", args=[publication.uuid])).status_code == 404


def test_the_letters_page_lists_letters_sent_elsewhere_under_a_plain_title(cast, recommendation):
    send_elsewhere(cast, recommendation.inspection)
    page = login(cast.pcc_a).get(reverse("letters")).content.decode()
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title
    assert title.startswith("Letters to the Home Secretary")
    assert page.count("Letters sent from outside the tracker") == 1


def test_a_public_page_never_shows_a_signed_in_persons_messages(cast, recommendation):
    """The public pages may be kept by a shared cache: a message waiting for someone signed in
    must wait for their own next page, not appear (to everyone) on a public one."""
    client = login(cast.pcc_b)
    published_b = letter_services.record_letter_sent_elsewhere(
        force=cast.force_b,
        inspection=recommendation.inspection,
        sent_on=datetime.date(2023, 9, 1),
        file=SimpleUploadedFile("b.pdf", b"%PDF b"),
        author=cast.pcc_b,
        today=TODAY,
    )
    posted = client.post(
        reverse("letter-elsewhere-publish", args=[published_b.uuid]), {"office_url": ""}
    )
    assert posted.status_code == 302  # its "Published" message now waits for pcc_b
    signed_in = public_text(client, reverse("public-responses"))
    assert "Signed in as" not in signed_in
    assert "Anyone can now read it" not in signed_in
    assert "Anyone can now read it" in client.get(posted["Location"]).content.decode()
