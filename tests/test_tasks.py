"""Background work on Django's tasks framework, with the database backend and its worker: a
change queues its notices and returns; the worker sends them. A large meeting pack's files are
written the same way."""

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from inspections import services
from inspections.models import Status

from .conftest import TODAY, record

# The worker closes and reopens its database connection as a real one does, which a test
# inside one transaction cannot survive on PostgreSQL: this one commits as it goes.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_the_worker_sends_what_a_change_queued(
    cast, impl_a, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TRACKER_TODAY = TODAY.isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        record(impl_a, cast.pcc_a, Status.IMPLEMENTED, as_of=TODAY)
        services.review_implementation(
            implementation=impl_a, reviewer=cast.lead_a, sign_off=False, note="Add evidence."
        )
    # The request returned having queued the work, not done it.
    assert not mail.outbox
    task = DBTaskResult.objects.get()
    assert task.task_path == "inspections.reminders.send_outbox_soon"
    run_worker()
    assert [m.to for m in mail.outbox] == [[cast.pcc_a.email]]
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    # Run again: nothing is sent twice.
    run_worker()
    assert len(mail.outbox) == 1
