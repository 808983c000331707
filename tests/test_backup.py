"""A backup and restore round trip into an emptied database and emptied file storage loses
nothing: every record, every history entry, every file, byte for byte."""

import hashlib
import io
import zipfile

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from inspections import services
from inspections.models import (
    EvidenceFile,
    ForceImplementation,
    LetterStatus,
    ProgressLetter,
    ProgressUpdate,
    User,
)

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


def stored_files() -> dict[str, str]:
    names = set()
    for stored in EvidenceFile.objects.all():
        names.add(stored.file.name)
    for letter in ProgressLetter.objects.filter(status=LetterStatus.ISSUED):
        names.update(n for n in (letter.docx_file.name, letter.pdf_file.name) if n)
    result = {}
    for name in names:
        with default_storage.open(name, "rb") as handle:
            result[name] = hashlib.sha256(handle.read()).hexdigest()
    return result


def test_backup_and_restore_loses_nothing(tmp_path):
    # Text stored before control characters were refused, and an evidence file.
    implementation = ForceImplementation.objects.filter(force__slug="gwent-police").first()
    update = services.record_progress_update(
        implementation=implementation,
        author=User.objects.get(username="gwent.pcc"),
        status="in_progress",
        narrative="Line one.\nLine two.",
        as_of=implementation.recommendation.inspection.published,
        evidence_files=[ContentFile(b"%PDF-1.4 evidence", name="evidence.pdf")],
    )
    # Updates are append-only, so the old data is written the way old rows would be: raw SQL.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {ProgressUpdate._meta.db_table} SET narrative = %s WHERE id = %s",
            ["Pasted\r\nfrom Word\x0bwith a vertical tab", update.pk],
        )
    before = fingerprint()
    files_before = stored_files()
    assert before["inspections.ProgressUpdate"][0] > 500
    assert before["inspections.HistoricalProgressUpdate"][0] > 500
    assert len(files_before) >= 3
    backup = tmp_path / "tracker.zip"
    call_command("backup", str(backup), stdout=io.StringIO())

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_backup", str(backup))
    # PostgreSQL cannot truncate tables with foreign-key checks still pending from this
    # transaction's writes: run them now.
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    for name in files_before:
        default_storage.delete(name)
    assert fingerprint()["inspections.ProgressUpdate"][0] == 0

    call_command("restore_backup", str(backup), stdout=io.StringIO())
    assert fingerprint() == before
    assert stored_files() == files_before
    assert ProgressUpdate.objects.get(pk=update.pk).narrative == (
        "Pasted\r\nfrom Word\x0bwith a vertical tab"
    )

    letter = ProgressLetter.objects.get(
        force__slug="west-mercia-police", status=LetterStatus.ISSUED
    )
    client = Client()
    client.force_login(User.objects.get(username="westmercia.pcc"))
    response = client.get(reverse("letter-download", args=[letter.uuid, "pdf"]))
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == letter.pdf_sha256


def test_bad_arguments(tmp_path):
    with pytest.raises(CommandError, match=r"\.zip"):
        call_command("backup", str(tmp_path / "backup.json"))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "missing" / "backup.zip"))
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore_backup", str(tmp_path / "nothing.zip"))


def test_a_damaged_backup_is_refused_before_anything_is_written(tmp_path):
    backup = tmp_path / "tracker.zip"
    call_command("backup", str(backup), stdout=io.StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(backup))
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(backup) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "data.json":
                content = content.replace(b"West Mercia", b"West Mercio", 1)
            target.writestr(item, content)
    call_command("flush", interactive=False, verbosity=0)
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore_backup", str(damaged))
    assert not User.objects.exists()
    (tmp_path / "not-a-backup.zip").write_bytes(b"hello")
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore_backup", str(tmp_path / "not-a-backup.zip"))
