"""The daily (or weekly) digest for each force, and the notice sent when national work a force
was waiting on is delivered. Every list uses the same definitions as the pages."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from . import teams
from .addresses import absolute, item_url
from .models import (
    FORCE_ROLES,
    Dependency,
    DigestDelivery,
    DigestFrequency,
    Force,
    ForceImplementation,
    Inspection,
    OutboundEmail,
    OutboundPost,
    ProgressUpdate,
    Responder,
    Role,
    TargetDateRevision,
    TeamsChannel,
    User,
)
from .models.attention import due_soon_window
from .responses.queries import ResponseReminder, response_reminders


@dataclass
class Digest:
    force: Force
    today: datetime.date
    since: datetime.date
    became_overdue: list[ForceImplementation] = field(default_factory=list)
    due_soon: list[ForceImplementation] = field(default_factory=list)
    needs_review: list[ForceImplementation] = field(default_factory=list)
    stale: list[ForceImplementation] = field(default_factory=list)
    updates: list[ProgressUpdate] = field(default_factory=list)
    revisions: list[TargetDateRevision] = field(default_factory=list)
    # Each report's response clock (s.55 for an inspection): 28 or 7 days from due, or just
    # past it, not yet sent.
    responses: list[ResponseReminder] = field(default_factory=list)

    @property
    def due_soon_days(self) -> int:
        return due_soon_window()

    @property
    def item_count(self) -> int:
        return sum(
            len(items)
            for items in (
                self.became_overdue,
                self.due_soon,
                self.needs_review,
                self.stale,
                self.updates,
                self.revisions,
                self.responses,
            )
        )

    @property
    def subject(self) -> str:
        parts = []
        # Named by the first response's duty ("s.55 response", "response to the coroner").
        late = [r for r in self.responses if r.kind == "late"]
        if late:
            parts.append(f"{late[0].inspection.duty.name} late")
        elif self.responses:
            parts.append(f"{self.responses[0].inspection.duty.name} due")
        if self.became_overdue:
            parts.append(f"{len(self.became_overdue)} newly overdue")
        if self.needs_review:
            parts.append(f"{len(self.needs_review)} to review")
        if self.due_soon:
            parts.append(f"{len(self.due_soon)} due soon")
        summary = ", ".join(parts) or "what changed"
        return f"{self.force.name}: {summary} ({self.today:%-d %b %Y})"

    @property
    def links(self) -> dict[str, str]:
        query = f"?force={self.force.slug}"
        return {
            "force": absolute(reverse("force", args=[self.force.slug])),
            "overdue": absolute(reverse("overdue") + query),
            "due_soon": absolute(reverse("due-soon") + query),
            "dependencies": absolute(reverse("dependencies") + query),
            "letters": absolute(reverse("letters")),
        }


def in_digest_order(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Items as a digest lists them: by report and finding, each with its finding."""
    return queryset.select_related("recommendation__inspection").order_by(
        "recommendation__inspection__slug", "recommendation__number"
    )


def build_digest(force: Force, today: datetime.date, since: datetime.date) -> Digest:
    """What the force should know today, and what changed on or after ``since``."""
    items = ForceImplementation.objects.filter(force=force)
    return Digest(
        force=force,
        today=today,
        since=since,
        # Due before today, but not before the previous digest: these crossed the line.
        became_overdue=list(in_digest_order(items.overdue(today).filter(due_date__gte=since))),
        due_soon=list(in_digest_order(items.due_soon(today))),
        needs_review=list(in_digest_order(items.needs_review())),
        stale=list(in_digest_order(items.stale(today))),
        updates=list(
            ProgressUpdate.objects.filter(implementation__force=force, created_at__date__gte=since)
            .select_related("implementation__recommendation", "author")
            .order_by("created_at")
        ),
        revisions=list(
            TargetDateRevision.objects.filter(
                implementation__force=force, changed_at__date__gte=since
            )
            .select_related("implementation__recommendation", "changed_by")
            .order_by("changed_at")
        ),
        responses=response_reminders(force, today, since),
    )


def recipients(force: Force) -> QuerySet[Any]:
    return User.objects.filter(force=force, role__in=sorted(FORCE_ROLES), is_active=True).exclude(
        email=""
    )


