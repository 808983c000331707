"""Every URL the project serves, requested by every role, with objects of force A, of force B
and national records, against a table of the expected answer. The URL list comes from the URL
configuration: a URL that is not in the table fails, so nothing can be added unguarded. The
pages are read (read_every_page) in the same pass as the write matrix posts their forms
(test_access_matrix_writes), since both need every page as every role.

Roles, in the order of each row: anonymous, PCC staff of A, force lead of A, PCC staff of B,
force lead of B, viewer, national administrator, scrutiny member of A (panel or audit
committee), office administrator of A. "4xx" means 403 or 404 (refused either way)."""

import re

import pytest
from django.template import engines
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .conftest import GUARDED_MARKERS, login
from .test_api import ENDPOINTS as API_ENDPOINTS

pytestmark = pytest.mark.django_db

ROLES = [
    "anon",
    "pcc_a",
    "lead_a",
    "pcc_b",
    "lead_b",
    "viewer",
    "admin",
    "scrutiny_a",
    "office_a",
]


def row(spec: str) -> dict[str, str]:
    codes = spec.split()
    assert len(codes) == len(ROLES), spec
    return dict(zip(ROLES, codes, strict=True))


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names


# --- the table --------------------------------------------------------------------------------

EVERYONE = row("302 200 200 200 200 200 200 200 200")
ADMIN_ONLY = row("302 403 403 403 403 403 200 403 403")
NOBODY = row("302 403 403 403 403 403 403 403 403")
# The admin screens send scrutiny members and office administrators to the admin's sign-in:
# they read on the service's pages and manage people there.
PEOPLE_MANAGERS = row("302 403 403 403 403 403 200 403 200")
ADMIN_EVERYONE = row("302 200 200 200 200 200 200 302 302")
ADMIN_SCREEN_ONLY = row("302 403 403 403 403 403 200 302 302")
ADMIN_SCREEN_NOBODY = row("302 403 403 403 403 403 403 302 302")

