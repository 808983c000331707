"""The shared cast: two forces (A is West Mercia-like, B is Gwent-like), a PCC officer and a
force lead for each, a national administrator and a viewer; and a fixed 'today'."""

import contextlib
import datetime
import fcntl
import logging
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import factory
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from inspections import services
from inspections.followup import services as followup_services
from inspections.letters import services as letter_services
from inspections.meetings import services as meeting_services
from inspections.models import (
    AddressedTo,
    Addressee,
    DeadlineKind,
    FindingKind,
    FirearmsStatistic,
    Force,
    ForceImplementation,
    Inspection,
    LetterRecipient,
    Recommendation,
    Role,
    Scope,
    Status,
    TargetDateRevision,
    TenantForce,
    User,
)
from inspections.roomy_stack import with_room
from inspections.services import people as people_services

from .factories import (
    DependencyFactory,
    ForceFactory,
    InspectionFactory,
    NewUserFactory,
    RecommendationFactory,
    UserFactory,
)

TODAY = datetime.date(2026, 11, 21)


class _RenderedOnce:
    """``weasyprint.HTML`` for the suite: the same document, with the same options, is laid out
    by WeasyPrint once per test process and its bytes given back after that. Every PDF a test
    reads is still WeasyPrint's own output for exactly that HTML; what is saved is laying out
    the same letter or pack again for each test that builds the shared world or the demo data
    (a fifth of a second each, and they are built hundreds of times)."""

    made: dict[str, bytes] = {}
    real: type | None = None

    def __init__(self, *args, **kwargs):
        self.args, self.kwargs = args, kwargs

    def write_pdf(self, *args, **kwargs):
        key = repr((self.args, sorted(self.kwargs.items()), args, sorted(kwargs.items())))
        if key not in self.made:
            assert self.real is not None
            self.made[key] = self.real(*self.args, **self.kwargs).write_pdf(*args, **kwargs)
        return self.made[key]


@pytest.fixture(scope="session", autouse=True)
def _pdfs_laid_out_once():
    import weasyprint

    _RenderedOnce.real = weasyprint.HTML
    weasyprint.HTML = _RenderedOnce
    yield
    weasyprint.HTML = _RenderedOnce.real


@pytest.fixture(autouse=True)
def _factory_names_start_again():
    """Each test's factories count from zero, so that the same fixtures make the same records
    (and the same documents) whichever tests ran before in the process."""
    from . import factories

    for made in vars(factories).values():
        if isinstance(made, type) and issubclass(made, factory.django.DjangoModelFactory):
            with contextlib.suppress(ValueError):  # it counts with its parent, reset with it
                made.reset_sequence()


def pytest_configure(config):
    # Every refused request logs a warning with its traceback (django.request), which the
    # console and pytest's two capturing handlers each format: 1,100 of them in the access
    # matrix alone, a fortieth of its time. No test reads a warning; errors are still logged.
    logging.disable(logging.WARNING)
    # The workers take whole files in the order collected (LONGEST_FILES), not most tests first.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    # The run's id, chosen here rather than by pytest-xdist, so that the run can remove the
    # demo database its workers shared (shared_demo_file) when it ends.
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        config.option.testrunuid = config.option.testrunuid or uuid.uuid4().hex


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    """Each test, its fixtures and its teardown, run as pytest runs them, from a frame that leaves
    room on CPython's frame stack (inspections/roomy_stack.py: without it, on a Python without
    the fix for gh-142183, a third of the access matrix's time was the kernel mapping memory)."""
    from _pytest.runner import pytest_runtest_protocol as run_as_pytest_does

    return with_room(run_as_pytest_does, item, nextitem)