def due_today(user: User, today: datetime.date) -> bool:
    if user.digest_frequency == DigestFrequency.DAILY:
        return True
    return user.digest_frequency == DigestFrequency.WEEKLY and today.weekday() == 0


def period_start(frequency: str, today: datetime.date) -> datetime.date:
    return today - datetime.timedelta(days=7 if frequency == DigestFrequency.WEEKLY else 1)


@dataclass
class SendReport:
    sent: list[tuple[str, str]] = field(default_factory=list)
    would_send: list[tuple[str, str, int]] = field(default_factory=list)
    already_sent: int = 0
    nothing_to_say: int = 0


def send_digests(*, today: datetime.date, dry_run: bool = False) -> SendReport:
    """Send each due person their force's digest once a day; record each one sent."""
    report = SendReport()
    already = set(DigestDelivery.objects.filter(sent_on=today).values_list("user_id", flat=True))
    digests: dict[tuple[int, str], Digest] = {}
    users = (
        User.objects.filter(role__in=sorted(FORCE_ROLES), is_active=True, force__isnull=False)
        .exclude(email="")
        .exclude(digest_frequency=DigestFrequency.NONE)
        .select_related("force")
        .order_by("force__name", "username")
    )
    for user in users:
        if not due_today(user, today):
            continue
        if user.pk in already:
            report.already_sent += 1
            continue
        force = user.force
        if force is None:  # the query asks for a force: never, but the type allows it
            continue
        key = (force.pk, user.digest_frequency)
        if key not in digests:
            digests[key] = build_digest(force, today, period_start(user.digest_frequency, today))
        digest = digests[key]
        if not digest.item_count:
            report.nothing_to_say += 1
            continue
        if dry_run:
            report.would_send.append((user.email, digest.subject, digest.item_count))
            continue
        if send_one(user, digest, today):
            report.sent.append((user.email, digest.subject))
        else:
            report.already_sent += 1
    if not dry_run:
        post_digest_cards(today)
    return report


def digest_card(digest: Digest) -> dict[str, object]:
    return teams.card(
        title=f"{digest.force.name}: {digest.subject}",
        facts=[
            ("Newly overdue", str(len(digest.became_overdue))),
            (f"Due in the next {digest.due_soon_days} days", str(len(digest.due_soon))),
            ("Need review", str(len(digest.needs_review))),
            ("Stale", str(len(digest.stale))),
            ("Updates recorded", str(len(digest.updates))),
            ("Responses due or late", str(len(digest.responses))),
        ],
        link=("Open the force's page", absolute(reverse("force", args=[digest.force.slug]))),
    )


def post_digest_cards(today: datetime.date) -> None:
    """Each office with a Teams channel gets its force's daily digest there once a day."""
    for channel in TeamsChannel.objects.select_related("force"):
        topic = f"digest-{channel.force_id}-{today:%Y%m%d}"
        if OutboundPost.objects.filter(about=topic).exists():
            continue
        digest = build_digest(channel.force, today, period_start(DigestFrequency.DAILY, today))
        if digest.item_count:
            OutboundPost.objects.create(
                about=topic, force_id=channel.force_id, card=digest_card(digest)
            )
            send_posts(about=topic, report=OutboxReport())


def send_one(user: User, digest: Digest, today: datetime.date) -> bool:
    """Record first, then send, in one transaction: a crash leaves neither, and a second
    process racing this one fails on the unique record instead of sending twice."""
    try:
        with transaction.atomic():
            DigestDelivery.objects.create(
                user=user, sent_on=today, frequency=user.digest_frequency, items=digest.item_count
            )
            body = render_to_string(
                "emails/digest.txt",
                {"digest": digest, "user": user, "account_link": absolute(reverse("account"))},
            )
            EmailMessage(subject=digest.subject, body=body, to=[user.email]).send()
    except IntegrityError:
        return False
    return True