# Admin screens: for each model, the changelist, the add form, then per object (of force A,
# force B or national) its change page, history, one historical version and delete page.
ADMIN = {
    "region": {
        "list": ADMIN_EVERYONE,
        "add": ADMIN_SCREEN_ONLY,
        "N": {
            "change": ADMIN_EVERYONE,
            "history": ADMIN_EVERYONE,
            "version": ADMIN_EVERYONE,
            "delete": ADMIN_SCREEN_ONLY,
        },
    },
    "inspection": {
        "list": ADMIN_EVERYONE,
        # Reports are added on the service's entry page, then published to forces.
        "add": row("302 403 403 403 403 403 403 302 302"),
        "N": {
            "change": ADMIN_EVERYONE,
            "history": ADMIN_EVERYONE,
            "version": ADMIN_EVERYONE,
            "delete": ADMIN_SCREEN_ONLY,
        },
    },
    "recommendation": {
        "list": ADMIN_EVERYONE,
        "add": ADMIN_SCREEN_ONLY,
        "N": {
            "change": ADMIN_EVERYONE,
            "history": ADMIN_EVERYONE,
            "version": ADMIN_EVERYONE,
            "delete": ADMIN_SCREEN_ONLY,
        },
    },
    "dependency": {
        "list": ADMIN_EVERYONE,
        "add": ADMIN_SCREEN_ONLY,
        "N": {
            "change": ADMIN_EVERYONE,
            "history": ADMIN_EVERYONE,
            "version": ADMIN_EVERYONE,
            "delete": ADMIN_SCREEN_ONLY,
        },
    },
    "letterrecipient": {
        "list": ADMIN_EVERYONE,
        "add": ADMIN_SCREEN_ONLY,
        "N": {
            "change": ADMIN_EVERYONE,
            "history": ADMIN_EVERYONE,
            "version": ADMIN_EVERYONE,
            "delete": ADMIN_SCREEN_ONLY,
        },
    },
    "force": {
        "list": ADMIN_EVERYONE,
        "add": ADMIN_SCREEN_ONLY,
        "A": {
            "change": row("302 200 200 404 404 200 200 302 302"),
            "history": row("302 200 200 4xx 4xx 200 200 302 302"),
            "version": row("302 200 200 4xx 4xx 200 200 302 302"),
            "delete": row("302 403 403 4xx 4xx 403 200 302 302"),
        },
        "B": {
            "change": row("302 404 404 200 200 200 200 302 302"),
            "history": row("302 4xx 4xx 200 200 200 200 302 302"),
            "version": row("302 4xx 4xx 200 200 200 200 302 302"),
            "delete": row("302 4xx 4xx 403 403 403 200 302 302"),
        },
    },
    "firearmsstatistic": {
        "list": ADMIN_EVERYONE,
        "add": ADMIN_SCREEN_ONLY,
        "A": {
            "change": row("302 200 200 404 404 200 200 302 302"),
            "history": row("302 200 200 4xx 4xx 200 200 302 302"),
            "version": row("302 200 200 4xx 4xx 200 200 302 302"),
            "delete": row("302 403 403 4xx 4xx 403 200 302 302"),
        },
        "N": {
            "change": ADMIN_EVERYONE,
            "history": ADMIN_EVERYONE,
            "version": ADMIN_EVERYONE,
            "delete": ADMIN_SCREEN_ONLY,
        },
    },
    "forceimplementation": {
        "list": ADMIN_EVERYONE,
        "add": ADMIN_SCREEN_NOBODY,
        "A": {
            "change": row("302 200 200 404 404 200 200 302 302"),
            "history": row("302 200 200 4xx 4xx 200 200 302 302"),
            "version": row("302 200 200 4xx 4xx 200 200 302 302"),
            "delete": row("302 403 403 4xx 4xx 403 403 302 302"),
        },
        "B": {
            "change": row("302 404 404 200 200 200 200 302 302"),
            "history": row("302 4xx 4xx 200 200 200 200 302 302"),
            "version": row("302 4xx 4xx 200 200 200 200 302 302"),
            "delete": row("302 4xx 4xx 403 403 403 403 302 302"),
        },
    },
    "progressupdate": {
        "list": ADMIN_EVERYONE,
        "add": row("302 200 200 200 200 403 200 302 302"),
        "A": {
            "change": row("302 200 200 404 404 200 200 302 302"),
            "history": row("302 200 200 4xx 4xx 200 200 302 302"),
            "version": row("302 200 200 4xx 4xx 200 200 302 302"),
            "delete": row("302 403 403 4xx 4xx 403 403 302 302"),
        },
        "B": {
            "change": row("302 404 404 200 200 200 200 302 302"),
            "history": row("302 4xx 4xx 200 200 200 200 302 302"),
            "version": row("302 4xx 4xx 200 200 200 200 302 302"),
            "delete": row("302 4xx 4xx 403 403 403 403 302 302"),
        },
    },
    "targetdaterevision": {
        "list": ADMIN_EVERYONE,
        "add": ADMIN_SCREEN_NOBODY,
        "A": {
            "change": row("302 200 200 404 404 200 200 302 302"),
            "history": row("302 200 200 4xx 4xx 200 200 302 302"),
            "version": row("302 200 200 4xx 4xx 200 200 302 302"),
            "delete": row("302 403 403 4xx 4xx 403 403 302 302"),
        },
    },
    "progressletter": {
        "list": ADMIN_EVERYONE,
        "add": ADMIN_SCREEN_NOBODY,
        "A": {
            "change": row("302 200 200 404 404 200 200 302 302"),
            "history": row("302 200 200 4xx 4xx 200 200 302 302"),
            "version": row("302 200 200 4xx 4xx 200 200 302 302"),
            "delete": row("302 403 403 4xx 4xx 403 403 302 302"),
        },
        "B": {
            "change": row("302 404 404 200 200 200 200 302 302"),
            "history": row("302 4xx 4xx 200 200 200 200 302 302"),
            "version": row("302 4xx 4xx 200 200 200 200 302 302"),
            "delete": row("302 4xx 4xx 403 403 403 403 302 302"),
        },
    },
    "user": {
        "list": ADMIN_SCREEN_ONLY,
        "add": ADMIN_SCREEN_ONLY,
        "A": {
            "change": row("302 403 403 4xx 4xx 403 200 302 302"),
            "history": row("302 403 403 4xx 4xx 403 200 302 302"),
            "version": row("302 403 403 403 403 403 200 302 302"),
            "delete": row("302 403 403 4xx 4xx 403 200 302 302"),
            "password_change": row("302 403 403 4xx 4xx 403 200 302 302"),
        },
        "N": {
            "change": row("302 4xx 4xx 4xx 4xx 403 200 302 302"),
            "history": row("302 4xx 4xx 4xx 4xx 403 200 302 302"),
            "version": row("302 403 403 403 403 403 200 302 302"),
            "delete": row("302 4xx 4xx 4xx 4xx 403 200 302 302"),
            "password_change": row("302 4xx 4xx 4xx 4xx 403 200 302 302"),
        },
    },
}