def pytest_sessionfinish(session):
    run = getattr(session.config.option, "testrunuid", None)
    if run and not hasattr(session.config, "workerinput"):
        shared = Path(tempfile.gettempdir()) / f"tracker-demo-{run}"
        for suffix in (".sqlite3", ".txt", ".lock"):
            shared.with_suffix(suffix).unlink(missing_ok=True)
        for folder in (".files", ".pg", ".partial"):
            shutil.rmtree(shared.with_suffix(folder), ignore_errors=True)


# Seconds each of the longest files took on a quiet 2-core machine (SQLite, 2026-12-07). The
# workers take files in the order they are collected, so these go first, longest first, and the
# short files fill in behind them. In the order pytest-xdist would choose (most tests first) the
# access matrix, one test, started last: one worker ran it alone for 14 s while the other had
# finished. A file missing here goes after these; a stale figure costs time, never a result.
LONGEST_FILES = {
    "browser/test_response_journeys.py": 30,
    "browser/test_pages.py": 29,
    "browser/test_admin_accessibility.py": 22,
    "browser/test_work_journeys.py": 21,
    "browser/test_findings_journeys.py": 21,
    "browser/test_reflow.py": 18,
    "test_access_matrix_writes.py": 17,
    "browser/test_entry_journeys.py": 17,
    "browser/test_one_truth_journeys.py": 15,
    "browser/test_joins_journeys.py": 11,
    "test_consistency.py": 10,
    "browser/test_people_journeys.py": 10,
    "test_reports.py": 9,
    "browser/test_office_settings_journeys.py": 8,
    "test_settings_production.py": 6,
    "test_api.py": 5,
    "test_migrations.py": 5,
    "test_hostile_input.py": 5,
    "test_api_contract.py": 4,
    "test_backup.py": 3,
    "test_report_query_counts.py": 3,
}


def longest_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """The items, file by file: the files of LONGEST_FILES first, longest first, then the others
    with the most tests first (pytest-xdist's own order, which conftest turns off), each file's
    tests in their own order."""
    files: dict[str, list[pytest.Item]] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::")[0].removeprefix("tests/"), []).append(item)
    ordered = sorted(files, key=lambda name: (-LONGEST_FILES.get(name, 0), -len(files[name])))
    return [item for name in ordered for item in files[name]]


def pytest_collection_modifyitems(config, items):
    """The longest files first (LONGEST_FILES). Tests of real concurrent transactions need
    PostgreSQL: on SQLite they are deselected (CI runs the whole suite on PostgreSQL too, where
    they run)."""
    from django.db import connection

    items[:] = longest_first(items)
    if connection.vendor == "postgresql":
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres_only") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


# Every admin changelist of the domain, by model name.
ADMIN_LISTS = [
    "region",
    "force",
    "inspection",
    "recommendation",
    "dependency",
    "firearmsstatistic",
    "forceimplementation",
    "progressupdate",
    "targetdaterevision",
    "user",
    "letterrecipient",
    "progressletter",
]


# What the access matrix's world writes in every field some roles may not read (internal notes),
# for force A's records and force B's.
GUARDED_MARKERS = {"A": "guarded-marker-alpha-7f3c", "B": "guarded-marker-beta-2d9e"}


@pytest.fixture
def today() -> datetime.date:
    return TODAY


@dataclass
class Cast:
    force_a: Force
    force_b: Force
    pcc_a: User
    lead_a: User
    pcc_b: User
    lead_b: User
    admin: User
    viewer: User
    scrutiny_a: User
    office_a: User

    def by_role(self) -> dict[str, User]:
        return {
            "pcc_a": self.pcc_a,
            "lead_a": self.lead_a,
            "pcc_b": self.pcc_b,
            "lead_b": self.lead_b,
            "admin": self.admin,
            "viewer": self.viewer,
            "scrutiny_a": self.scrutiny_a,
            "office_a": self.office_a,
        }


