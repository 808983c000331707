"""The derived states of an implementation (overdue of each kind, due soon, needs review, stale,
who acts next) as SQL conditions: one definition each, used both to filter rows and to count them,
and the queryset that asks for them and keeps the columns they read in step."""

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat

from .choices import (
    CLOSED_STATUSES,
    DATED_DEADLINES,
    OVERDUE_KIND_STATUSES,
    DeadlineKind,
    DependencyStatus,
    ItemState,
    OverdueKind,
    Status,
)
from .findings import ExtensionRequest
from .reference import Dependency, Recommendation
from .tallies import ActorTally
from .updates import LATEST_FIRST, ProgressUpdate

if TYPE_CHECKING:
    # For the queryset's type parameter below (a string: progress.py, which defines the
    # model, imports this module).
    from .progress import ForceImplementation  # noqa: F401


def due_date_expression(prefix: str = "recommendation__") -> Case:
    """A finding's deadline as a date, in SQL: the date kept for a dated form (a date, 'by
    <month>', 'within N months'), or publication day for 'with immediate effect'; none for a
    finding without a deadline. One definition for every query that needs it."""
    return Case(
        When(
            **{f"{prefix}deadline_kind__in": sorted(DATED_DEADLINES)},
            then=F(f"{prefix}deadline"),
        ),
        When(
            **{f"{prefix}deadline_kind": DeadlineKind.IMMEDIATE},
            then=F(f"{prefix}inspection__published"),
        ),
        default=Value(None),
        output_field=DateField(),
    )


def due_soon_window(days: int | None = None) -> int:
    return settings.TRACKER_DUE_SOON_DAYS if days is None else days


def stale_after(days: int | None = None) -> int:
    return settings.TRACKER_STALE_AFTER_DAYS if days is None else days


# Between the dependencies of ``with_waiting_on``, and between each one's title and status:
# control characters, which no title may hold. (SQLite before 3.44 cannot order inside an
# aggregate, so they are sorted here.)
DEPENDENCY_SEPARATOR = "\x1f"
STATUS_SEPARATOR = "\x1e"


def waiting_on_list(joined: str | None) -> list[tuple[str, str]]:
    """What an item waits on, from ``with_waiting_on``: (title, status) by title."""
    if not joined:
        return []
    pairs = (part.split(STATUS_SEPARATOR, 1) for part in joined.split(DEPENDENCY_SEPARATOR))
    return sorted((title, status) for title, status in pairs)