def queue_dependency_closed(
    dependency: Dependency, implementations: Iterable[ForceImplementation]
) -> list[OutboundEmail]:
    """Queue a notice to each affected force that items waiting on this dependency now need
    review. Saved with the change (call inside its transaction); sent by send_outbox."""
    by_force: dict[int, list[ForceImplementation]] = {}
    for implementation in implementations:
        by_force.setdefault(implementation.force_id, []).append(implementation)
    if not by_force:
        return []
    forces = Force.objects.in_bulk(list(by_force))
    queued = []
    for force_id, items in sorted(by_force.items()):
        force = forces[force_id]
        queue_card(
            force_id=force.pk,
            about=dependency_topic(dependency),
            adaptive=teams.card(
                title=f"{force.name}: {dependency.title} is "
                f"{dependency.get_status_display().lower()}",
                text=f"{len(items)} item{'s'[: len(items) != 1]} waiting on it now need review.",
                link=("Review them", absolute(reverse("dependencies") + f"?force={force.slug}")),
            ),
        )
        emails = list(recipients(force).values_list("email", flat=True))
        if not emails:
            continue
        body = render_to_string(
            "emails/dependency_closed.txt",
            {
                "dependency": dependency,
                "force": force,
                "items": [
                    {"recommendation": i.recommendation, "link": absolute(item_url(i))}
                    for i in sorted(items, key=lambda i: i.recommendation.number)
                ],
                "link": absolute(reverse("dependencies") + f"?force={force.slug}"),
            },
        )
        queued.append(
            OutboundEmail(
                about=dependency_topic(dependency),
                subject=f"{force.name}: {dependency.title} is "
                f"{dependency.get_status_display().lower()} – items to review",
                body=body,
                to="\n".join(sorted(emails)),
            )
        )
    return OutboundEmail.objects.bulk_create(queued)


def queue_review_notice(*, update: ProgressUpdate, signed_off: bool, note: str) -> str:
    """Tell the force's PCC staff at once that an item was signed off or returned to them."""
    implementation = update.implementation
    force = implementation.force
    topic = f"review-{update.pk}"
    recommendation = implementation.recommendation
    outcome = "signed off as complete" if signed_off else "returned to you"
    queue_card(
        force_id=force.pk,
        about=topic,
        adaptive=teams.card(
            title=f"{force.name}: {recommendation.reference_in_text} "
            + ("signed off as complete" if signed_off else "returned to PCC staff"),
            text=note.strip(),
            facts=[
                ("Report", recommendation.inspection.list_name),
                ("As of", f"{update.as_of:%-d %B %Y}"),
            ],
            link=("Open the item", absolute(item_url(implementation))),
        ),
    )
    emails = sorted(recipients(force).filter(role="pcc_staff").values_list("email", flat=True))
    if not emails:
        return topic
    body = render_to_string(
        "emails/review.txt",
        {
            "update": update,
            "signed_off": signed_off,
            "note": note.strip(),
            "recommendation": recommendation,
            "force": force,
            "link": absolute(item_url(implementation)),
        },
    )
    OutboundEmail.objects.create(
        about=topic,
        subject=f"{force.name}: {recommendation.reference_in_text} {outcome}",
        body=body,
        to="\n".join(emails),
    )
    return topic


def response_topic(inspection: Inspection) -> str:
    """One notice per report and due date: a new date (a new publication day, an extension)
    is a new notice, the same date again is not."""
    due = inspection.response_due
    return f"response-due-{inspection.pk}-{due:%Y%m%d}" if due else f"response-due-{inspection.pk}"


def queue_response_due(inspection: Inspection) -> str:
    """Tell the PCC staff of each force the report is addressed to (and its force leads, where
    the force answers) the date the response its source asks for is due. Saved with the change
    (call inside its transaction); sent by send_outbox."""
    topic = response_topic(inspection)
    due = inspection.response_due
    duty = inspection.duty
    if due is None or inspection.is_sample:
        return topic
    roles = [Role.PCC_STAFF] + ([Role.FORCE_LEAD] if duty.responder == Responder.FORCE else [])
    staff = (
        User.objects.filter(
            role__in=roles, is_active=True, force__in=Force.objects.addressed_by(inspection)
        )
        .exclude(email="")
        .select_related("force")
        .order_by("force__name", "email")
    )
    by_force: dict[Force, list[User]] = {}
    for user in staff:
        if user.force is not None:
            by_force.setdefault(user.force, []).append(user)
    queued = []
    for force in Force.objects.addressed_by(inspection).order_by("name"):
        queue_card(
            force_id=force.pk,
            about=topic,
            adaptive=teams.card(
                title=f"{force.name}: {duty.name} to {inspection.list_name} due by {due:%-d %B %Y}",
                text=f"The {duty.name} goes to {duty.recipient}, {duty.period_words} ({duty.law}).",
                link=("Letters", absolute(reverse("letters"))),
            ),
        )
    for force, users in by_force.items():
        body = render_to_string(
            "emails/response_due.txt",
            {
                "inspection": inspection,
                "duty": duty,
                "force": force,
                "due": due,
                "link": absolute(reverse("letters")),
            },
        )
        queued.append(
            OutboundEmail(
                about=topic,
                subject=f"{force.name}: {duty.name} to {inspection.list_name} due by "
                f"{due:%-d %B %Y}",
                body=body,
                to="\n".join(user.email for user in users),
            )
        )
    OutboundEmail.objects.bulk_create(queued)
    return topic


