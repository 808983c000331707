"""Bulk progress updates from spreadsheets: all or nothing, every bad row listed by line, the
same answers from the admin and the command, and a downloaded sheet goes back in unchanged."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from inspections import importers, services
from inspections.models import ProgressUpdate, Status

from .conftest import TODAY, login, record

pytestmark = pytest.mark.django_db

HEADER = list(importers.COLUMNS)


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.TRACKER_TODAY = TODAY


def row(
    force="Alphashire Police",
    inspection="firearms",
    number="2",
    status="In progress",
    as_of="2024-03-01",
    narrative="Good progress.",
    evidence="",
    waiting="",
):
    return [force, inspection, number, status, as_of, narrative, evidence, waiting]


def as_csv(*rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def as_xlsx(*rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_import(
    tmp_path, data: bytes, name: str = "updates.csv", user: str = "pcc_a", apply: bool = True
) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    args = [str(path), "--user", user, *(["--apply"] if apply else [])]
    try:
        call_command("import_updates", *args, stdout=out, stderr=err)
    except CommandError as error:
        raise CommandError(f"{error}\n{err.getvalue()}") from error
    return out.getvalue()


@pytest.fixture
def second(cast, recommendation):
    from .factories import RecommendationFactory

    RecommendationFactory(inspection=recommendation.inspection, number=3)


class TestCommand:
    def test_preview_writes_nothing_and_apply_writes_all(self, tmp_path, cast, impl_a, second):
        data = as_csv(row(), row(number="3", status="Implemented – awaiting sign-off"))
        output = run_import(tmp_path, data, apply=False)
        assert "2 update(s) would be recorded" in output
        assert "Line 3:" in output
        assert not ProgressUpdate.objects.exists()
        output = run_import(tmp_path, data)
        assert "Recorded 2 update(s)" in output
        impl_a.refresh_from_db()
        assert impl_a.status == Status.IN_PROGRESS
        update = impl_a.updates.get()
        assert (update.author, update.as_of) == (cast.pcc_a, datetime.date(2024, 3, 1))

    def test_xlsx_with_real_dates_and_status_codes(self, tmp_path, cast, impl_a):
        data = as_xlsx(
            row(
                as_of=datetime.datetime(2024, 3, 1),  # noqa: DTZ001 (Excel's cells are naive)
                status="awaiting_dependency",
                waiting="app-revision",
            ),
            header=HEADER,
        )
        from .factories import DependencyFactory

        DependencyFactory(key="app-revision", title="Revised APP")
        run_import(tmp_path, data, name="updates.xlsx")
        impl_a.refresh_from_db()
        assert impl_a.status == Status.AWAITING_DEPENDENCY
        assert [d.key for d in impl_a.blocking_dependencies.all()] == ["app-revision"]

    def test_unchanged_rows_are_skipped_not_duplicated(self, tmp_path, cast, impl_a):
        data = as_csv(row())
        run_import(tmp_path, data)
        output = run_import(tmp_path, data)
        assert "unchanged, skipped" in output
        assert "Recorded 0 update(s)" in output
        assert ProgressUpdate.objects.count() == 1

    @pytest.mark.parametrize(
        ("bad_row", "message"),
        [
            (
                row(force="Nowhere Police"),
                "there is no local recommendation 2 of 'firearms' for 'Nowhere Police'",
            ),
            (row(number="99"), "there is no local recommendation 99"),
            (row(number="two"), "the recommendation must be a number, not 'two'"),
            (
                row(force="Betashire Police"),
                "this row is for Betashire Police, and you can only "
                "import updates for your own force",
            ),
            (row(as_of="31st March"), "'31st March' is not a date"),
            (row(as_of="2099-01-01"), "is in the future"),
            (row(status="Finished"), "'Finished' is not a status"),
            (row(status="Complete", evidence="Audit report"), "Only the force lead"),
            (row(narrative="  "), "Write the narrative"),
            (row(status="Awaiting dependency"), "Name at least one pending dependency"),
            (
                row(waiting="moon-landing", status="Awaiting dependency"),
                "'moon-landing' is not a known dependency",
            ),
        ],
    )
    def test_one_bad_row_rejects_the_whole_file(
        self, tmp_path, cast, impl_a, second, bad_row, message
    ):
        data = as_csv(row(number="3"), bad_row)
        with pytest.raises(CommandError) as excinfo:
            run_import(tmp_path, data)
        assert "Line 3:" in str(excinfo.value)
        assert message in str(excinfo.value)
        assert "nothing was imported" in str(excinfo.value)
        assert not ProgressUpdate.objects.exists()

    def test_duplicate_rows(self, tmp_path, cast, impl_a):
        with pytest.raises(CommandError, match="Line 3: it repeats line 2"):
            run_import(tmp_path, as_csv(row(), row(narrative="Again.")))
        assert not ProgressUpdate.objects.exists()

    def test_a_repeated_unchanged_row_is_refused_too(self, tmp_path, cast, impl_a, second):
        run_import(tmp_path, as_csv(row()))
        # The same, already recorded, row twice: it says nothing new, but a file that names an
        # item twice is a mistake worth saying, whatever the rows say.
        with pytest.raises(CommandError, match="Line 4: it repeats line 2"):
            run_import(tmp_path, as_csv(row(), row(number="3"), row()))
        assert ProgressUpdate.objects.count() == 1

    def test_every_bad_row_is_listed(self, tmp_path, cast, impl_a, second):
        data = as_csv(row(status="Nope"), row(number="3", as_of="soon"), row(number="77"))
        with pytest.raises(CommandError) as excinfo:
            run_import(tmp_path, data)
        text = str(excinfo.value)
        assert "3 bad row(s)" in text
        assert all(f"Line {n}:" in text for n in (2, 3, 4))

    @pytest.mark.parametrize(
        ("data", "name", "message"),
        [
            (b"", "updates.csv", "The file is empty"),
            (as_csv(header=HEADER), "updates.csv", "no rows of updates"),
            (
                as_csv(row()[:3], header=HEADER[:3]),
                "updates.csv",
                "missing 'Status', 'As of', 'Narrative'",
            ),
            (
                as_csv([*row(), "x"], header=[*HEADER, "Colour"]),
                "updates.csv",
                "not expected 'Colour'",
            ),
            ("Force,Inspection\nCaf\xe9".encode("latin-1"), "updates.csv", "not UTF-8"),
            (b"PK\x03\x04 this is not really a workbook", "updates.xlsx", "not an Excel workbook"),
            (b"plain text pretending", "updates.xlsx", "named .xlsx but is not an Excel workbook"),
            (b"x" * (importers.MAX_BYTES + 1), "updates.csv", "the limit is 2 MB"),
        ],
    )
    def test_bad_files(self, tmp_path, cast, impl_a, data, name, message):
        with pytest.raises(CommandError, match=message):
            run_import(tmp_path, data, name=name)
        assert not ProgressUpdate.objects.exists()

    def test_unknown_user_and_missing_file(self, tmp_path, cast):
        with pytest.raises(CommandError, match="No active user 'ghost'"):
            run_import(tmp_path, as_csv(row()), user="ghost")
        with pytest.raises(CommandError, match="Cannot read"):
            call_command("import_updates", str(tmp_path / "missing.csv"), "--user", "pcc_a")


class TestAdmin:
    def upload(self, client, data: bytes, name: str, fmt: str):
        return client.post(
            reverse("admin:inspections_progressupdate_import"),
            {
                "resource": "0",
                "format": fmt,
                "import_file": SimpleUploadedFile(name, data),
            },
        )

    def test_preview_then_confirm(self, cast, impl_a, second):
        client = login(cast.pcc_a)
        data = as_csv(row(), row(number="3"))
        response = self.upload(client, data, "updates.csv", "0")
        assert response.status_code == 200
        assert response.context["result"].totals["new"] == 2
        assert not ProgressUpdate.objects.exists()  # the preview wrote nothing
        confirm = response.context["confirm_form"]
        response = client.post(
            reverse("admin:inspections_progressupdate_process_import"),
            {name: confirm[name].value() for name in confirm.fields},
        )
        assert response.status_code == 302
        assert ProgressUpdate.objects.count() == 2
        assert set(ProgressUpdate.objects.values_list("author__username", flat=True)) == {"pcc_a"}

    def test_bad_rows_are_listed_and_no_confirm_is_offered(self, cast, impl_a, second):
        client = login(cast.pcc_a)
        data = as_csv(row(force="Betashire Police"), row(number="3", status="Done"))
        response = self.upload(client, data, "updates.csv", "0")
        body = response.content.decode()
        assert "confirm_form" not in response.context or response.context["confirm_form"] is None
        assert "Line 2: this row is for Betashire Police" in body
        assert "Line 3: &#x27;Done&#x27; is not a status" in body
        assert not ProgressUpdate.objects.exists()

    @pytest.mark.parametrize(
        ("data", "name", "fmt", "message"),
        [
            (b"", "updates.csv", "0", "The submitted file is empty"),
            (as_csv(row()[:2], header=HEADER[:2]), "updates.csv", "0", "The columns are wrong"),
            (b"PK\x03\x04 broken", "updates.xlsx", "1", "not an Excel workbook"),
        ],
    )
    def test_bad_files(self, cast, impl_a, data, name, fmt, message):
        response = self.upload(login(cast.pcc_a), data, name, fmt)
        assert message in response.content.decode()
        assert not ProgressUpdate.objects.exists()

    def test_viewer_cannot_import(self, cast, impl_a):
        response = login(cast.viewer).get(reverse("admin:inspections_progressupdate_import"))
        assert response.status_code == 403

    def test_exported_sheet_goes_back_in(self, cast, impl_a, second):
        record(impl_a, cast.pcc_a, Status.IN_PROGRESS, narrative="=SUM(A1:A9) is not a formula")
        client = login(cast.pcc_a)
        response = client.post(
            reverse("admin:inspections_forceimplementation_export"),
            {"resource": "0", "format": "1"},
        )
        assert response.status_code == 200
        assert f'filename="progress-updates-{cast.force_a.slug}-' in response["Content-Disposition"]
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == ["Progress updates"]  # the name the import looks for
        sheet = book.active
        values = [[c.value for c in r] for r in sheet.iter_rows()]
        # The import's columns, with what each finding is beside its number.
        assert values[0] == [*HEADER[:3], "Finding", "What it asks", *HEADER[3:]]
        assert len(values) == 3  # Alphashire's two recommendations only
        assert all(v[0] == "Alphashire Police" for v in values[1:])
        narrative_cell = next(v for v in values[1:] if v[2] in (2, "2"))[7]
        assert narrative_cell == "'=SUM(A1:A9) is not a formula"  # neutralised for Excel
        # Edit one row, upload the sheet back: only the edited row becomes a new update.
        row_3 = next(i for i, v in enumerate(values) if v[2] in (3, "3"))
        sheet.cell(row=row_3 + 1, column=6, value="In progress")
        sheet.cell(row=row_3 + 1, column=7, value="2024-05-01")
        sheet.cell(row=row_3 + 1, column=8, value="Started on recommendation 3.")
        buffer = io.BytesIO()
        book.save(buffer)
        response = self.upload(client, buffer.getvalue(), "sheet.xlsx", "1")
        totals = response.context["result"].totals
        assert (totals["new"], totals["skip"]) == (1, 1)
        confirm = response.context["confirm_form"]
        client.post(
            reverse("admin:inspections_progressupdate_process_import"),
            {name: confirm[name].value() for name in confirm.fields},
        )
        assert ProgressUpdate.objects.count() == 2
        assert impl_a.updates.get().narrative == "=SUM(A1:A9) is not a formula"


def test_apply_rolls_back_everything_if_a_rule_fails_late(cast, impl_a, second, monkeypatch):
    """A failure on the last row (here forced) leaves nothing from the earlier rows."""
    headers, rows = importers.read_table(as_csv(row(), row(number="3")))
    plan = importers.plan_import(headers, rows, user=cast.pcc_a, today=TODAY)
    calls = {"n": 0}
    real = services.record_progress_update

    def failing(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(services, "record_progress_update", failing)
    with pytest.raises(RuntimeError):
        importers.apply_plan(plan, user=cast.pcc_a, today=TODAY)
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_a_forces_own_export_goes_back_in_as_nothing_to_record(
    tmp_path, cast, recommendation, dependency, extension
):
    """Every state an item can be in, exported and imported back unchanged, by PCC staff, in
    both routes: nothing to record, and no rule refuses a row that changes nothing."""
    from .factories import DependencyFactory, RecommendationFactory

    inspection = recommendation.inspection
    recs = {n: RecommendationFactory(inspection=inspection, number=n) for n in (3, 4, 5, 6, 7, 8)}
    impl = {
        n: rec.implementations.get(force=cast.force_a)
        for n, rec in [(2, recommendation), *recs.items()]
    }
    # 2 never updated; 3 in progress; 4 awaiting (pending); 5 awaiting, then delivered (needs
    # review); 6 implemented; 7 complete (signed off by the lead); 8 not applicable.
    record(impl[3], cast.pcc_a, Status.IN_PROGRESS, narrative="Line one.\nLine two.")
    pending = DependencyFactory(key="pending-guidance", title="Pending guidance")
    record(impl[4], cast.pcc_a, Status.AWAITING_DEPENDENCY, dependencies=[pending])
    record(impl[5], cast.pcc_a, Status.AWAITING_DEPENDENCY, dependencies=[dependency])
    services.close_dependency(
        dependency=dependency,
        status="delivered",
        on=datetime.date(2024, 5, 1),
        changed_by=cast.admin,
    )
    record(impl[6], cast.pcc_a, Status.IMPLEMENTED)
    record(impl[7], cast.lead_a, Status.COMPLETE, evidence_note="Audit")
    record(impl[8], cast.pcc_a, Status.NOT_APPLICABLE, evidence_note="No armed unit")
    before = ProgressUpdate.objects.count()

    path = tmp_path / f"alphashire.{extension}"
    call_command(
        "export_updates", "--force", cast.force_a.slug, "--output", str(path), stdout=io.StringIO()
    )
    out = run_import(tmp_path, path.read_bytes(), name=path.name, user="pcc_a", apply=True)
    assert "Recorded 0 update(s)" in out
    assert out.count("unchanged, skipped") == 7

    client = login(cast.pcc_a)
    export = client.post(
        reverse("admin:inspections_forceimplementation_export"),
        {"resource": "0", "format": "1" if extension == "xlsx" else "0"},
    )
    response = TestAdmin().upload(
        client, export.content, f"sheet.{extension}", "1" if extension == "xlsx" else "0"
    )
    totals = response.context["result"].totals
    assert (totals["new"], totals["skip"], totals["invalid"]) == (0, 7, 0)
    assert ProgressUpdate.objects.count() == before