ADMIN_EXTRA = {
    "admin:index": (lambda w: [], ADMIN_EVERYONE),
    "admin:app_list": (lambda w: ["inspections"], ADMIN_EVERYONE),
    # Those the admin is not for are shown its sign-in, saying they are not authorised.
    "admin:login": (lambda w: [], row("200 302 302 302 302 302 302 200 200")),
    "admin:logout": (lambda w: [], row("302 405 405 405 405 405 405 302 302")),
    "admin:password_change": (lambda w: [], ADMIN_EVERYONE),
    "admin:password_change_done": (lambda w: [], ADMIN_EVERYONE),
    "admin:jsi18n": (lambda w: [], ADMIN_EVERYONE),
    "admin:autocomplete": (lambda w: [], row("302 403 403 403 403 403 403 302 302")),
    "admin:view_on_site": (
        lambda w: [1, w["N"]["region"].pk],
        row("302 404 404 404 404 404 404 302 302"),
    ),
    "admin:inspections_progressupdate_import": (
        lambda w: [],
        row("302 200 200 200 200 403 200 302 302"),
    ),
    # Takes only the confirmation POST (whose rights the access test of import covers).
    "admin:inspections_progressupdate_process_import": (
        lambda w: [],
        row("302 405 405 405 405 405 405 302 302"),
    ),
    "admin:inspections_forceimplementation_export": (lambda w: [], ADMIN_EVERYONE),
}

