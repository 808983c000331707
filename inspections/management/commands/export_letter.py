"""Write one force's letter, or every force's, as DOCX, PDF or HTML: the issued letter exactly as
it was issued (its stored files), or, with --draft, a letter drafted afresh from the data."""

from __future__ import annotations

import datetime
import io
import zipfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inspections import clock
from inspections.letters import content, render
from inspections.models import Force, Inspection, ProgressLetter


class Command(BaseCommand):
    help = (
        "Export each force's latest issued letter on an inspection, byte for byte as issued; "
        "with --draft, a letter drafted afresh from the force's latest updates instead. "
        "One force: --force SLUG --inspection SLUG --format docx|pdf|html --output FILE. "
        "Every force: --all-forces --inspection SLUG --output DIR or FILE.zip."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", help="The force's slug, e.g. west-mercia-police.")
        parser.add_argument("--all-forces", action="store_true", help="Every force at once.")
        parser.add_argument("--inspection", required=True, help="The inspection's slug.")
        parser.add_argument("--format", choices=render.FORMATS, default="pdf")
        parser.add_argument("--output", required=True, help="A file, a folder, or a .zip file.")
        parser.add_argument(
            "--draft",
            action="store_true",
            help="Draft from the current data (dated today) instead of the issued letter.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["force"]) == bool(options["all_forces"]):
            raise CommandError("Give either --force SLUG or --all-forces.")
        inspection = Inspection.objects.filter(slug=options["inspection"]).first()
        if inspection is None:
            known = ", ".join(Inspection.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No inspection '{options['inspection']}'. Known: {known}.")
        fmt = options["format"]
        output = Path(options["output"])
        today = clock.today()
        self.draft = bool(options["draft"])

        if options["force"]:
            force = Force.objects.filter(slug=options["force"]).first()
            if force is None:
                raise CommandError(
                    f"No force '{options['force']}'. Slugs look like 'west-mercia-police'."
                )
            data = self.build(force, inspection, fmt, today)
            self.write(output, data)
            self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({len(data):,} bytes)."))
            return

        forces = list(Force.objects.order_by("name"))
        files: dict[str, bytes] = {}
        skipped: list[str] = []
        for index, force in enumerate(forces, start=1):
            self.progress(index, len(forces), force.name)
            try:
                files[f"{force.slug}-{inspection.slug}.{fmt}"] = self.build(
                    force, inspection, fmt, today
                )
            except CommandError as error:
                skipped.append(f"{force.name}: {error}")
        self.stdout.write("")
        if output.suffix == ".zip":
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, data in files.items():
                    archive.writestr(name, data)
            self.write(output, buffer.getvalue())
        else:
            try:
                output.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise CommandError(
                    f"Cannot create the folder {output}: {error.strerror}."
                ) from error
            for name, data in files.items():
                self.write(output / name, data)
        for line in skipped:
            self.stderr.write(f"Skipped {line}")
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(files)} letters to {output}."))
        if not files:
            raise CommandError(
                "No force has any updates to put in a letter."
                if self.draft
                else "No force has issued a letter on this inspection (use --draft to draft)."
            )

    def build(self, force: Force, inspection: Inspection, fmt: str, today: datetime.date) -> bytes:
        if not self.draft:
            return self.issued(force, inspection, fmt)
        try:
            built = content.from_data(force, inspection, today)
        except content.LetterDataError as error:
            raise CommandError(str(error)) from error
        if fmt == "html":
            return render.html(built).encode("utf-8")
        return render.docx(built) if fmt == "docx" else render.pdf(built)

    def issued(self, force: Force, inspection: Inspection, fmt: str) -> bytes:
        """The latest issued letter's stored file, never regenerated."""
        letter = (
            ProgressLetter.objects.issued()
            .filter(force=force, inspection=inspection)
            .order_by("-issued_on", "-issued_at")
            .first()
        )
        if letter is None:
            raise CommandError(
                f"{force.name} has issued no letter on {inspection.title}; add --draft to draft "
                "one from its latest updates."
            )
        if fmt == "html":
            return letter.html_snapshot.encode("utf-8")
        stored = letter.docx_file if fmt == "docx" else letter.pdf_file
        with stored.open("rb") as handle:
            data: bytes = handle.read()
        return data

    def write(self, path: Path, data: bytes) -> None:
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}.") from error

    def progress(self, done: int, total: int, label: str) -> None:
        width = 30
        filled = width * done // total
        bar = "#" * filled + "-" * (width - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total} {label[:40]:<40}", ending="")
        self.stdout.flush()
