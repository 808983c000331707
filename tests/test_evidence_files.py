"""Evidence files are served only to people who may read that force's updates."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from inspections.models import Status

from .conftest import login, record

pytestmark = pytest.mark.django_db


@pytest.fixture
def update_with_file(cast, impl_a):
    return record(
        impl_a,
        cast.lead_a,
        Status.COMPLETE,
        evidence_note="Audit report",
        evidence_files=[SimpleUploadedFile("audit.pdf", b"%PDF-1.4 audit")],
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("pcc_a", 200),
        ("lead_a", 200),
        ("admin", 200),
        ("viewer", 200),
        ("pcc_b", 404),
        ("lead_b", 404),
    ],
)
def test_evidence_download_is_scoped(cast, update_with_file, role, status):
    response = login(cast.by_role()[role]).get(
        reverse("evidence-file", args=[update_with_file.files.get().uuid])
    )
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 audit"
        assert "attachment" in response["Content-Disposition"]


def test_anonymous_must_sign_in(update_with_file):
    response = Client().get(reverse("evidence-file", args=[update_with_file.files.get().uuid]))
    assert response.status_code == 302


def test_unknown_file_is_not_found(cast, impl_a):
    url = reverse("evidence-file", args=["00000000-0000-4000-8000-000000000000"])
    assert login(cast.pcc_a).get(url).status_code == 404


def test_several_files_on_one_update(cast, impl_a):
    update = record(
        impl_a,
        cast.pcc_a,
        evidence_files=[
            SimpleUploadedFile("minutes.pdf", b"%PDF minutes"),
            SimpleUploadedFile("plan.docx", b"PK\x03\x04 plan"),
        ],
    )
    assert sorted(update.files.values_list("name", flat=True)) == ["minutes.pdf", "plan.docx"]
    client = login(cast.lead_a)
    for stored in update.files.all():
        response = client.get(reverse("evidence-file", args=[stored.uuid]))
        assert response.status_code == 200


def test_admin_links_to_the_guarded_download(cast, update_with_file, impl_a):
    body = (
        login(cast.pcc_a)
        .get(reverse("admin:inspections_forceimplementation_change", args=[impl_a.pk]))
        .content.decode()
    )
    assert reverse("evidence-file", args=[update_with_file.files.get().uuid]) in body
    assert "/media/" not in body
