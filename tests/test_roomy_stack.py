"""Room on CPython's frame stack (inspections/roomy_stack.py): what it calls runs as if called
directly, and deep calls beneath it stop mapping memory afresh."""

import resource
import threading
import wsgiref.util

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from inspections.roomy_stack import RoomyWSGI, with_room


def dive(depth: int) -> int:
    return 0 if depth == 0 else 1 + dive(depth - 1)


def minor_faults_while(work) -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    work()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_the_call_is_the_functions_own():
    assert with_room(divmod, 17, 5) == (3, 2)
    assert with_room(dict, a=1) == {"a": 1}
    with pytest.raises(ZeroDivisionError):
        with_room(divmod, 1, 0)


def test_deep_calls_beneath_it_map_no_new_memory():
    """Three hundred frames deep and back, two thousand times (as template rendering goes): on
    a Python without the fix for gh-142183, called directly, that is thousands of page faults
    (two chunks mapped afresh each time); beneath the large frame, almost none. On a Python with
    the fix neither faults, and this still holds."""

    def dives():
        for _ in range(2000):
            dive(300)

    def in_a_new_thread(work) -> int:
        """The faults while ``work`` runs in a thread of its own: a frame stack that starts
        empty, without the room this suite's tests run in (conftest.py)."""
        counted: list[int] = []
        thread = threading.Thread(target=lambda: counted.append(minor_faults_while(work)))
        thread.start()
        thread.join()
        return counted[0]

    in_a_new_thread(lambda: with_room(dives))  # the first run may touch memory new to the process
    assert in_a_new_thread(lambda: with_room(dives)) < 100


@pytest.fixture
def connection_kept():
    """As Django's test client does: the request must not close the connection this test's
    transaction is on (on PostgreSQL the health check then finds no database)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_wsgi_application_answers_through_it(db, connection_kept):
    from tracker.wsgi import application

    assert isinstance(application, RoomyWSGI)
    environ: dict = {"PATH_INFO": "/healthz/"}
    wsgiref.util.setup_testing_defaults(environ)
    answered: list[str] = []
    body = b"".join(application(environ, lambda status, headers: answered.append(status)))
    assert answered == ["200 OK"], body[:200]
