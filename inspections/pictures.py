"""Logos and signatures: what an uploaded picture may be, and the size it is kept at. Read from
the file's header before any pixel is decoded, so a small file that claims a huge picture (a
'pixel bomb') is refused for what it claims, in constant memory."""

from __future__ import annotations

import io
import warnings
from typing import Any

from PIL import Image, UnidentifiedImageError

IMAGE_MAX_BYTES = 1024 * 1024
# What a letter's logo or signature may claim to be: far more than any letterhead needs, far
# less than what takes a worker's memory to decode (12,247 × 12,247 took 1.4 GB).
MAX_SIDE = 6_000
MAX_PIXELS = 16_000_000
# Kept at most this many pixels on the longer side: enough for print at 25 mm high.
STORED_SIDE = 1_200
IMAGE_KINDS = {"PNG": "image/png", "JPEG": "image/jpeg"}


def image_problem(upload: Any) -> str | None:
    """Why an uploaded logo or signature cannot be used, or None: a PNG or JPEG of at most 1 MB
    and at most MAX_SIDE pixels a side and MAX_PIXELS in all, that really is an image (its
    header read, not its name trusted)."""
    name = str(getattr(upload, "name", "") or "the file").rsplit("/", 1)[-1]
    if upload.size > IMAGE_MAX_BYTES:
        return f"The image {name} is {upload.size / 1024 / 1024:.1f} MB; the limit is 1 MB."
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        with warnings.catch_warnings():
            # Its size is checked below, from the header, before anything is decoded.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                kind, (width, height) = image.format, image.size
                if too_large(width, height):
                    return size_problem(name, width, height)
                image.verify()
    except Image.DecompressionBombError:
        return (
            f"The image {name} claims more pixels than any picture can have here: a logo or "
            f"signature can be at most {MAX_SIDE:,} pixels a side and "
            f"{MAX_PIXELS // 1_000_000} million pixels in all."
        )
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        return f"The file {name} is not a picture this service can read: use a PNG or JPEG."
    finally:
        upload.seek(position)
    if kind not in IMAGE_KINDS:
        return f"The image {name} is a {kind}: use a PNG or JPEG."
    return None


def too_large(width: int, height: int) -> bool:
    return width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS


def size_problem(name: str, width: int, height: int) -> str:
    return (
        f"The image {name} is {width:,} × {height:,} pixels; a logo or signature can be at most "
        f"{MAX_SIDE:,} pixels a side and {MAX_PIXELS // 1_000_000} million pixels in all. "
        "Save a smaller copy and upload that."
    )


def fitted(data: bytes) -> bytes:
    """The picture as kept: at most STORED_SIDE pixels on its longer side, in its own format;
    unchanged when it is already that small. Only for a picture ``image_problem`` accepted."""
    with Image.open(io.BytesIO(data)) as image:
        if max(image.size) <= STORED_SIDE:
            return data
        kind = image.format or "PNG"
        image.thumbnail((STORED_SIDE, STORED_SIDE))
        out = io.BytesIO()
        if kind == "JPEG":
            image.convert("RGB").save(out, "JPEG", quality=90)
        else:
            image.save(out, "PNG", optimize=True)
        return out.getvalue()
