"""What each endpoint returns. Names follow the models and the brief (``force``,
``implementations``); internal notes are in no schema."""

from __future__ import annotations

import datetime

from ninja import Schema


class Page(Schema):
    next: str | None = None


class InspectionOut(Schema):
    slug: str
    title: str
    short_title: str
    source: str
    inspectorate: str
    published: datetime.date
    sent_on: datetime.date | None
    response_due: datetime.date | None
    addressed_to: str
    url: str


class InspectionPage(Page):
    items: list[InspectionOut]


class FindingOut(Schema):
    id: int
    inspection: str
    kind: str
    number: int
    reference: str
    cause_of_concern: int | None
    scope: str
    addressee: str
    deadline_kind: str
    deadline: datetime.date | None
    deadline_months: int | None
    short_title: str
    text: str


class FindingPage(Page):
    items: list[FindingOut]


class ImplementationOut(Schema):
    id: int
    force: str
    force_name: str
    inspection: str
    source: str
    kind: str
    number: int
    status: str
    state: str
    due_date: datetime.date | None
    target_date: datetime.date | None
    overdue: bool
    due_soon: bool
    next_actor: str
    last_activity: datetime.date | None
    url: str


class ImplementationPage(Page):
    items: list[ImplementationOut]


class ProgressUpdateOut(Schema):
    id: int
    implementation: int
    force: str
    inspection: str
    kind: str
    number: int
    status: str
    as_of: datetime.date
    narrative: str
    evidence_note: str
    returned: bool
    created_at: datetime.datetime


class ProgressUpdatePage(Page):
    items: list[ProgressUpdateOut]


class DependencyOut(Schema):
    key: str
    title: str
    kind: str
    status: str
    expected_date: datetime.date | None
    delivered_date: datetime.date | None
    url: str


class DependencyPage(Page):
    items: list[DependencyOut]


class LetterOut(Schema):
    uuid: str
    force: str
    inspection: str
    purpose: str
    issued_on: datetime.date | None


class LetterPage(Page):
    items: list[LetterOut]


class Problem(Schema):
    detail: str


class LocalActionOut(Schema):
    uuid: str
    implementation: int
    force: str
    description: str
    owner: str
    due_date: datetime.date | None
    status: str
    created_at: datetime.datetime


class LocalActionPage(Page):
    items: list[LocalActionOut]


class ExtensionRequestOut(Schema):
    uuid: str
    implementation: int
    force: str
    due_before: datetime.date
    requested_date: datetime.date
    reason: str
    state: str
    decided_at: datetime.datetime | None
    decision_note: str


class ExtensionRequestPage(Page):
    items: list[ExtensionRequestOut]


class ResponseOut(Schema):
    force: str
    inspection: str
    due: datetime.date
    issued_on: datetime.date | None
    state: str
    words: str


class ResponsePage(Page):
    items: list[ResponseOut]


class MeetingPackOut(Schema):
    uuid: str
    force: str | None
    region: str | None
    meeting_date: datetime.date
    created_at: datetime.datetime
    snapshot: dict[str, object]


class MeetingPackPage(Page):
    items: list[MeetingPackOut]