@pytest.fixture
def cast(db) -> Cast:
    force_a = ForceFactory(name="Alphashire Police")
    force_b = ForceFactory(name="Betashire Police")
    return Cast(
        force_a=force_a,
        force_b=force_b,
        pcc_a=NewUserFactory(username="pcc_a", role=Role.PCC_STAFF, force=force_a),
        lead_a=NewUserFactory(username="lead_a", role=Role.FORCE_LEAD, force=force_a),
        pcc_b=NewUserFactory(username="pcc_b", role=Role.PCC_STAFF, force=force_b),
        lead_b=NewUserFactory(username="lead_b", role=Role.FORCE_LEAD, force=force_b),
        admin=NewUserFactory(username="admin", role=Role.NATIONAL_ADMIN),
        viewer=NewUserFactory(username="viewer", role=Role.VIEWER),
        scrutiny_a=NewUserFactory(username="scrutiny_a", role=Role.SCRUTINY, force=force_a),
        office_a=NewUserFactory(username="office_a", role=Role.OFFICE_ADMIN, force=force_a),
    )


@pytest.fixture
def home_secretary(db) -> LetterRecipient:
    """The letters' recipient, as the reference data gives it (a letter cannot be drafted
    without one)."""
    return LetterRecipient.objects.create(
        key="home-secretary", name="Name", office="Home Secretary", address="2 Marsham Street"
    )


@pytest.fixture
def recommendation(cast: Cast) -> Recommendation:
    """A local recommendation of an inspection published 11 July 2023, due 31 July 2024."""
    return RecommendationFactory(inspection=InspectionFactory(slug="firearms"), number=2)


@pytest.fixture
def dependency(recommendation: Recommendation):
    dep = DependencyFactory(key="app-revision", title="Revised APP")
    dep.recommendations.add(recommendation)
    return dep


@pytest.fixture
def impl_a(cast: Cast, recommendation: Recommendation) -> ForceImplementation:
    return ForceImplementation.objects.get(force=cast.force_a, recommendation=recommendation)


@pytest.fixture
def impl_b(cast: Cast, recommendation: Recommendation) -> ForceImplementation:
    return ForceImplementation.objects.get(force=cast.force_b, recommendation=recommendation)


ADMIN_DATES = ("as_of", "deadline", "published", "on", "new_target_date", "expected_date")


def admin_dates(data: dict) -> dict:
    """A form's data with every date the admin takes as day, month and year (the GOV.UK date
    input) written as those three boxes, as the browser sends them."""
    sent: dict = {}
    for key, value in data.items():
        if key.rsplit("-", 1)[-1] in ADMIN_DATES and isinstance(value, (str, datetime.date)):
            try:
                day = datetime.date.fromisoformat(str(value))
            except ValueError:  # empty, or nonsense a test sends on purpose: in every box
                parts: tuple = (value, value, value)
            else:
                parts = (day.day, day.month, day.year)
            sent.update({f"{key}_{i}": str(part) for i, part in enumerate(parts)})
        else:
            sent[key] = value
    return sent


def record(
    implementation: ForceImplementation,
    author: User,
    status: str = Status.IN_PROGRESS,
    as_of: datetime.date = datetime.date(2023, 9, 4),
    **kwargs,
):
    kwargs.setdefault("narrative", f"Narrative for {status} on {as_of}")
    return services.record_progress_update(
        implementation=implementation, author=author, status=status, as_of=as_of, **kwargs
    )


