"""The joins between pages: nothing typed or chosen lost silently after an error, the update form
starting from where the item stands, and links that go where each user works."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inspections.models import EvidenceFile, ProgressUpdate, Status

from .conftest import login, record
from .factories import InspectionFactory, RecommendationFactory


def item_args(item):
    return [item.force.slug, item.recommendation.inspection.slug, item.recommendation.ref]


def test_the_update_form_starts_from_the_latest_narrative(cast, impl_a):
    url = reverse("item-update", args=item_args(impl_a))
    assert login(cast.pcc_a).get(url).context["form"]["narrative"].value() == ""
    record(impl_a, cast.pcc_a, narrative="Training booked for March; policy drafted.")
    form = login(cast.pcc_a).get(url).context["form"]
    assert form["narrative"].value() == "Training booked for March; policy drafted."
    assert "It starts as the latest update's" in form["narrative"].help_text


def test_files_chosen_on_a_page_with_errors_are_named_and_asked_for_again(cast, impl_a):
    url = reverse("item-update", args=item_args(impl_a))
    response = login(cast.pcc_a).post(
        url,
        {
            "status": Status.IN_PROGRESS,
            "narrative": "",
            "as_of_0": "4",
            "as_of_1": "9",
            "as_of_2": "2024",
            "evidence_files": [
                SimpleUploadedFile("audit.pdf", b"%PDF-1.4 audit"),
                SimpleUploadedFile("minutes.txt", b"Minutes of the board"),
            ],
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["narrative"] == [
        "Say what has been done and what happens next: it goes into the force's letter."
    ]
    assert errors["evidence_files"] == [
        "Choose your evidence files again: files are not kept when a page has errors (you "
        "chose audit.pdf, minutes.txt)."
    ]
    assert not ProgressUpdate.objects.exists()
    assert not EvidenceFile.objects.exists()


def test_no_status_chosen_says_what_to_do(cast, impl_a):
    response = login(cast.pcc_a).post(
        reverse("item-update", args=item_args(impl_a)), {"narrative": "Work started."}
    )
    assert response.context["form"].errors["status"] == ["Choose where the item stands now."]


def test_the_recommendation_page_links_each_force_to_its_item(cast, impl_a, impl_b):
    url = reverse("recommendation", args=[impl_a.recommendation.inspection.slug, "2"])
    page = login(cast.admin).get(url).content.decode()
    for item in (impl_a, impl_b):
        assert f'href="{reverse("item", args=item_args(item))}' in page
    # A force user sees the way to its own item, and no other force's.
    page = login(cast.pcc_a).get(url).content.decode()
    assert reverse("item", args=item_args(impl_a)) in page
    assert reverse("item", args=item_args(impl_b)) not in page


def test_the_force_page_offers_several_updates_for_every_report_the_force_has(cast, impl_a):
    older = InspectionFactory(
        slug="custody", title="Custody inspection", published=datetime.date(2022, 5, 1)
    )
    RecommendationFactory(inspection=older, number=1)
    page = login(cast.pcc_a).get(reverse("force", args=[cast.force_a.slug])).content.decode()
    for slug in ("firearms", "custody"):
        assert reverse("several-updates", args=[cast.force_a.slug, slug]) in page
    page = login(cast.viewer).get(reverse("force", args=[cast.force_a.slug])).content.decode()
    assert "update-several" not in page


def test_the_chief_constables_comments_are_reached_from_the_item_force_page_and_letter(
    cast, impl_a, home_secretary
):
    from inspections.letters import services as letter_services

    inspection = impl_a.recommendation.inspection
    comments_url = reverse("chief-comments", args=[cast.force_a.slug, inspection.slug])
    client = login(cast.pcc_a)
    item_page = client.get(reverse("item", args=item_args(impl_a))).content.decode()
    assert comments_url in item_page
    assert "Not recorded for this report" in item_page
    force_page = client.get(reverse("force", args=[cast.force_a.slug])).content.decode()
    assert comments_url in force_page
    record(impl_a, cast.pcc_a, narrative="Trained.")
    letter = letter_services.draft_letter(
        force=cast.force_a, inspection=inspection, author=cast.pcc_a
    )
    check = client.get(reverse("letter-issue", args=[letter.uuid])).content.decode()
    assert comments_url in check
    assert "Section 55 expects the chief constable's comments" in check
    letter_services.save_chief_comments(
        force=cast.force_a,
        inspection=inspection,
        author=cast.lead_a,
        received_on=datetime.date(2023, 8, 1),
        text="The force accepts every recommendation.",
    )
    check = client.get(reverse("letter-issue", args=[letter.uuid])).content.decode()
    assert "Received on 1 August 2023" in check
    assert "Section 55 expects" not in check
    force_page = client.get(reverse("force", args=[cast.force_a.slug])).content.decode()
    assert "received 1 August 2023" in force_page