SITE = {
    "dashboard": (lambda w: [], EVERYONE),
    "reports": (lambda w: [], EVERYONE),
    # National administrators enter any report; PCC staff one addressed to their force alone.
    "report-new": (lambda w: [], row("302 200 403 200 403 403 200 403 403")),
    "report-import": (lambda w: [], row("302 200 403 200 403 403 200 403 403")),
    "report-edit": (lambda w: [w["draft_a"].slug], row("302 200 403 403 403 403 200 403 403")),
    "report-publish": (lambda w: [w["draft_a"].slug], row("302 200 403 403 403 403 200 403 403")),
    "dependency-delivered": (lambda w: [w["N"]["dependency"].key], ADMIN_ONLY),
    "dependency-new": (lambda w: [], ADMIN_ONLY),
    "dependency-correct": (lambda w: [w["N"]["dependency"].key], ADMIN_ONLY),
    "dependency-change": (lambda w: [w["N"]["dependency"].key], ADMIN_ONLY),
    "entry": (lambda w: [], row("302 200 403 200 403 403 200 403 403")),
    "overdue": (lambda w: [], EVERYONE),
    "due-soon": (lambda w: [], EVERYONE),
    "dependencies": (lambda w: [], EVERYONE),
    "matrix": (lambda w: [], EVERYONE),
    "responses": (lambda w: [], EVERYONE),
    "letters": (lambda w: [], EVERYONE),
    "audit": (lambda w: [], ADMIN_ONLY),
    "inspection-suggestions": (lambda w: [], EVERYONE),
    "recommendation": (lambda w: [w["N"]["inspection"].slug, 2], EVERYONE),
    "force": (lambda w: [w["A"]["force"].slug], row("302 200 200 404 404 200 200 200 200")),
    "evidence-file": (
        lambda w: [w["update_a"].files.get().uuid],
        row("302 200 200 404 404 200 200 200 200"),
    ),
    # Letter A is a draft: scrutiny members and office administrators read letters as sent.
    "letter": (lambda w: [w["letter_a"].uuid], row("302 200 200 404 404 200 200 404 404")),
    "letter-edit": (lambda w: [w["letter_a"].uuid], row("302 200 403 404 404 403 403 404 404")),
    "letter-download": (
        lambda w: [w["letter_b"].uuid, "pdf"],
        row("302 404 404 200 200 200 200 404 404"),
    ),
    "letter-new": (lambda w: [], row("302 405 405 405 405 405 405 405 405")),
    "letter-issue": (lambda w: [w["letter_a"].uuid], row("302 200 403 404 404 403 403 404 404")),
    "letter-discard": (lambda w: [w["letter_a"].uuid], row("302 200 403 404 404 403 403 404 404")),
    "letter-publish": (lambda w: [w["letter_b"].uuid], row("302 404 404 200 403 403 403 404 404")),
    "letter-response": (lambda w: [w["letter_b"].uuid], row("302 404 404 200 403 403 403 404 404")),
    "letter-elsewhere-response": (
        lambda w: [w["elsewhere_a"].uuid],
        row("302 200 403 404 404 403 403 403 403"),
    ),
    "letter-elsewhere-new": (lambda w: [], row("302 200 403 200 403 403 403 403 403")),
    "letter-elsewhere": (
        lambda w: [w["elsewhere_a"].uuid],
        row("302 200 200 404 404 200 200 200 200"),
    ),
    "letter-elsewhere-file": (
        lambda w: [w["elsewhere_a"].uuid],
        row("302 200 200 404 404 200 200 200 200"),
    ),
    "letter-elsewhere-withdraw": (
        lambda w: [w["elsewhere_a"].uuid],
        row("302 200 403 404 404 403 403 403 403"),
    ),
    "letter-elsewhere-publish": (
        lambda w: [w["elsewhere_a"].uuid],
        row("302 200 403 404 404 403 403 403 403"),
    ),
    "letter-template": (
        lambda w: [w["A"]["force"].slug],
        row("302 200 200 404 404 200 200 200 200"),
    ),
    "force-letter-template": (
        lambda w: [w["A"]["force"].slug],
        row("302 200 200 404 404 200 200 200 200"),
    ),
    # An s.55 response's date is never extended: nobody records a new one for the world's
    # inspection (test_sources.py records an IOPC report's).
    "response-date": (
        lambda w: [w["N"]["inspection"].slug],
        row("302 403 403 403 403 403 403 403 403"),
    ),
    "chief-comments": (
        lambda w: [w["A"]["force"].slug, w["N"]["inspection"].slug],
        row("302 200 200 404 404 200 200 200 200"),
    ),
    "chief-comments-file": (
        lambda w: [w["A"]["force"].slug, w["N"]["inspection"].slug],
        row("302 200 200 404 404 200 200 200 200"),
    ),
    # The public pages: published responses only, to anyone.
    "public-comments": (
        lambda w: [w["publication_b"].uuid],
        row("200 200 200 200 200 200 200 200 200"),
    ),
    # The check page before publishing updated comments: the office's PCC staff only.
    "publication-comments": (
        lambda w: [w["publication_b"].uuid],
        row("302 404 404 200 403 403 403 404 404"),
    ),
    "public-comments-file": (
        lambda w: [w["publication_b"].uuid],
        row("200 200 200 200 200 200 200 200 200"),
    ),
    "public-responses": (lambda w: [], row("200 200 200 200 200 200 200 200 200")),
    "public-force": (lambda w: [w["B"]["force"].slug], row("200 200 200 200 200 200 200 200 200")),
    "public-letter": (
        lambda w: [w["publication_b"].uuid],
        row("200 200 200 200 200 200 200 200 200"),
    ),
    "item": (lambda w: item_args(w), row("302 200 200 404 404 200 200 200 200")),
    "item-update": (lambda w: item_args(w), row("302 200 200 404 404 403 200 403 403")),
    "item-target-date": (lambda w: item_args(w), row("302 200 200 404 404 403 200 403 403")),
    "item-lead-officer": (lambda w: item_args(w), row("302 200 200 404 404 403 200 403 403")),
    "item-agreed-date": (lambda w: item_args(w), row("302 404 403 404 404 403 403 403 403")),
    "item-review": (lambda w: item_args(w), row("302 403 200 404 404 403 403 403 403")),
    "sign-off": (lambda w: [], EVERYONE),
    # Follow-up: a force's people keep its actions and ask for time; its office decides and
    # records the inspectorate's letters (national administrators too).
    "actions": (lambda w: [], EVERYONE),
    # A force's packs are read like its data; a region's by viewers and administrators.
    "meeting-packs": (lambda w: [], EVERYONE),
    "meeting-pack": (lambda w: [w["pack_a"].uuid], row("302 200 200 404 404 200 200 200 200")),
    "meeting-pack-file": (
        lambda w: [w["pack_region"].uuid, "pdf"],
        row("302 404 404 404 404 200 200 404 404"),
    ),
    "extensions": (lambda w: [], EVERYONE),
    "action-new": (lambda w: item_args(w), row("302 200 200 404 404 403 200 403 403")),
    "action-edit": (
        lambda w: [*item_args(w), w["action_a"].uuid],
        row("302 200 200 404 404 403 200 403 403"),
    ),
    "extension-new": (lambda w: item_args(w), row("302 200 200 404 404 403 403 403 403")),
    "extension-decide": (
        lambda w: [w["extension_a"].uuid],
        row("302 200 403 404 404 403 403 403 403"),
    ),
    "closure-new": (lambda w: item_args(w), row("302 200 403 404 404 403 200 403 403")),
    "closure-letter": (
        lambda w: [*item_args(w), w["closure_a"].uuid],
        row("302 200 200 404 404 200 200 200 200"),
    ),
    "several-updates": (
        lambda w: [w["A"]["force"].slug, w["N"]["inspection"].slug],
        row("302 200 200 404 404 403 200 403 403"),
    ),
    "force-sheet": (lambda w: [w["A"]["force"].slug], row("302 200 200 404 404 403 200 403 403")),
    "force-sheet-download": (
        lambda w: [w["A"]["force"].slug],
        row("302 200 200 404 404 403 200 403 403"),
    ),
    # A key that was never staged for anyone: back to the upload page, saying so.
    "force-sheet-check": (
        lambda w: [w["A"]["force"].slug, "6f1c2b1e-52a4-4c59-9d0e-2d0f7c0e5a11"],
        row("302 302 302 404 404 403 302 403 403"),
    ),
    "account": (lambda w: [], EVERYONE),
    # People: an office administrator manages its own force's, a national administrator anyone's.
    "people": (lambda w: [], PEOPLE_MANAGERS),
    "people-invite": (lambda w: [], PEOPLE_MANAGERS),
    "person": (lambda w: [w["cast"].lead_a.pk], PEOPLE_MANAGERS),
    "api-keys": (lambda w: [], PEOPLE_MANAGERS),
    # The office's Teams channel: its office administrators (a national administrator names the
    # force in the address: without it, 404).
    "teams-channel": (lambda w: [], row("302 403 403 403 403 403 404 403 200")),
    "api-key-revoke": (
        lambda w: ["6f1c2b1e-52a4-4c59-9d0e-2d0f7c0e5a11"],
        row("302 405 405 405 405 405 405 405 405"),
    ),
    # The API answers keys, never a session: signed in or not, no key is 401 (test_api.py
    # covers every key). Its description is public; its root is only a name to reverse.
    "api:openapi-json": (lambda w: [], row("200 200 200 200 200 200 200 200 200")),
    "api:api-root": (lambda w: [], row("404 404 404 404 404 404 404 404 404")),
    **{
        f"api:{name}": (lambda w: [], row("401 401 401 401 401 401 401 401 401"))
        for name in [*API_ENDPOINTS, "s55-responses", "implementations-csv"]
    },
    # Which Microsoft tenant serves which force: national administrators.
    "tenants": (lambda w: [], ADMIN_ONLY),
    "tenant-remove": (
        lambda w: [w["tenant_a"].pk],
        row("302 405 405 405 405 405 405 405 405"),
    ),
    "person-remove": (lambda w: [w["cast"].lead_a.pk], PEOPLE_MANAGERS),
    "invitation-withdraw": (
        lambda w: [w["invitation_a"].uuid],
        row("302 405 405 405 405 405 405 405 405"),
    ),
    # The one-time link in an invitation email: opened before its reader has an account.
    "invitation": (
        lambda w: [w["invitation_token"]],
        row("200 200 200 200 200 200 200 200 200"),
    ),
    # Sign in with Microsoft (set up here against the local provider): the page before Microsoft,
    # Microsoft's answer (refused without a code), and accepting an invitation (a POST).
    "entra_login": (lambda w: [], row("200 200 200 200 200 200 200 200 200")),
    "entra_callback": (lambda w: [], row("403 403 403 403 403 403 403 403 403")),
    "invitation-microsoft": (
        lambda w: [w["invitation_token"]],
        row("405 405 405 405 405 405 405 405 405"),
    ),
    "search": (lambda w: [], EVERYONE),
    "password-change": (lambda w: [], EVERYONE),
    "password-change-done": (lambda w: [], EVERYONE),
    # Your own second factor; and the code after the password (nothing pending here: back to
    # the sign-in).
    "two-factor": (lambda w: [], EVERYONE),
    "sign-in-code": (lambda w: [], row("302 302 302 302 302 302 302 302 302")),
    # allauth's sign-in: signed in already, you are sent on to the dashboard.
    # Reaching these needs no sign-in: that is their point.
    "password-reset": (lambda w: [], row("200 200 200 200 200 200 200 200 200")),
    "password-reset-sent": (lambda w: [], row("200 200 200 200 200 200 200 200 200")),
    "password-reset-confirm": (
        lambda w: ["MQ", "not-a-token"],
        row("200 200 200 200 200 200 200 200 200"),
    ),
    "password-reset-complete": (lambda w: [], row("200 200 200 200 200 200 200 200 200")),
    "sign-in": (lambda w: [], row("200 302 302 302 302 302 302 302 302")),
    # For load balancers: no sign-in, and nothing in it but whether the service is ready.
    "healthz": (lambda w: [], row("200 200 200 200 200 200 200 200 200")),
    # Signing out is a POST (its GET asks "Sign out?"); anyone not signed in is sent to sign in.
    "sign-out": (lambda w: [], row("302 200 200 200 200 200 200 200 200")),
}
# The names allauth reverses for the same sign-in pages (inspections/account/urls.py).
ALLAUTH_NAMES = {
    "sign-in": "account_login",
    "sign-out": "account_logout",
    "sign-in-code": "mfa_authenticate",
    "password-reset": "account_reset_password",
    "password-reset-sent": "account_reset_password_done",
    "password-reset-confirm": "account_reset_password_from_key",
    "password-reset-complete": "account_reset_password_from_key_done",
}
for _tracker_name, _allauth_name in ALLAUTH_NAMES.items():
    SITE[_allauth_name] = SITE[_tracker_name]


