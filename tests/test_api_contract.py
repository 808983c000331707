"""The API against its own OpenAPI description (issue 28's contract test): schemathesis reads the
description the app serves and generates requests for every operation (valid and invalid query
parameters, bounded), sent in-process with a national key. No response may be a server error, or
break the status codes, content types and schemas the description promises."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from inspections.services import people as people_services
from tracker.wsgi import application

from .conftest import record

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def connection_kept_open():
    """The app is called as WSGI, so Django closes the database connection after each request,
    as a server would; inside a test that connection holds the test's transaction. Django's own
    test client stops that for its requests, and so does this, for these."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def national_key(world):
    cast = world["cast"]
    record(world["A"]["forceimplementation"], cast.pcc_a, narrative="Progress for the contract.")
    return people_services.create_api_key(by=cast.admin, force=None, name="Contract")[1]


@pytest.mark.parametrize(
    ("mode", "checks"),
    [
        (GenerationMode.POSITIVE, CHECKS),
        # Parameters the description does not allow: refused with a 400 in JSON, never a 500.
        (GenerationMode.NEGATIVE, [not_a_server_error, content_type_conformance]),
    ],
)
def test_every_operation_keeps_its_description(national_key, mode, checks):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    headers = {"Authorization": f"Bearer {national_key}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=15,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def keeps_its_description(case) -> None:
            case.call_and_validate(headers=headers, checks=checks)

        keeps_its_description()
