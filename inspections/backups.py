"""A complete, portable backup: every table the tracker owns (change history included) and every
stored file (evidence, issued letters), in one zip with a SHA-256 for each part. What is backed
up restores identically: text byte for byte (JSON keeps \\r and control characters exactly,
where XML parsers rewrite line endings), timestamps to the microsecond, files checked against
their hashes before anything is written."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.test.utils import override_settings

FORMAT = 1
DATA = "data.json"
MANIFEST = "manifest.json"
FILES = "files/"
# What Django rebuilds by itself, and the log of admin screens (it points at content types).
EXCLUDED = {"contenttypes.contenttype", "auth.permission", "sessions.session", "admin.logentry"}


class BackupError(Exception):
    """The backup cannot be written or restored; the message says why."""


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts timestamps to the millisecond; a backup keeps every digit."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


def backed_up_models() -> list[type[models.Model]]:
    app_list = [(config, None) for config in apps.get_app_configs() if config.models_module]
    ordered = serializers.sort_dependencies(app_list, allow_cycles=True)
    return [
        model
        for model in ordered
        if model._meta.label_lower not in EXCLUDED and not model._meta.proxy and model._meta.managed
    ]


def all_objects() -> Iterator[models.Model]:
    for model in backed_up_models():
        yield from model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000)


def stored_file_names() -> list[str]:
    names: set[str] = set()
    for model in backed_up_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names.update(
                    model._base_manager.exclude(**{field.name: ""})
                    .exclude(**{f"{field.name}__isnull": True})
                    .values_list(field.name, flat=True)
                )
    return sorted(names)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_backup(path: Path) -> dict[str, int]:
    """Write the backup; returns how many records and files it holds."""
    data = io.StringIO()
    serializers.serialize("json", all_objects(), stream=data, cls=ExactJSONEncoder, indent=None)
    payload = data.getvalue().encode("utf-8")
    manifest: dict[str, Any] = {"format": FORMAT, "data_sha256": sha256(payload), "files": {}}
    missing = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(DATA, payload)
        for name in stored_file_names():
            if not default_storage.exists(name):
                missing.append(name)
                continue
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
            manifest["files"][name] = sha256(content)
            archive.writestr(FILES + name, content)
        manifest["missing_files"] = missing
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True))
    return {"records": len(json.loads(payload)), "files": len(manifest["files"])}


def read_archive(path: Path) -> tuple[bytes, dict[str, bytes]]:
    """The data and the files, every hash checked, or a BackupError naming what is wrong."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"{path.name} is not a backup written by `manage.py backup`.") from error
    with archive:
        try:
            manifest = json.loads(archive.read(MANIFEST))
            payload = archive.read(DATA)
        except (KeyError, ValueError) as error:
            raise BackupError(f"{path.name} has no readable manifest or data.") from error
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{path.name} is in backup format {manifest.get('format')!r}.")
        if sha256(payload) != manifest["data_sha256"]:
            raise BackupError("The data in the backup does not match its SHA-256: it is damaged.")
        files = {}
        for name, expected in manifest["files"].items():
            try:
                content = archive.read(FILES + name)
            except KeyError as error:
                raise BackupError(f"The file {name} is missing from the backup.") from error
            if sha256(content) != expected:
                raise BackupError(f"The file {name} does not match its SHA-256: it is damaged.")
            files[name] = content
    return payload, files


def stored_hash(name: str) -> str:
    with default_storage.open(name, "rb") as handle:
        return sha256(handle.read())


def restore_backup(path: Path) -> dict[str, int]:
    """Load a backup into an empty, migrated database and put its files back in storage."""
    payload, files = read_archive(path)
    clashes = [
        name
        for name, content in files.items()
        if default_storage.exists(name)
        and sha256(default_storage.open(name).read()) != sha256(content)
    ]
    if clashes:
        raise BackupError(
            f"Storage already holds a different file at {clashes[0]}"
            + (f" and {len(clashes) - 1} more" if len(clashes) > 1 else "")
            + ": restore into empty storage, so that nothing is overwritten."
        )
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "backup.json"
        fixture.write_bytes(payload)
        # History comes from the backup: loading must not write fresh history rows on top.
        with override_settings(SIMPLE_HISTORY_ENABLED=False), transaction.atomic():
            call_command("loaddata", str(fixture), verbosity=0)
    for name, content in files.items():
        if default_storage.exists(name):
            continue  # the same bytes are already there
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:
            raise BackupError(f"Storage saved {name} as {saved}; the records point at {name}.")
    return {"records": len(json.loads(payload)), "files": len(files)}