def client_for(username: str) -> Client:
    """A client signed in as one of the demo logins (by username)."""
    return login(User.objects.get(username=username))


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def grow(cast, recommendation, forces: int, recommendations: int) -> None:
    """Add forces, recommendations, updates, revisions, dependencies, statistics and users."""
    inspection = recommendation.inspection
    new_forces = [ForceFactory() for _ in range(forces)]
    recs = [RecommendationFactory(inspection=inspection) for _ in range(recommendations)]
    for rec in recs:
        DependencyFactory().recommendations.add(rec)
    for force in [cast.force_a, *new_forces]:
        author = UserFactory(role=Role.PCC_STAFF, force=force)
        FirearmsStatistic.objects.get_or_create(
            force=force,
            year_ending=datetime.date(2023, 3, 31),
            firearms_operations=100,
            source="Test edition",
        )
        for impl in ForceImplementation.objects.filter(force=force, updates__isnull=True):
            record(impl, cast.admin, Status.IN_PROGRESS, as_of=datetime.date(2023, 9, 4))
            record(impl, cast.admin, Status.IMPLEMENTED, as_of=datetime.date(2024, 1, 4))
            services.set_target_date(
                implementation=impl,
                new_date=datetime.date(2025, 1, 1),
                reason="Planned with the force.",
                changed_by=author,
            )


# On SQLite, the demo database as first loaded in this process, copied back for each later
# module that asks for it (milliseconds, where loading it again takes seconds).
_demo_copy: list[sqlite3.Connection] = []
# What load_demo_data printed (its logins) when this run loaded the demo data.
_demo_output: list[str] = []


def demo_output() -> str:
    """What load_demo_data printed when the run loaded the demo data (test_demo_data)."""
    assert _demo_output, "the demo data has not been loaded (use the demo_db fixture)"
    return _demo_output[-1]


def load_demo() -> None:
    call_command("load_reference_data", verbosity=0)
    printed = StringIO()
    call_command("load_demo_data", "--today", TODAY.isoformat(), stdout=printed)
    _demo_output.append(printed.getvalue())


def load_demo_once() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        load_demo_once_postgres(connection)
        return
    connection.ensure_connection()
    live = connection.connection
    if _demo_copy:
        _demo_copy[0].backup(live)
        return
    with shared_demo_file() as shared:
        if shared is not None and shared.stat().st_size:
            # Another worker of this run loaded it: its copy, not a second load.
            sqlite3.connect(shared).backup(live)
            take_shared_demo_files(shared)
        else:
            load_demo()
            if shared is not None:
                with sqlite3.connect(shared) as on_disk:
                    live.backup(on_disk)
                share_demo_files(shared)
    copy = sqlite3.connect(":memory:", check_same_thread=False)
    live.backup(copy)
    _demo_copy.append(copy)


def share_demo_files(shared: Path) -> None:
    """What the loader printed, and the files the demo's records name (issued letters), which
    are in this worker's storage: beside the shared demo data, for the run's other workers."""
    shared.with_suffix(".txt").write_text(_demo_output[-1])
    for name in stored_file_names():
        path = shared.with_suffix(".files") / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as stored:
            path.write_bytes(stored.read())


def take_shared_demo_files(shared: Path) -> None:
    """The other side of ``share_demo_files``: this worker's storage gets the same files."""
    _demo_output.append(shared.with_suffix(".txt").read_text())
    files = shared.with_suffix(".files")
    for path in sorted(p for p in files.rglob("*") if p.is_file()):
        name = path.relative_to(files).as_posix()
        assert default_storage.save(name, ContentFile(path.read_bytes())) == name


def stored_file_names() -> list[str]:
    """Every file the database's records name, in any file field."""
    from django.apps import apps
    from django.db.models import FileField

    names = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField):
                names += model._base_manager.exclude(**{field.name: ""}).values_list(
                    field.name, flat=True
                )
    return sorted({name for name in names if name})


