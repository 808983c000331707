"""How many of a force's items wait on each actor, by the month they fall due: the kept tally
the national overdue counts read. Counted from the force's items through their reverse relation,
so that this module needs nothing of the items' own module."""

from collections.abc import Iterable

from django.db import models
from django.db.models import Count
from django.db.models.functions import TruncMonth

from .choices import ActionStatus, OverdueKind
from .reference import Force


class ActorTallyQuerySet(models.QuerySet["ActorTally"]):
    def refresh(self, force_ids: Iterable[int]) -> None:
        """Count again, for these forces, their items per actor and month due: what the paths
        that change who acts next or a due date, or add or remove items, call. One DELETE and
        one INSERT."""
        forces = sorted(set(force_ids))
        if not forces:
            return
        self.filter(force_id__in=forces).delete()
        counted = (
            Force.objects.filter(pk__in=forces, implementations__isnull=False)
            .annotate(
                month=TruncMonth("implementations__due_date", output_field=models.DateField())
            )
            .values_list("pk", "implementations__next_actor", "month")
            .annotate(items=Count("implementations"))
            .order_by()
        )
        self.bulk_create(
            [
                self.model(force_id=force_id, next_actor=actor, due_month=month, items=items)
                for force_id, actor, month, items in counted
            ]
        )


class ActorTally(models.Model):
    """How many of a force's items wait on each actor (``next_actor``), by the month they fall
    due, kept in step with them. A national overdue count is then a sum over the past months'
    tallies (a number bounded by the calendar, not the data) and a count of this month's
    overdue items, rather than a count of every overdue item, which grows with the data."""

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="actor_tallies")
    next_actor = models.CharField(max_length=30, choices=OverdueKind.choices, blank=True)
    due_month = models.DateField(
        null=True, blank=True, help_text="The first day of the month the items fall due."
    )
    items = models.PositiveIntegerField()

    objects = ActorTallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["force", "next_actor", "due_month"],
                name="actor_tally_unique",
            )
        ]
        indexes = [models.Index(fields=["next_actor", "due_month"], name="actor_tally_month_idx")]

    def __str__(self) -> str:
        return f"{self.force_id} {self.next_actor or 'closed'} {self.due_month}: {self.items}"


class ActionTallyQuerySet(models.QuerySet["ActionTally"]):
    def refresh(self, force_ids: Iterable[int]) -> None:
        """Count again, for these forces, their local actions by status: what the path that
        adds an action or changes its status calls. One DELETE and one INSERT."""
        forces = sorted(set(force_ids))
        if not forces:
            return
        self.filter(force_id__in=forces).delete()
        counted = (
            Force.objects.filter(pk__in=forces, local_actions__isnull=False)
            .values_list("pk", "local_actions__status")
            .annotate(items=Count("local_actions"))
            .order_by()
        )
        self.bulk_create(
            [
                self.model(force_id=force_id, status=status, items=items)
                for force_id, status, items in counted
            ]
        )


class ActionTally(models.Model):
    """How many of a force's local actions stand at each status, kept in step with them: the
    actions report's counts read these (a number bounded by the forces and statuses) rather
    than counting every action, which grows with the data."""

    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="action_tallies")
    status = models.CharField(max_length=30, choices=ActionStatus.choices)
    items = models.PositiveIntegerField()

    objects = ActionTallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["force", "status"], name="action_tally_unique"),
            models.CheckConstraint(
                name="action_tally_status_valid", condition=models.Q(status__in=ActionStatus.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.force_id} {self.status}: {self.items}"
