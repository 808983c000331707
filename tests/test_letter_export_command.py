"""manage.py export_letter: an issued letter exactly as issued, drafts only when asked, every
force at once, and clear answers to bad arguments."""

import datetime
import hashlib
import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from inspections.letters import content, render
from inspections.models import Force, Inspection, LetterPurpose, ProgressLetter

from .test_letters import (  # noqa: F401
    FIREARMS,
    assert_reads_like_the_seed,
    fixed_today,
    pdf_text,
    squash,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_db")]


class TestExportCommand:
    def test_an_issued_letter_is_exported_exactly_as_issued(self, tmp_path):
        issued = ProgressLetter.objects.issued().get(
            force__slug="west-mercia-police", inspection__slug=FIREARMS
        )
        for fmt in ("docx", "pdf", "html"):
            target = tmp_path / f"letter.{fmt}"
            call_command(
                "export_letter",
                "--force",
                "west-mercia-police",
                "--inspection",
                FIREARMS,
                "--format",
                fmt,
                "--output",
                str(target),
                stdout=io.StringIO(),
            )
            expected = getattr(issued, f"{fmt}_sha256")
            assert hashlib.sha256(target.read_bytes()).hexdigest() == expected, fmt
        assert_reads_like_the_seed(pdf_text((tmp_path / "letter.pdf").read_bytes()))

    def test_one_force_each_format_drafted_when_asked(self, tmp_path):
        for fmt in ("docx", "pdf", "html"):
            target = tmp_path / f"letter.{fmt}"
            call_command(
                "export_letter",
                "--force",
                "west-mercia-police",
                "--inspection",
                FIREARMS,
                "--format",
                fmt,
                "--output",
                str(target),
                "--draft",
                stdout=io.StringIO(),
            )
            assert target.stat().st_size > 1000
        text = pdf_text((tmp_path / "letter.pdf").read_bytes())
        assert "Recommendation 12" in text
        assert "John Campion" in text
        assert "21 November 2026" in text  # dated today: a new draft, not the issued letter

    def test_all_forces_to_a_zip_and_a_folder(self, tmp_path):
        import zipfile

        out = io.StringIO()
        call_command(
            "export_letter",
            "--all-forces",
            "--inspection",
            FIREARMS,
            "--format",
            "docx",
            "--output",
            str(tmp_path / "all.zip"),
            "--draft",
            stdout=out,
            stderr=io.StringIO(),
        )
        with zipfile.ZipFile(tmp_path / "all.zip") as archive:
            names = archive.namelist()
        assert len(names) == 43
        assert "west-mercia-police-firearms-2023.docx" in names
        assert "43/43" in out.getvalue()
        call_command(
            "export_letter",
            "--all-forces",
            "--inspection",
            FIREARMS,
            "--format",
            "html",
            "--output",
            str(tmp_path / "letters"),
            "--draft",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
        assert len(list((tmp_path / "letters").iterdir())) == 43

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--force", "nope", "--inspection", FIREARMS], "No force 'nope'"),
            (["--force", "gwent-police", "--inspection", "nope"], "No inspection 'nope'"),
            (["--inspection", FIREARMS], "Give either --force SLUG or --all-forces"),
            (
                ["--force", "west-mercia-police", "--inspection", "sample-training-inspection"],
                "has issued no letter on",
            ),
            (
                [
                    "--force",
                    "west-mercia-police",
                    "--inspection",
                    "sample-training-inspection",
                    "--draft",
                ],
                "no progress updates",
            ),
        ],
    )
    def test_bad_arguments(self, tmp_path, args, message):
        with pytest.raises(CommandError, match=message):
            call_command("export_letter", *args, "--output", str(tmp_path / "x.pdf"))
        assert not (tmp_path / "x.pdf").exists()

    def test_unwritable_path(self):
        with pytest.raises(CommandError, match="Cannot write"):
            call_command(
                "export_letter",
                "--force",
                "west-mercia-police",
                "--inspection",
                FIREARMS,
                "--output",
                "/nonexistent/folder/x.pdf",
            )


# West Mercia's letter as sent (shared/seeds/004_6655109d6b4f3a00.txt, kept here with the tests).
SEED_LETTER = Path(__file__).resolve().parent / "data" / "west-mercia-letter-2023-09-04.txt"


def test_the_demos_issued_letter_is_the_letter_as_sent_line_for_line():
    """Every line of West Mercia's letter as sent, headings ('Recommendation 3 –') and date
    ('04 September 2023') included, in order, in the issued letter's PDF; a new draft keeps the
    house style."""
    issued = ProgressLetter.objects.issued().get(
        force__slug="west-mercia-police", inspection__slug=FIREARMS
    )
    with issued.pdf_file.open("rb") as handle:
        text = squash(pdf_text(handle.read()))
    lines = [squash(line) for line in SEED_LETTER.read_text(encoding="utf-8").splitlines()]
    position = 0
    for line in lines[1:]:  # the first is the web page's own "Skip to main content"
        if not line:
            continue
        found = text.find(line, position)
        assert found >= 0, f"{line[:70]!r} is not in the issued letter after {position}"
        position = found + len(line)
    draft = pdf_text(
        render.pdf(
            content.from_data(
                issued.force,
                issued.inspection,
                datetime.date(2026, 12, 6),
                purpose=LetterPurpose.PROGRESS,
                since=issued.issued_on,
            ).printable()
        )
    )
    assert "Recommendation 3:" in draft
    assert "Recommendation 3 –" not in draft
    assert "6 December 2026" in draft


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text, in order (pdftotext ends each page with a form feed)."""
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return [squash(page) for page in text.split("\x0c") if page.strip()]


@pytest.mark.parametrize("force", ["gwent-police", "west-mercia-police"])
def test_blocks_that_belong_together_stay_on_one_page(force):
    """Checked page by page: each finding's heading with the start of its narrative, and the
    last paragraph, the signatory and the whole cc list together."""
    issued = ProgressLetter.objects.issued().filter(force__slug=force, inspection__slug=FIREARMS)
    if issued.exists():
        built = content.from_letter(issued.get()).printable()
    else:  # a draft as it would be made today
        chosen = Force.objects.get(slug=force)
        inspection = Inspection.objects.get(slug=FIREARMS)
        built = content.from_data(chosen, inspection, datetime.date(2026, 12, 6)).printable()
    pages = pdf_pages(render.pdf(built))
    last = next(page for page in reversed(pages) if squash(built.cc[-1]) in page)
    assert squash(built.signatory_name) in last
    assert all(squash(line) in last for line in built.cc)
    assert squash(built.closing[-1])[:60] in last
    for section in built.sections:
        heading = squash(f"{section.heading_text} {section.recommendation_text}")[:40]
        narrative = squash(section.narrative or "No update has been recorded.")[:30]
        assert any(heading in page and narrative in page for page in pages), section.reference