def item_args(w) -> list:
    impl = w["A"]["forceimplementation"]
    return [impl.force.slug, impl.recommendation.inspection.slug, impl.recommendation.number]


ADMIN_VIEWS = {
    "change": "change",
    "history": "history",
    "delete": "delete",
    "password_change": "password_change",
}


def expected_urls(world) -> dict[str, tuple[str, dict[str, str]]]:
    """Every (label → url, expected row) the table describes."""
    urls = {}
    for model, spec in ADMIN.items():
        urls[f"admin:inspections_{model}_changelist"] = (
            reverse(f"admin:inspections_{model}_changelist"),
            spec["list"],
        )
        urls[f"admin:inspections_{model}_add"] = (
            reverse(f"admin:inspections_{model}_add"),
            spec["add"],
        )
        for variant in ("A", "B", "N"):
            if variant not in spec:
                continue
            obj = world[variant][model]
            for view, expected in spec[variant].items():
                if view == "version":
                    history_id = obj.history.earliest("history_date").history_id
                    url = reverse(
                        f"admin:inspections_{model}_simple_history", args=[obj.pk, history_id]
                    )
                    name = f"admin:inspections_{model}_simple_history"
                elif view == "password_change":
                    # Django's UserAdmin names this URL after auth.User, whatever the model.
                    name = "admin:auth_user_password_change"
                    url = reverse(name, args=[obj.pk])
                else:
                    name = f"admin:inspections_{model}_{ADMIN_VIEWS[view]}"
                    url = reverse(name, args=[obj.pk])
                urls[f"{name} [{variant}]"] = (url, expected)
    for name, (args, expected) in {**ADMIN_EXTRA, **SITE}.items():
        urls[name] = (reverse(name, args=args(world)), expected)
    return urls


