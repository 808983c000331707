"""A backup and restore round trip (dumpdata, then loaddata into an emptied database) loses
nothing: every record, every history entry, and issued letters still match their hashes."""

import hashlib
import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from inspections.models import LetterStatus, ProgressLetter, User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]


def fingerprint() -> dict[str, object]:
    """Every row of every tracker table, as a hash per table."""
    result = {}
    for model in apps.get_app_config("inspections").get_models():
        rows = sorted(map(repr, model._base_manager.order_by("pk").values_list()))
        result[model._meta.label] = (
            len(rows),
            hashlib.sha256("\n".join(rows).encode()).hexdigest(),
        )
    return result


def test_backup_and_restore_loses_nothing(tmp_path):
    before = fingerprint()
    assert before["inspections.ProgressUpdate"][0] > 500
    assert before["inspections.HistoricalProgressUpdate"][0] > 500
    backup = tmp_path / "tracker.xml.gz"
    call_command("backup", str(backup), stdout=io.StringIO())

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_backup", str(backup))
    call_command("flush", interactive=False, verbosity=0)
    assert fingerprint()["inspections.ProgressUpdate"][0] == 0

    call_command("restore_backup", str(backup), stdout=io.StringIO())
    assert fingerprint() == before

    letter = ProgressLetter.objects.get(
        force__slug="west-mercia-police", status=LetterStatus.ISSUED
    )
    client = Client()
    client.force_login(User.objects.get(username="westmercia.pcc"))
    response = client.get(reverse("letter-download", args=[letter.uuid, "pdf"]))
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == letter.pdf_sha256


def test_bad_arguments(tmp_path):
    with pytest.raises(CommandError, match=r"\.xml or \.xml\.gz"):
        call_command("backup", str(tmp_path / "backup.json"))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "missing" / "backup.xml"))
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore_backup", str(tmp_path / "nothing.xml"))
