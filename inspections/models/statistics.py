"""Context figures beside a force's findings: the Home Office's police use of firearms
statistics."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .fields import PlainCharField
from .reference import Force


class FirearmsStatistic(models.Model):
    """One year's Home Office 'Police use of firearms' figures for a force, or for England and
    Wales when no force is given. Editions are revised, so the source is part of the key."""

    force = models.ForeignKey(
        Force,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statistics",
        help_text="Leave empty for the England and Wales total.",
    )
    year_ending = models.DateField(help_text="The end of the statistical year (31 March).")
    firearms_operations = models.PositiveIntegerField(null=True, blank=True)
    arv_operations = models.PositiveIntegerField(
        null=True, blank=True, verbose_name="ARV operations"
    )
    authorised_firearms_officers = models.PositiveIntegerField(
        null=True, blank=True, verbose_name="authorised firearms officers"
    )
    firearms_discharged = models.PositiveIntegerField(null=True, blank=True)
    source = PlainCharField(
        max_length=300, help_text="Which publication or edition the figures come from."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["force__name", "year_ending", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "year_ending", "source"],
                condition=Q(force__isnull=False),
                name="statistic_unique_per_force_year_source",
            ),
            models.UniqueConstraint(
                fields=["year_ending", "source"],
                condition=Q(force__isnull=True),
                name="statistic_unique_national_year_source",
            ),
        ]

    def __str__(self) -> str:
        area = self.force.name if self.force is not None else "England and Wales"
        return f"{area}, year ending {self.year_ending:%-d %B %Y}"