def dependency_topic(dependency: Dependency) -> str:
    return f"dependency-{dependency.pk}"


@dataclass
class OutboxReport:
    sent: list[OutboundEmail] = field(default_factory=list)
    failed: list[OutboundEmail] = field(default_factory=list)
    posted: list[OutboundPost] = field(default_factory=list)
    not_posted: list[OutboundPost] = field(default_factory=list)


def queue_card(*, force_id: int, about: str, adaptive: dict[str, object]) -> OutboundPost | None:
    """Queue a card for the force's Teams channel, if it has one (saved with the change, like
    an email; sent by send_outbox)."""
    if not TeamsChannel.objects.filter(force_id=force_id).exists():
        return None
    return OutboundPost.objects.create(about=about, force_id=force_id, card=adaptive)


def send_posts(
    *, about: str | None = None, force_id: int | None = None, report: OutboxReport
) -> None:
    """Post every queued card (or those about one thing), each locked while it goes; a failure
    is kept, with Teams' answer, for the office to see and the next run to retry."""
    pending = OutboundPost.objects.unsent()
    if about is not None:
        pending = pending.filter(about=about)
    if force_id is not None:
        pending = pending.filter(force_id=force_id)
    for pk in list(pending.values_list("pk", flat=True)):
        with transaction.atomic():
            post = OutboundPost.objects.select_for_update().filter(pk=pk).first()
            if post is None or post.sent_at is not None:
                continue
            post.attempts += 1
            channel = TeamsChannel.objects.filter(force_id=post.force_id).first()
            try:
                if channel is None:
                    raise teams.WebhookRefused("The office has no Teams channel set now.")
                teams.post(channel.webhook_url, post.card)
            except teams.WebhookRefused as error:
                post.last_error = str(error)[:2000]
                post.save(update_fields=["attempts", "last_error"])
                report.not_posted.append(post)
                continue
            post.sent_at = timezone.now()
            post.last_error = ""
            post.save(update_fields=["attempts", "last_error", "sent_at"])
            report.posted.append(post)


@task()
def send_outbox_soon(about: str | None = None) -> int:
    """The outbox, sent by the background worker (``django.tasks``) just after the change that
    queued its notices was saved; the daily run sends whatever this could not."""
    report = send_outbox(about=about)
    return len(report.sent) + len(report.posted)


def send_outbox(*, about: str | None = None) -> OutboxReport:
    """Send every queued email (or those about one thing). Each is locked while it is sent, so
    two runs never send the same one; a failure is recorded and left for the next run."""
    report = OutboxReport()
    pending = OutboundEmail.objects.unsent()
    if about is not None:
        pending = pending.filter(about=about)
    for pk in list(pending.values_list("pk", flat=True)):
        with transaction.atomic():
            email = OutboundEmail.objects.select_for_update().filter(pk=pk).first()
            if email is None or email.sent_at is not None:
                continue
            email.attempts += 1
            try:
                EmailMessage(subject=email.subject, body=email.body, to=email.recipients).send()
            except Exception as error:  # any transport failure: keep it for the next run
                email.last_error = f"{type(error).__name__}: {error}"[:2000]
                email.save(update_fields=["attempts", "last_error"])
                report.failed.append(email)
                continue
            email.sent_at = timezone.now()
            email.last_error = ""
            email.save(update_fields=["attempts", "last_error", "sent_at"])
            report.sent.append(email)
    send_posts(about=about, report=report)
    return report
