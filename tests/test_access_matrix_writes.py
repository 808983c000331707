"""The write side of the access matrix. Every page in the access table is requested as every
role (and checked against that table: test_access_matrix's read_every_page); every form any
role is shown is then POSTed by every role, once as rendered and once with
every value changed, and a fingerprint of the whole database is compared before and after. Where
the role may not write through that form, nothing may change. A form whose target has no row in
WRITERS fails the test, so no form can be added unguarded.

Each POST runs inside a savepoint that is rolled back, so a permitted write (an administrator
deleting force A, say) does not change what the next request sees."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import lxml.html
import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from .test_access_matrix import ALLAUTH_NAMES, ROLES, expected_urls, read_every_page, row

pytestmark = pytest.mark.django_db

NOBODY = row("- - - - - - - - -")
ADMIN = row("- - - - - - w - -")
FORCE_A_AND_ADMIN = row("- w w - - - w - -")
FORCE_B_AND_ADMIN = row("- - - w w - w - -")
FORCE_PEOPLE_AND_ADMIN = row("- w w w w - w - -")
SIGNED_IN = row("- w w w w w w w w")

# Who may write through the form that posts to each URL of the access table. History and
# version pages are read-only for everyone: history is corrected by new records, not reverts.
# National administrators' entry screens, and the force records written only by services.
ADMIN_ENTERED = (
    "region",
    "inspection",
    "recommendation",
    "dependency",
    "letterrecipient",
    "firearmsstatistic",
    "force",
    "user",
)
SERVICE_WRITTEN = ("forceimplementation", "progressupdate", "targetdaterevision", "progressletter")

WRITERS: dict[str, dict[str, str]] = {}
for model in ADMIN_ENTERED:
    WRITERS[f"admin:inspections_{model}_changelist"] = ADMIN  # delete selected
    WRITERS[f"admin:inspections_{model}_add"] = ADMIN
    for variant in ("A", "B", "N"):
        WRITERS[f"admin:inspections_{model}_change [{variant}]"] = ADMIN
        WRITERS[f"admin:inspections_{model}_delete [{variant}]"] = ADMIN
# A force's own people keep its commissioner and chief constable current.
for model in (*ADMIN_ENTERED, *SERVICE_WRITTEN):
    for view in ("history", "simple_history"):
        WRITERS[f"admin:inspections_{model}_{view}"] = NOBODY
WRITERS["admin:inspections_force_change [A]"] = FORCE_A_AND_ADMIN
WRITERS["admin:inspections_force_change [B]"] = FORCE_B_AND_ADMIN
WRITERS["admin:auth_user_password_change [A]"] = ADMIN
WRITERS["admin:auth_user_password_change [N]"] = ADMIN
for model in SERVICE_WRITTEN:
    WRITERS[f"admin:inspections_{model}_changelist"] = NOBODY
    WRITERS[f"admin:inspections_{model}_add"] = NOBODY
    for variant in ("A", "B"):
        WRITERS[f"admin:inspections_{model}_change [{variant}]"] = NOBODY
        WRITERS[f"admin:inspections_{model}_delete [{variant}]"] = NOBODY
WRITERS["admin:inspections_forceimplementation_change [A]"] = FORCE_A_AND_ADMIN
WRITERS["admin:inspections_forceimplementation_change [B]"] = FORCE_B_AND_ADMIN
WRITERS["admin:inspections_progressupdate_add"] = FORCE_PEOPLE_AND_ADMIN
WRITERS["admin:inspections_progressupdate_import"] = FORCE_PEOPLE_AND_ADMIN
WRITERS["admin:inspections_forceimplementation_export"] = NOBODY
WRITERS["admin:password_change"] = SIGNED_IN
# A person's own digest setting and password: only their own row changes.
WRITERS["account"] = row("- w w w w - - - -")
WRITERS["password-change"] = SIGNED_IN
# Everyone's own second factor (a wrong code changes nothing).
WRITERS["two-factor"] = SIGNED_IN
WRITERS["password-reset"] = NOBODY  # it sends an email; it writes nothing
WRITERS["item-update"] = FORCE_A_AND_ADMIN
# A force's s.55 response is its PCC office's: recorded, withdrawn and published by its staff.
WRITERS["letter-publish"] = row("- - - w - - - - -")
WRITERS["publication-comments"] = row("- - - w - - - - -")
WRITERS["letter-elsewhere-new"] = row("- w - w - - - - -")
WRITERS["letter-elsewhere-withdraw"] = row("- w - - - - - - -")
WRITERS["letter-elsewhere-publish"] = row("- w - - - - - - -")
WRITERS["letter-response"] = row("- - - w - - - - -")
WRITERS["letter-elsewhere-response"] = row("- w - - - - - - -")
# The chief constable's comments reach the office from the force: either of its people records.
WRITERS["chief-comments"] = row("- w w - - - - - -")
# The office's letter template is its PCC staff's.
WRITERS["letter-template"] = row("- w - - - - - - -")
WRITERS["response-date"] = NOBODY  # the world's report is an inspection: s.55 never moves
# The force's own template (for its letters to a coroner or the IOPC): its lead and PCC staff.
WRITERS["force-letter-template"] = row("- w w - - - - - -")
WRITERS["several-updates"] = FORCE_A_AND_ADMIN
WRITERS["item-target-date"] = FORCE_A_AND_ADMIN
WRITERS["item-lead-officer"] = FORCE_A_AND_ADMIN
WRITERS["item-agreed-date"] = NOBODY  # the world's finding has a deadline: nothing to agree
WRITERS["item-review"] = row("- - w - - - - - -")
WRITERS["report-import"] = row("- w - w - - w - -")
WRITERS["report-new"] = row("- w - w - - w - -")
WRITERS["report-edit"] = row("- w - - - - w - -")
WRITERS["report-publish"] = row("- w - - - - w - -")
# Its first POST only shows the check page naming the forces to be emailed.
WRITERS["dependency-delivered"] = ADMIN
WRITERS["dependency-new"] = ADMIN
WRITERS["dependency-correct"] = ADMIN
WRITERS["dependency-change"] = ADMIN
# Uploading stages the file for its sender; nothing is recorded until the check page.
WRITERS["force-sheet"] = FORCE_A_AND_ADMIN
WRITERS["letter-new"] = row("- w - w - - - - -")
WRITERS["letter-edit"] = row("- w - - - - - - -")
WRITERS["letter-issue"] = row("- w - - - - - - -")
WRITERS["letter-discard"] = row("- w - - - - - - -")
WRITERS["action-new"] = FORCE_A_AND_ADMIN
WRITERS["action-edit"] = FORCE_A_AND_ADMIN
WRITERS["extension-new"] = row("- w w - - - - - -")
# Its first POST only shows the check page; the decision is the confirming POST's.
WRITERS["extension-decide"] = row("- w - - - - - - -")
WRITERS["closure-new"] = row("- w - - - - w - -")
# An office makes its own force's packs; a national administrator any force's or region's.
WRITERS["meeting-packs"] = row("- w - w - - w - -")
WRITERS["actions"] = NOBODY
WRITERS["extensions"] = NOBODY
# People: an office administrator its own force's, a national administrator anyone's.
PEOPLE_MANAGERS = row("- - - - - - w - w")
for name in (
    "people-invite",
    "person",
    "person-remove",
    "invitation-withdraw",
    "api-keys",
    "api-key-revoke",
    "teams-channel",
):
    WRITERS[name] = PEOPLE_MANAGERS
WRITERS["tenants"] = ADMIN
WRITERS["tenant-remove"] = ADMIN
# Whoever holds an invitation's one-time link may accept it: that is the link's point.
WRITERS["invitation"] = row("w w w w w w w w w")
# Both only send the browser to Microsoft (the invitation waits in the session): no data.
WRITERS["entra_login"] = NOBODY
WRITERS["invitation-microsoft"] = NOBODY

# Forms that sign people in and out: they write sessions and sign-in failures, never data.
AUTH_FORMS = {"sign-in", "sign-out", "admin:login", "admin:logout"}

# Tables that record sessions, failed sign-ins and reset requests rather than the data.
NOT_DATA = {
    "sessions.session",
    "inspections.signinfailure",
    "inspections.passwordresetrequest",
    "inspections.accessevent",
}


@functools.cache
def data_tables() -> list[str]:
    return sorted(
        {
            table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.label_lower not in NOT_DATA
            for table in [model._meta.db_table]
        }
    )


def changes_so_far() -> int:
    """A number that moves whenever a statement on this connection inserts, changes or deletes
    a row, in any table: while it stands still, nothing can differ from the fingerprint, which
    need not be read again (reading every table after each post was most of this test's
    time). It counts writes a savepoint then undid too; the fingerprint decides those."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return int(connection.connection.total_changes)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
            "FROM pg_stat_xact_user_tables"
        )
        return int(cursor.fetchone()[0])