@contextlib.contextmanager
def shared_demo_file() -> Iterator[Path | None]:
    """The demo database as the first worker of this run (pytest-xdist) loaded it, in a file
    all the run's workers share, held under a lock while it is read or written; None when the
    tests run in one process. One file per run: a later run, with other code, loads afresh."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if not run:
        yield None
        return
    path = Path(tempfile.gettempdir()) / f"tracker-demo-{run}.sqlite3"
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path.touch()
        try:
            yield path
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# On PostgreSQL, the demo data as first loaded, kept in a schema of copies beside the tables.
DEMO_SCHEMA = "demo_copy"


def load_demo_once_postgres(connection) -> None:
    """Load the demo data the first time in this worker (or copy the rows another worker of the
    run loaded, table by table with COPY); after that, put back the copy kept then."""
    tables = sorted(t for t in connection.introspection.table_names() if t != "django_migrations")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [DEMO_SCHEMA])
        kept = cursor.fetchone() is not None
    if kept:
        kept_copy = f"INSERT INTO public.{{name}} SELECT * FROM {DEMO_SCHEMA}.{{name}}"
        refill(connection, tables, kept_copy)
        return
    with shared_demo_file() as shared:
        copied = shared.with_suffix(".pg") if shared is not None else None
        if shared is not None and copied is not None and copied.is_dir():
            # A new database already holds its content types and permissions: they are
            # emptied with the rest and come over from the worker that loaded.
            refill(connection, tables, "COPY public.{name} FROM STDIN", copied)
            ContentType.objects.clear_cache()
            take_shared_demo_files(shared)
        else:
            load_demo()
            if shared is not None and copied is not None:
                copy_out(connection, tables, copied)
                share_demo_files(shared)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {DEMO_SCHEMA}")
        for table in tables:
            name = connection.ops.quote_name(table)
            cursor.execute(f"CREATE TABLE {DEMO_SCHEMA}.{name} AS TABLE public.{name}")


def refill(connection, tables: list[str], fill: str, copied: Path | None = None) -> None:
    """Every table emptied, then filled by ``fill`` (SQL naming the table as ``{name}``; with
    ``copied``, a COPY fed from that folder's file of the table), in one transaction: foreign
    keys are checked at the end, and the sequences moved on past the rows put in by hand."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import transaction

    names = {table: connection.ops.quote_name(table) for table in tables}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(f"TRUNCATE {', '.join(f'public.{name}' for name in names.values())}")
        for table, name in names.items():
            if copied is None:
                cursor.execute(fill.format(name=name))
            else:
                with cursor.copy(fill.format(name=name)) as copy:
                    copy.write((copied / table).read_bytes())
        models = apps.get_models(include_auto_created=True)
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def copy_out(connection, tables: list[str], copied: Path) -> None:
    """Every table's rows, with COPY, a file each in ``copied``: written aside and renamed, so
    that another worker never reads half of it."""
    partial = copied.with_suffix(".partial")
    partial.mkdir()
    with connection.cursor() as cursor:
        for table in tables:
            name = connection.ops.quote_name(table)
            with (
                cursor.copy(f"COPY public.{name} TO STDOUT") as copy,
                open(partial / table, "wb") as out,
            ):
                for data in copy:
                    out.write(data)
    partial.rename(copied)


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """The reference and demo data, loaded once for a module with 'today' fixed, and removed
    after it. Tests see it through the usual per-test transaction, so their writes roll back."""
    with django_db_blocker.unblock():
        load_demo_once()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def world(cast, recommendation, impl_a, impl_b, dependency):
    """The access matrix's world: one of everything for force A and force B, and national
    records, each made through the services."""
    # Each guarded field holds a marker that the access matrix looks for in every page.
    update_a = record(
        impl_a,
        cast.pcc_a,
        evidence_files=[SimpleUploadedFile("a.pdf", b"%PDF a")],
        internal_note=GUARDED_MARKERS["A"],
    )
    update_b = record(
        impl_b,
        cast.pcc_b,
        evidence_files=[SimpleUploadedFile("b.pdf", b"%PDF b")],
        internal_note=GUARDED_MARKERS["B"],
    )
    for impl, user in ((impl_a, cast.pcc_a), (impl_b, cast.pcc_b)):
        services.set_target_date(
            implementation=impl,
            new_date=datetime.date(2025, 1, 1),
            reason="Planned.",
            changed_by=user,
        )
    stat_a = FirearmsStatistic.objects.create(
        force=cast.force_a, source="Test", year_ending=datetime.date(2023, 3, 31)
    )
    stat_n = FirearmsStatistic.objects.create(
        force=None, source="Test", year_ending=datetime.date(2023, 3, 31)
    )
    LetterRecipient.objects.create(
        key="home-secretary", name="Name", office="Home Secretary", address="2 Marsham Street"
    )
    letter_a = letter_services.draft_letter(
        force=cast.force_a, inspection=recommendation.inspection, author=cast.pcc_a
    )
    letter_b = letter_services.issue_letter(
        letter=letter_services.draft_letter(
            force=cast.force_b, inspection=recommendation.inspection, author=cast.pcc_b
        ),
        author=cast.pcc_b,
        issued_on=datetime.date(2023, 9, 1),
    )
    elsewhere_a = letter_services.record_letter_sent_elsewhere(
        force=cast.force_a,
        inspection=recommendation.inspection,
        sent_on=datetime.date(2023, 9, 2),
        file=SimpleUploadedFile("signed.pdf", b"%PDF signed by A"),
        note="Internal: sent from Word",
        author=cast.pcc_a,
    )
    for force, user in ((cast.force_a, cast.pcc_a), (cast.force_b, cast.pcc_b)):
        letter_services.save_chief_comments(
            force=force,
            inspection=recommendation.inspection,
            author=user,
            received_on=datetime.date(2023, 8, 20),
            text="The chief constable's comments.",
            file=SimpleUploadedFile("comments.pdf", b"%PDF comments"),
            pcc_response="Internal draft of the response",
            today=datetime.date(2023, 9, 1),
        )
    publication_b = letter_services.publish_response(
        letter=letter_b, with_chief_comments=True, author=cast.pcc_b
    )
    action_a = followup_services.save_local_action(
        implementation=impl_a,
        by=cast.pcc_a,
        description="Write the audit procedure",
        owner="Supt A",
        due_date=datetime.date(2027, 1, 31),
        status="in_progress",
    )
    extension_a = followup_services.request_extension(
        implementation=impl_a,
        by=cast.lead_a,
        requested_date=datetime.date(2027, 6, 30),
        reason="Waiting on national guidance.",
    )
    closure_a = followup_services.record_closure(
        implementation=impl_a,
        by=cast.pcc_a,
        action="closed",
        on=datetime.date(2025, 5, 3),
        letter=SimpleUploadedFile("revisit.pdf", b"%PDF revisit"),
        url="",
        note="",
    )
    pack_a = meeting_services.make_meeting_pack(
        force=cast.force_a,
        region=None,
        meeting_date=datetime.date(2026, 12, 10),
        rag_rule="overdue",
        by=cast.pcc_a,
    )
    pack_region = meeting_services.make_meeting_pack(
        force=None,
        region=cast.force_a.region,
        meeting_date=datetime.date(2026, 12, 11),
        rag_rule="overdue",
        by=cast.admin,
    )
    # A report PCC staff of force A are entering, not yet published to forces.
    draft_a = services.save_report(
        inspection=Inspection(
            title="Draft PEEL for Alphashire",
            slug="draft-peel-a",
            published=datetime.date(2026, 11, 3),
            addressed_to=AddressedTo.CHOSEN_FORCES,
        ),
        forces=[cast.force_a],
        findings=[
            Recommendation(
                kind=FindingKind.AREA_FOR_IMPROVEMENT,
                number=1,
                scope=Scope.LOCAL,
                deadline_kind=DeadlineKind.NONE,
                addressee=Addressee.CHIEF_CONSTABLES,
                text="The force should improve its call handling.",
            )
        ],
        author=cast.pcc_a,
    )
    invitation_a, invitation_token = people_services.invite(
        by=cast.office_a,
        email="new.officer@alphashire.example",
        first_name="Nia",
        last_name="Newcomer",
        role=Role.PCC_STAFF,
        force=cast.force_a,
        now=timezone.now(),
    )
    tenant_a = TenantForce.objects.create(
        tenant_id="11111111-1111-4111-8111-111111111111", force=cast.force_a, name="Alphashire"
    )
    return {
        "cast": cast,
        "draft_a": draft_a,
        "tenant_a": tenant_a,
        "invitation_a": invitation_a,
        "invitation_token": invitation_token,
        "A": {
            "force": cast.force_a,
            "forceimplementation": impl_a,
            "progressupdate": update_a,
            "targetdaterevision": TargetDateRevision.objects.get(implementation=impl_a),
            "firearmsstatistic": stat_a,
            "progressletter": letter_a,
            "user": cast.pcc_a,
        },
        "B": {
            "force": cast.force_b,
            "forceimplementation": impl_b,
            "progressupdate": update_b,
            "targetdaterevision": TargetDateRevision.objects.get(implementation=impl_b),
            "progressletter": letter_b,
            "user": cast.pcc_b,
        },
        "N": {
            "region": cast.force_a.region,
            "inspection": recommendation.inspection,
            "recommendation": recommendation,
            "dependency": dependency,
            "firearmsstatistic": stat_n,
            "letterrecipient": LetterRecipient.objects.get(),
            "user": cast.viewer,
        },
        "letter_a": letter_a,
        "letter_b": letter_b,
        "elsewhere_a": elsewhere_a,
        "publication_b": publication_b,
        "action_a": action_a,
        "extension_a": extension_a,
        "closure_a": closure_a,
        "pack_a": pack_a,
        "pack_region": pack_region,
        "update_a": update_a,
    }


@pytest.fixture(scope="session")
def oidc_provider():
    """The tests' own OpenID Connect provider on localhost (tests/oidc_provider.py)."""
    from .oidc_provider import Provider

    provider = Provider()
    yield provider
    provider.close()


@pytest.fixture
def sso(settings, oidc_provider):
    """Microsoft sign-in set up against the local provider, for its two tenants."""
    from .oidc_provider import CLIENT_ID, CLIENT_SECRET, TENANT_ONE, TENANT_TWO

    settings.TRACKER_SSO_CLIENT_ID = CLIENT_ID
    settings.TRACKER_SSO_CLIENT_SECRET = CLIENT_SECRET
    settings.TRACKER_SSO_TENANTS = [TENANT_ONE, TENANT_TWO]
    settings.TRACKER_SSO_AUTHORITY = oidc_provider.url
    settings.SOCIALACCOUNT_PROVIDERS = {
        "entra": {
            "APPS": [{"client_id": CLIENT_ID, "secret": CLIENT_SECRET, "key": ""}],
            "OAUTH_PKCE_ENABLED": True,
        }
    }
    # As settings.py allows the authority as a form's target when sign-in is set up.
    settings.SECURE_CSP = {**settings.SECURE_CSP, "form-action": ["'self'", oidc_provider.url]}
    oidc_provider.next_identity = None
    return oidc_provider


def force_answered_report(cast, source: str, title: str, **fields):
    """A report the force answers itself (a coroner's, the IOPC's) to force A, published on 1
    October 2026 and sent on 20 October, with one finding on which its lead has recorded an
    update on 1 November: what the force's response letters are drafted from."""
    report = InspectionFactory(
        source=source,
        title=title,
        published=datetime.date(2026, 10, 1),
        sent_on=datetime.date(2026, 10, 20),
        forces=[cast.force_a],
        **fields,
    )
    finding = RecommendationFactory(
        inspection=report, number=1, deadline_kind=DeadlineKind.NONE, deadline=None
    )
    services.save_inspection(inspection=report)
    record(
        ForceImplementation.objects.get(recommendation=finding),
        cast.lead_a,
        as_of=datetime.date(2026, 11, 1),
        narrative="Training on acute behavioural disturbance starts in May.",
    )
    return report