class Attention:
    """The derived states of the design brief as SQL conditions, the one definition used both to
    filter rows and to count them."""

    @staticmethod
    def open() -> Q:
        return ~Q(status__in=sorted(CLOSED_STATUSES))

    @classmethod
    def overdue(cls, today: datetime.date) -> Q:
        return cls.open() & Q(due_date__lt=today)

    @classmethod
    def overdue_of_kind(cls, today: datetime.date, kind: str) -> Q:
        """Who must act next. An item whose dependencies have all been delivered is waiting on
        nothing: it is the force's own to review, so it counts as within the force's control."""
        return Q(next_actor=kind, due_date__lt=today)

    @classmethod
    def due_soon(cls, today: datetime.date, days: int | None = None) -> Q:
        end = today + datetime.timedelta(days=due_soon_window(days))
        return cls.open() & Q(due_date__gte=today, due_date__lte=end)

    @staticmethod
    def awaiting_dependency() -> Q:
        return Q(status=Status.AWAITING_DEPENDENCY)

    @staticmethod
    def pending_blockers() -> Exists:
        """At least one dependency the item names is still pending."""
        return Exists(
            Dependency.objects.filter(
                blocked_implementations=OuterRef("pk"), status=DependencyStatus.PENDING
            )
        )

    @classmethod
    def state(cls) -> Case:
        """What every view calls the item's state (``ItemState``): its status, except that an
        item awaiting dependencies none of which is still pending needs review, and one whose
        latest update sent it back to PCC staff is returned (a fact about that update). Kept in the
        ``state`` column beside ``next_actor``, in the same UPDATE."""
        latest_returned = Subquery(
            ProgressUpdate.objects.filter(implementation=OuterRef("pk"))
            .order_by(*LATEST_FIRST)
            .values("returned")[:1],
            output_field=BooleanField(),
        )
        return Case(
            When(
                Q(status=Status.AWAITING_DEPENDENCY) & ~Q(cls.pending_blockers()),
                then=Value(ItemState.NEEDS_REVIEW),
            ),
            When(
                Q(status=Status.IN_PROGRESS) & Q(latest_returned),
                then=Value(ItemState.RETURNED),
            ),
            default=F("status"),
            output_field=models.CharField(),
        )

    @classmethod
    def next_actor(cls) -> Case:
        """Who must act next, from the status and the dependencies' statuses: the one definition,
        kept in the ``next_actor`` column (``refresh_next_actors``) so that reports filter and
        order on an index. An item whose dependencies have all been delivered or withdrawn is
        the force's own again (it needs review); a closed item waits on no one."""
        pending_blockers = cls.pending_blockers()
        return Case(
            When(
                status__in=OVERDUE_KIND_STATUSES[OverdueKind.WITHIN_CONTROL],
                then=Value(OverdueKind.WITHIN_CONTROL),
            ),
            When(
                Q(status=Status.AWAITING_DEPENDENCY) & Q(pending_blockers),
                then=Value(OverdueKind.AWAITING_DEPENDENCY),
            ),
            When(status=Status.AWAITING_DEPENDENCY, then=Value(OverdueKind.WITHIN_CONTROL)),
            When(
                status__in=OVERDUE_KIND_STATUSES[OverdueKind.AWAITING_SIGN_OFF],
                then=Value(OverdueKind.AWAITING_SIGN_OFF),
            ),
            default=Value(""),
            output_field=models.CharField(),
        )

    @classmethod
    def still_blocked(cls) -> Q:
        """Awaiting a dependency, and at least one it names is still pending."""
        return Q(next_actor=OverdueKind.AWAITING_DEPENDENCY)

    @classmethod
    def needs_review(cls) -> Q:
        """Awaiting a dependency, but nothing it names is still pending (``state``)."""
        return Q(state=ItemState.NEEDS_REVIEW)

    @classmethod
    def needs_review_flag(cls) -> Case:
        """``needs_review`` as a value to annotate each row with."""
        return Case(
            When(cls.needs_review(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )

    @staticmethod
    def target_beyond_due() -> Q:
        """Open, with the force's target date after the date the item falls due: it needs a
        reason, and lists flag it (with *Ask for more time* offered)."""
        return Attention.open() & Q(target_date__gt=F("due_date"))

    @classmethod
    def target_beyond_due_flag(cls) -> Case:
        return Case(
            When(cls.target_beyond_due(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )

    @staticmethod
    def complete() -> Q:
        return Q(status=Status.COMPLETE)

    @classmethod
    def stale(cls, today: datetime.date, days: int | None = None) -> Q:
        """Open, and either past the force's own target date or without an update for ``days``
        (counted from publication when there has never been one)."""
        quiet_since = today - datetime.timedelta(days=stale_after(days))
        return cls.open() & (Q(target_date__lt=today) | Q(last_activity__lt=quiet_since))


def kept_dates() -> dict[str, Any]:
    """The dates an implementation keeps, as SQL for an UPDATE. The date it falls due: the
    latest approved extension's date, else its finding's deadline, else the date the office
    agreed for a finding without one. Its last activity: its latest update's date, else
    publication day."""
    computed = (
        Recommendation.objects.filter(pk=OuterRef("recommendation_id"))
        .annotate(computed_due=due_date_expression(prefix=""))
        .values("computed_due")[:1]
    )
    # An approved extension moves the date; the latest decision wins.
    extended = (
        ExtensionRequest.objects.approved()
        .filter(implementation=OuterRef("pk"))
        .order_by("-decided_at", "-id")
        .values("requested_date")[:1]
    )
    published = Recommendation.objects.filter(pk=OuterRef("recommendation_id")).values(
        "inspection__published"
    )[:1]
    return {
        "due_date": Coalesce(
            Subquery(extended, output_field=DateField()),
            Subquery(computed, output_field=DateField()),
            F("agreed_due_date"),
        ),
        "last_activity": Coalesce(
            F("latest_update_on"), Subquery(published, output_field=DateField())
        ),
    }


# The items whose kept columns wait to be worked out at the end of ``refreshes_deferred``.
_deferred: ContextVar[dict[type[models.Model], set[int]] | None] = ContextVar(
    "kept_refresh_deferred", default=None
)


@contextmanager
def refreshes_deferred() -> Iterator[None]:
    """For a loader that records hundreds of updates through the services: every item they
    touch has its kept columns and its force's tallies worked out once, in one UPDATE, when the
    block ends without an error, rather than after each write (two thirds of the demo data's
    time went on those). Inside the block the kept columns are stale: nothing in it may read
    them."""
    pending: dict[type[models.Model], set[int]] = {}
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    for model, pks in pending.items():
        ImplementationQuerySet(model=model).filter(pk__in=sorted(pks)).refresh_kept()


def kept_actors() -> dict[str, Any]:
    """The kept ``next_actor`` and ``state`` columns, as ``Attention`` defines them."""
    return {"next_actor": Attention.next_actor(), "state": Attention.state()}


class ImplementationQuerySet(models.QuerySet["ForceImplementation"]):
    """Rows in each derived state, with "today" passed in so tests and reports agree on the date."""

    def refresh_dates(self) -> int:
        """Set each row's kept dates (``kept_dates``) and its forces' tallies. What the services
        call whenever a deadline, a publication date, an extension or a latest update changes."""
        return self._refresh(kept_dates)

    def refresh_next_actors(self) -> int:
        """Set each row's ``next_actor`` and ``state`` from its status and dependencies, and its
        forces' tallies. What the services call whenever a status, an item's dependencies or a
        dependency's status changes."""
        return self._refresh(kept_actors)

    def refresh_kept(self) -> int:
        """Both of the above in one UPDATE, and the tallies once: after an update is recorded
        (it sets the status, the dependencies and the latest update's date at once)."""
        return self._refresh(lambda: kept_actors() | kept_dates())

    def _refresh(self, columns: Callable[[], dict[str, Any]]) -> int:
        """One UPDATE whatever the number of rows, then each of their forces' items counted
        again by actor and month due (``ActorTally``). Inside ``refreshes_deferred`` the rows
        are only noted (before any expression is built), and the number noted is returned."""
        pending = _deferred.get()
        if pending is not None:
            pks = list(self.values_list("pk", flat=True))
            pending.setdefault(self.model, set()).update(pks)
            return len(pks)
        changed = self.update(**columns())
        # Without order_by() the items' default ordering joins the force, the finding and the
        # report into the DISTINCT, for nothing.
        ActorTally.objects.refresh(self.order_by().values_list("force_id", flat=True).distinct())
        return changed

    def with_waiting_on(self) -> "ImplementationQuerySet":
        """``waiting_on_joined``: what each row waits on (titles and statuses) in one string,
        from a subquery rather than a prefetch of every dependency row (``waiting_on_list``
        reads it)."""
        titles = (
            Dependency.objects.filter(blocked_implementations=OuterRef("pk"))
            .values("blocked_implementations")
            .annotate(
                titles=StringAgg(
                    Concat("title", Value(STATUS_SEPARATOR), "status"),
                    Value(DEPENDENCY_SEPARATOR),
                )
            )
            .values("titles")
        )
        return self.annotate(waiting_on_joined=Subquery(titles, output_field=models.TextField()))

    def open(self) -> "ImplementationQuerySet":
        return self.filter(Attention.open())

    def overdue(self, today: datetime.date) -> "ImplementationQuerySet":
        return self.filter(Attention.overdue(today))

    def overdue_of_kind(self, today: datetime.date, kind: str) -> "ImplementationQuerySet":
        return self.filter(Attention.overdue_of_kind(today, kind))

    def with_overdue_flag(self, today: datetime.date) -> "ImplementationQuerySet":
        return self.annotate(
            is_overdue=Case(
                When(Attention.overdue(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )

    def with_due_soon_flag(self, today: datetime.date) -> "ImplementationQuerySet":
        return self.annotate(
            is_due_soon=Case(
                When(Attention.due_soon(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )

    def due_soon(self, today: datetime.date, days: int | None = None) -> "ImplementationQuerySet":
        return self.filter(Attention.due_soon(today, days))

    def awaiting_dependency(self) -> "ImplementationQuerySet":
        return self.filter(Attention.awaiting_dependency())

    def needs_review(self) -> "ImplementationQuerySet":
        return self.filter(Attention.needs_review())

    def still_blocked(self) -> "ImplementationQuerySet":
        return self.filter(Attention.still_blocked())

    def stale(self, today: datetime.date, days: int | None = None) -> "ImplementationQuerySet":
        return self.filter(Attention.stale(today, days))

    def with_stale_flag(self, today: datetime.date) -> "ImplementationQuerySet":
        return self.annotate(
            is_stale=Case(
                When(Attention.stale(today), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
