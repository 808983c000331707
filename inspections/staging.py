"""Files kept between two requests for the person who sent them (an uploaded sheet between its
preview and its confirmation), in the default storage so every app server sees them, under a
folder of that person's own, and for at most a day."""

from __future__ import annotations

import datetime
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

KEPT_FOR = datetime.timedelta(days=1)
EXTENSIONS = ("csv", "xlsx")


def folder(user_id: int) -> str:
    return f"staging/{user_id}"


def stage(user_id: int, data: bytes, extension: str) -> uuid.UUID:
    """Keep ``data`` for this person; the key names it for them alone."""
    forget_old(user_id)
    key = uuid.uuid4()
    default_storage.save(f"{folder(user_id)}/{key}.{extension}", ContentFile(data))
    return key


def staged(user_id: int, key: uuid.UUID) -> tuple[bytes, str] | None:
    """The bytes kept under ``key`` for this person, with their extension; None when there is
    no such file for them (another person's key finds nothing), or it is over a day old."""
    for extension in EXTENSIONS:
        name = f"{folder(user_id)}/{key}.{extension}"
        if default_storage.exists(name):
            if timezone.now() - default_storage.get_modified_time(name) > KEPT_FOR:
                default_storage.delete(name)
                return None
            with default_storage.open(name, "rb") as handle:
                return handle.read(), extension
    return None


def discard(user_id: int, key: uuid.UUID) -> None:
    for extension in EXTENSIONS:
        default_storage.delete(f"{folder(user_id)}/{key}.{extension}")


def forget_old(user_id: int) -> None:
    """Delete this person's kept files that are over a day old."""
    try:
        _dirs, files = default_storage.listdir(folder(user_id))
    except FileNotFoundError:
        return
    for name in files:
        path = f"{folder(user_id)}/{name}"
        if timezone.now() - default_storage.get_modified_time(path) > KEPT_FOR:
            default_storage.delete(path)
