"""Logos and signatures already stored are kept at most 1,200 pixels on their longer side, as new
ones are (inspections.pictures). A stored picture claiming more pixels than any may have now
(a 'pixel bomb' accepted before) is taken off its template or draft so that its letters can be
made again; its file stays in storage. Issued letters keep exactly what they were issued with."""

import io

from django.core.files.base import ContentFile
from django.db import migrations

from inspections import pictures


def fit_stored_pictures(apps, schema_editor):
    from PIL import Image

    for model_name, drafts_only in (("LetterTemplate", False), ("ProgressLetter", True)):
        model = apps.get_model("inspections", model_name)
        rows = model.objects.all()
        if drafts_only:
            rows = rows.filter(status="draft")
        for row in rows.exclude(logo="", signature=""):
            changed = []
            for field in ("logo", "signature"):
                stored = getattr(row, field)
                if not stored:
                    continue
                try:
                    with stored.open("rb") as handle:
                        data = handle.read()
                    with Image.open(io.BytesIO(data)) as image:
                        width, height = image.size
                except (OSError, ValueError, NotImplementedError, Image.DecompressionBombError):
                    continue  # missing or unreadable: left as it is
                if pictures.too_large(width, height):
                    setattr(row, field, "")
                    changed.append(field)
                    continue
                fitted = pictures.fitted(data)
                if fitted != data:
                    name = stored.name
                    stored.storage.delete(name)
                    stored.storage.save(name, ContentFile(fitted))
            if changed:
                row.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0026_letters_as_sent")]

    operations = [migrations.RunPython(fit_stored_pictures, migrations.RunPython.noop, elidable=True)]