def clients(world) -> dict[str, Client]:
    cast = world["cast"]
    return {"anon": Client(), **{role: login(user) for role, user in cast.by_role().items()}}


def test_every_url_is_in_the_table(world, sso):
    covered = {label.split(" [")[0] for label in expected_urls(world)}
    missing = sorted(all_url_names() - covered)
    assert missing == [], f"URLs with no row in the access table: {missing}"


# Whose internal notes each role may not read (permissions.GUARDED_FIELDS).
MAY_NOT_READ_NOTES = {
    "anon": "AB",
    "pcc_a": "B",
    "lead_a": "B",
    "pcc_b": "A",
    "lead_b": "A",
    "viewer": "AB",
    "admin": "",
    "scrutiny_a": "AB",
    "office_a": "AB",
}


def read_every_page(world) -> tuple[list[str], dict[tuple[str, str], bytes], dict[str, Client]]:
    """Every URL of the table requested as every role: the problems found (an answer other than
    the table's, a broken title, template syntax on the page, an internal note shown to a role
    that may not read it), each HTML page answered 200 by (label, role), and the signed-in
    clients. test_access_matrix_writes reads these pages for the forms it posts."""
    problems = []
    seen_markers: set[str] = set()
    pages: dict[tuple[str, str], bytes] = {}
    people = clients(world)
    for label, (url, expected) in expected_urls(world).items():
        for role, client in people.items():
            response = client.get(url)
            status = response.status_code
            want = expected[role]
            ok = status in (403, 404) if want == "4xx" else status == int(want)
            if not ok:
                problems.append(f"{label} as {role}: {status}, expected {want} ({url})")
            if status == 200 and response.get("Content-Type", "").startswith("text/html"):
                pages[(label, role)] = response.content
                # A page's title is words: markup there means a template block went wrong.
                title = response.content.decode().partition("<title>")[2].partition("</title>")[0]
                if "<" in title or not title.strip():
                    problems.append(f"{label} as {role}: title {title[:60]!r}")
                problems.extend(
                    f"{label} as {role}: template syntax {leak!r} printed on the page"
                    for leak in leaked_template_syntax(response.content.decode())
                )
            if status == 200 and not response.streaming:
                text = response.content.decode(errors="replace")
                problems.extend(
                    f"{label} as {role}: shows force {side}'s internal note"
                    for side in MAY_NOT_READ_NOTES[role]
                    if GUARDED_MARKERS[side] in text
                )
                seen_markers.update(side for side in "AB" if GUARDED_MARKERS[side] in text)
    # The check can fail: the roles who may read the notes find them on some page.
    if seen_markers != {"A", "B"}:
        problems.append(f"only force(s) {sorted(seen_markers)}'s notes were found on any page")
    return problems, pages, people


# The reads are checked with the writes, in test_access_matrix_writes (one pass over every page
# serves both: the forms it posts are those on the pages read here).


TEMPLATE_SYNTAX = ("{#", "#}", "{%", "%}", "{{", "}}")


def leaked_template_syntax(html: str) -> list[str]:
    """Template syntax in a rendered page's text: a comment or tag the template language did not
    read (a two-line ``{# #}``, say). Scripts, styles and attributes are left out: their braces
    (JSON in a data attribute) are their own."""
    text = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S | re.I)
    text = re.sub(r"<[^>]*>", " ", text)
    return [marker for marker in TEMPLATE_SYNTAX if marker in text]


def test_the_leak_check_finds_a_two_line_comment():
    page = engines["django"].from_string("<p>{# one line #}a</p>{# two\n lines #}").render()
    assert leaked_template_syntax(page) == ["{#", "#}"]
    assert leaked_template_syntax("<p>plain</p><script>if (a) {{}}</script>") == []