def fingerprint() -> str:
    """Every row of every table (many-to-many tables too), read with plain SQL for speed."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for table in data_tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            digest.update(table.encode())
            digest.update(repr(cursor.fetchall()).encode())
    return digest.hexdigest()


@dataclass
class FoundForm:
    label: str
    action: str
    rendered: list[tuple[str, str]]
    changed: list[tuple[str, str]]
    files: list[str] = field(default_factory=list)
    seen_by: str = ""


def changed_value(element: lxml.html.HtmlElement) -> list[str]:
    tag = element.tag
    kind = (element.get("type") or "text").lower()
    if tag == "select":
        options = [o.get("value", o.text_content()) for o in element.findall(".//option")]
        current = set(element.value if element.multiple else [element.value])
        others = [o for o in options if o not in current and o != ""]
        return others[:1] or [o for o in options if o][:1]
    if tag == "textarea":
        return [(element.value or "") + " changed"]
    if kind in ("number",):
        try:
            return [str(int(element.value or 0) + 1)]
        except ValueError:
            return ["1"]
    if kind == "date":
        return ["2024-02-02"]
    if kind == "email":
        return ["changed@example.org"]
    if kind == "url":
        return ["https://example.org/changed"]
    return [(element.value or "") + " changed"]


def read_forms(html: bytes, page_url: str) -> list[tuple[str, list, list, list]]:
    """(action, values as rendered, values changed, names of file inputs) for each POST form."""
    forms = []
    document = lxml.html.fromstring(html)
    for form in document.forms:
        if (form.method or "GET").upper() != "POST":
            continue
        action = form.get("action") or page_url
        rendered = list(form.form_values())
        changed: list[tuple[str, str]] = []
        files: list[str] = []
        radios_done: set[str] = set()
        for element in form.inputs:
            name = element.get("name")
            if not name:
                continue
            kind = (element.get("type") or "").lower()
            if element.tag == "input" and kind in ("submit", "button", "image", "reset"):
                continue
            if kind == "file":
                files.append(name)
            elif kind == "hidden":
                changed.append((name, element.value or ""))
            elif kind == "checkbox":
                changed.append((name, element.get("value", "on")))
            elif kind == "radio":
                if name in radios_done:
                    continue
                radios_done.add(name)
                group = form.inputs[name]
                values = [r.get("value") for r in group]
                others = [v for v in values if v != group.value]
                changed.append((name, (others or values)[0]))
            else:
                changed.extend((name, value) for value in changed_value(element))
        forms.append((action, rendered, changed, files))
    return forms


def label_for(action: str, urls: dict[str, str]) -> str | None:
    return urls.get(urlsplit(action).path)


def post_data(values: list[tuple[str, str]], files: list[str]) -> dict[str, object]:
    data: dict[str, object] = {}
    for name, value in values:
        data.setdefault(name, [])
        data[name].append(value)  # type: ignore[union-attr]
    for name in files:
        data[name] = SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 test", "application/pdf")
    # Delete confirmations and admin actions proceed only with this.
    data.setdefault("post", "yes")
    return data


def test_every_role_reads_and_writes_only_where_allowed(world, sso):
    """Every URL as every role (test_access_matrix's table), then every form on those pages
    posted as every role: one pass over the pages serves both."""
    read_problems, pages, people = read_every_page(world)
    assert read_problems == [], "\n".join(read_problems)
    table = expected_urls(world)
    # A page known by two names (the tracker's and allauth's) is listed under the tracker's.
    aliases = set(ALLAUTH_NAMES.values())
    by_path = {url: label for label, (url, _) in table.items() if label not in aliases}
    for client in people.values():
        client.raise_request_exception = False

    found: dict[str, FoundForm] = {}
    unlisted: set[str] = set()
    # The administrator sees the most complete forms, so their version of each form is kept;
    # PCC staff see the letter forms and force leads the sign-off form no one else is shown;
    # office administrators their office's Teams channel.
    for role in ("admin", "pcc_a", "lead_a", "pcc_b", "office_a"):
        for label, (url, _) in table.items():
            page = pages.get((label, role))
            if page is None:
                continue
            for action, rendered, changed, files in read_forms(page, url):
                target = label_for(action, by_path)
                if target is None:
                    unlisted.add(f"{action} (a form on {label})")
                    continue
                name = target.split(" [")[0]
                if name in AUTH_FORMS or target in found:
                    continue
                found[target] = FoundForm(target, action, rendered, changed, files, role)
    assert unlisted == set(), f"Forms posting to URLs outside the access table: {unlisted}"
    missing = sorted(t for t in found if t not in WRITERS and t.split(" [")[0] not in WRITERS)
    assert missing == [], f"Forms with no row in WRITERS: {missing}"

    before = fingerprint()
    problems = []
    posts = fingerprints = 0
    written: set[str] = set()
    for target, form in sorted(found.items()):
        writers = WRITERS.get(target) or WRITERS[target.split(" [")[0]]
        for role in ROLES:
            for variant, values in (("as rendered", form.rendered), ("changed", form.changed)):
                sid = transaction.savepoint_create()
                try:
                    mark = changes_so_far()
                    response = people[role].post(form.action, post_data(values, form.files))
                    moved = changes_so_far() != mark
                    # A writer may change the database: only the others' posts are compared.
                    if writers[role] == "w":
                        after = before
                        if moved:
                            written.add(target)
                    else:
                        after = fingerprint() if moved else before
                        fingerprints += moved
                finally:
                    transaction.savepoint_rollback(sid)
                posts += 1
                if response.status_code >= 500:
                    problems.append(f"{target} {variant} as {role}: {response.status_code}")
                if writers[role] != "w" and after != before:
                    problems.append(
                        f"{target} {variant} as {role} changed the database "
                        f"({response.status_code}; form seen by {form.seen_by})"
                    )
    print(
        f"write matrix: {len(found)} forms, {posts} posts, {len(ROLES)} roles; "
        f"the database read again after {fingerprints}; {len(written)} forms written through"
    )
    assert problems == [], "\n".join(problems)
    # The table above must keep meaning something: most of the service's forms were posted.
    assert len(found) >= 40
    assert posts == len(found) * len(ROLES) * 2
    # The change count, which decides when to compare, can fail: it moved for the writers'
    # posts to most of the forms they may write through.
    assert len(written) >= 25, sorted(written)
