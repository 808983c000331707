"""The office's letter template: kept by its PCC staff, used by every new draft (letterhead,
logo, reference, salutation, valediction, signatory and signature image, copies), in every
layout; drafts follow it until they are issued, except where the draft itself was changed;
issued letters keep what they were issued with."""

import datetime
import io

import docx
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from inspections.letters import content, render
from inspections.letters import services as letter_services
from inspections.models import LetterRecipient, LetterTemplate

from .conftest import TODAY, login, record
from .test_letters import pdf_text

pytestmark = pytest.mark.django_db


def png(colour: str = "navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY.isoformat()


@pytest.fixture
def ready(cast, impl_a):
    LetterRecipient.objects.create(
        key="home-secretary", name="Rt Hon A Person MP", office="Home Secretary", address="Street"
    )
    record(impl_a, cast.pcc_a, narrative="The force's words.")


def keep_template(cast, **values):
    return letter_services.save_letter_template(
        force=cast.force_a,
        author=cast.pcc_a,
        values={
            "office_name": "Office of the Police and Crime Commissioner for Alphashire",
            "office_address": "1 High Street\nAlphatown AL1 1AA",
            "reference": "Our ref: PCC/HMICFRS/23",
            "salutation": "Dear Home Secretary,",
            "valediction": "Yours sincerely,",
            "signatory_name": "Pat Example",
            "signatory_title": "Police and Crime Commissioner\nAlphashire",
            "cc": "Alphashire Chief Constable\nHMICFRS",
            **values,
        },
        logo=SimpleUploadedFile("logo.png", png()),
        signature=SimpleUploadedFile("signature.png", png("black")),
    )


def test_a_new_draft_takes_the_template_in_every_layout(cast, recommendation, ready):
    keep_template(cast)
    letter = letter_services.draft_letter(
        force=cast.force_a, inspection=recommendation.inspection, author=cast.pcc_a
    )
    assert letter.reference == "Our ref: PCC/HMICFRS/23"
    assert letter.logo.read() == png()
    built = content.from_letter(letter)
    text = pdf_text(render.pdf(built))
    for words in (
        "Office of the Police and Crime Commissioner for Alphashire",
        "1 High Street",
        "Our ref: PCC/HMICFRS/23",
        "Dear Home Secretary,",
        "Yours sincerely,",
        "Pat Example",
    ):
        assert words in text, words
    assert text.index("Dear Home Secretary,") < text.index("I am writing to you")
    assert text.index("Yours sincerely,") < text.index("Pat Example")
    document = docx.Document(io.BytesIO(render.docx(built)))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Our ref: PCC/HMICFRS/23" in paragraphs
    assert paragraphs.index("Yours sincerely,") < paragraphs.index("Pat Example")
    assert len(document.inline_shapes) == 2  # the logo and the signature
    html = render.html(built)
    assert 'alt="Logo of Office of the Police and Crime Commissioner for Alphashire"' in html
    assert 'alt="Signature of Pat Example"' in html


def test_changing_the_template_leaves_made_letters_alone(cast, recommendation, ready):
    keep_template(cast)
    letter = letter_services.draft_letter(
        force=cast.force_a, inspection=recommendation.inspection, author=cast.pcc_a
    )
    issued = letter_services.issue_letter(
        letter=letter, author=cast.pcc_a, issued_on=datetime.date(2023, 9, 4)
    )
    keep_template(cast, reference="Our ref: NEW", valediction="")
    issued.refresh_from_db()
    assert issued.reference == "Our ref: PCC/HMICFRS/23"
    assert "Our ref: PCC/HMICFRS/23" in pdf_text(issued.pdf_file.open("rb").read())
    second = letter_services.draft_letter(
        force=cast.force_a, inspection=recommendation.inspection, author=cast.pcc_a
    )
    assert (second.reference, second.valediction) == ("Our ref: NEW", "")


def test_a_draft_made_before_the_template_follows_it_until_issued(cast, recommendation, ready):
    draft = letter_services.draft_letter(
        force=cast.force_a, inspection=recommendation.inspection, author=cast.pcc_a
    )
    assert draft.letterhead_name == ""
    # The office changes one thing on the draft itself: that edit is kept.
    letter_services.update_draft(
        letter=draft,
        author=cast.pcc_a,
        fields={"valediction": "With best wishes,"},
        narratives={},
        version=draft.version,
    )
    keep_template(cast)
    draft.refresh_from_db()
    assert draft.letterhead_name == "Office of the Police and Crime Commissioner for Alphashire"
    assert draft.reference == "Our ref: PCC/HMICFRS/23"
    assert draft.signatory_name == "Pat Example"
    assert draft.cc == "Alphashire Chief Constable\nHMICFRS"
    assert draft.valediction == "With best wishes,"
    assert draft.logo.read() == png()
    assert draft.version == 3
    text = pdf_text(render.pdf(content.from_letter(draft)))
    assert "Our ref: PCC/HMICFRS/23" in text
    assert "Pat Example" in text


def test_without_a_template_the_letter_is_as_before(cast, recommendation, ready):
    built = content.from_data(cast.force_a, recommendation.inspection, TODAY)
    assert (built.letterhead_name, built.reference, built.salutation, built.logo) == (
        "",
        "",
        "",
        None,
    )
    assert built.signatory_name == cast.force_a.commissioner_name


def test_only_the_offices_staff_keep_it_and_pictures_must_be_pictures(cast, ready):
    for outsider in (cast.lead_a, cast.pcc_b, cast.admin):
        with pytest.raises(PermissionDenied):
            letter_services.save_letter_template(
                force=cast.force_a, author=outsider, values={"reference": "x"}
            )
    url = reverse("letter-template", args=[cast.force_a.slug])
    response = login(cast.pcc_a).post(
        url,
        {
            "office_name": "Office",
            "logo": SimpleUploadedFile("logo.png", b"not a picture at all"),
        },
    )
    assert response.status_code == 400
    assert "not a picture this service can read" in response.content.decode()
    assert not LetterTemplate.objects.exists()
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    response = login(cast.pcc_a).post(
        url, {"signature": SimpleUploadedFile("s.gif", gif.getvalue())}
    )
    assert "is a GIF: use a PNG or JPEG" in response.content.decode()
    assert login(cast.viewer).post(url, {"office_name": "Viewer"}).status_code == 403
    assert "Save the template" not in login(cast.lead_a).get(url).content.decode()
