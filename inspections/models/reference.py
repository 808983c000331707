"""What the inspectorate and the police landscape give us: forces, inspections, recommendations,
the national work that local recommendations wait on, and context statistics."""

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import Truncator
from simple_history.models import HistoricalRecords

from inspections.text import LETTER_PART_MAX, NOTE_MAX

from .choices import (
    Addressee,
    DeadlineKind,
    DependencyKind,
    DependencyStatus,
    Governance,
    Scope,
)
from .fields import PlainCharField, PlainTextField

# Police Act 1996 s.55: comments are due within 56 days *beginning with* the day of publication,
# so the last day is publication + 55.
RESPONSE_PERIOD_DAYS = 56


class Region(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Force(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True, help_text="Used in page addresses.")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="forces")
    governance = models.CharField(
        max_length=20,
        choices=Governance.choices,
        help_text="Who the local policing body is: a PCC, a PFCC, a mayor or a police authority.",
    )
    local_policing_body = PlainCharField(
        max_length=200,
        help_text="The body's formal name, e.g. 'West Mercia Police and Crime Commissioner'.",
    )
    commissioner_name = PlainCharField(
        max_length=200,
        blank=True,
        help_text="Who signs the force's letters now, e.g. 'John Campion'.",
    )
    commissioner_title = PlainCharField(
        max_length=200,
        blank=True,
        help_text="The signatory's title as it appears under the signature, e.g. 'Police and "
        "Crime Commissioner'.",
    )
    chief_constable_name = PlainCharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def short_name(self) -> str:
        """'West Mercia' from 'West Mercia Police': how letters refer to the area."""
        for suffix in (" Police Service", " Constabulary", " Police"):
            if self.name.endswith(suffix):
                return self.name.removesuffix(suffix)
        return self.name


class InspectionQuerySet(models.QuerySet["Inspection"]):
    def real(self) -> "InspectionQuerySet":
        return self.filter(is_sample=False)

    def default_choice(self) -> "Inspection | None":
        """What pages show when nobody chose: the latest real report, never a sample one."""
        return self.order_by("is_sample", "-published", "title").first()


class Inspection(models.Model):
    title = PlainCharField(max_length=300)
    short_title = PlainCharField(
        max_length=60,
        blank=True,
        help_text="A few words for lists and tables, e.g. 'Firearms 2023'. The title is used "
        "when this is empty.",
    )
    is_sample = models.BooleanField(
        default=False,
        help_text="Training or demonstration data, not a real report: never chosen by default.",
    )
    slug = models.SlugField(max_length=100, unique=True, help_text="Used in page addresses.")
    inspectorate = PlainCharField(max_length=100, default="HMICFRS")
    published = models.DateField(help_text="The day the report was published.")
    url = models.URLField(blank=True, help_text="Where the report can be read.")
    summary = PlainTextField(
        max_length=LETTER_PART_MAX,
        blank=True,
        help_text="One or two sentences on what the inspection examined, for letters' opening.",
    )

    history = HistoricalRecords()
    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def list_name(self) -> str:
        return self.short_title or self.title

    @property
    def response_due(self) -> datetime.date | None:
        """Last day for the local policing body's s.55 comments (None until published is set)."""
        if self.published is None:
            return None
        return self.published + datetime.timedelta(days=RESPONSE_PERIOD_DAYS - 1)


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def local(self) -> "RecommendationQuerySet":
        return self.filter(scope=Scope.LOCAL)


class Recommendation(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="recommendations"
    )
    number = models.PositiveSmallIntegerField(help_text="As numbered in the report.")
    short_title = PlainCharField(
        max_length=120,
        blank=True,
        help_text="A few words saying what it asks, for lists, e.g. 'Armoury oversight and "
        "audit'. The start of the text is used when this is empty.",
    )
    text = PlainTextField(
        max_length=NOTE_MAX,
        blank=True,
        help_text="The full wording from the report. Leave empty only for a national "
        "recommendation whose wording has not been entered yet.",
    )
    addressee = models.CharField(
        max_length=40, choices=Addressee.choices, blank=True, help_text="Who must act on it."
    )
    scope = models.CharField(
        max_length=10,
        choices=Scope.choices,
        help_text="Local: every force acts on it and reports progress. National: a national body "
        "acts on it.",
    )
    deadline_kind = models.CharField(
        max_length=20, choices=DeadlineKind.choices, default=DeadlineKind.DATE
    )
    deadline = models.DateField(
        null=True,
        blank=True,
        help_text="Only for 'by a date'. 'With immediate effect' is due on the publication date.",
    )

    history = HistoricalRecords()
    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "number"],
                name="recommendation_number_unique_in_inspection",
                violation_error_message="This inspection already has a recommendation with "
                "that number.",
            ),
            models.CheckConstraint(
                name="recommendation_deadline_matches_kind",
                condition=Q(deadline_kind=DeadlineKind.DATE, deadline__isnull=False)
                | (~Q(deadline_kind=DeadlineKind.DATE) & Q(deadline__isnull=True)),
                violation_error_message="Give a deadline date if, and only if, the deadline is "
                "'by a date'.",
            ),
            models.CheckConstraint(
                name="recommendation_local_is_complete",
                condition=~Q(scope=Scope.LOCAL)
                | (~Q(text="") & ~Q(addressee="") & ~Q(deadline_kind=DeadlineKind.NOT_ENTERED)),
                violation_error_message="A local recommendation needs its wording, addressee "
                "and deadline: forces report against them.",
            ),
            models.CheckConstraint(
                name="recommendation_scope_valid", condition=Q(scope__in=Scope.values)
            ),
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number}: {self.inspection.title}"

    @property
    def wording_entered(self) -> bool:
        return bool(self.text.strip())

    @property
    def is_local(self) -> bool:
        return self.scope == Scope.LOCAL

    @property
    def due_date(self) -> datetime.date | None:
        if self.deadline_kind == DeadlineKind.IMMEDIATE:
            return self.inspection.published
        return self.deadline

    @property
    def label(self) -> str:
        """Number and a few words: what lists show."""
        return f"{self.number}. {self.short_words or 'wording not entered'}"

    @property
    def short_words(self) -> str:
        """Its short title, or the first ten words of its text."""
        return self.short_title or Truncator(self.text).words(10)

    @property
    def deadline_display(self) -> str:
        if self.deadline_kind == DeadlineKind.IMMEDIATE:
            return "With immediate effect"
        if self.deadline is None:
            return "Not entered yet"
        return f"By {self.deadline:%-d %B %Y}"

    def get_admin_url(self) -> str:
        return reverse("admin:inspections_recommendation_change", args=[self.pk])


class DependencyQuerySet(models.QuerySet["Dependency"]):
    def pending(self) -> "DependencyQuerySet":
        return self.filter(status=DependencyStatus.PENDING)


class Dependency(models.Model):
    """Something outside a force that a local recommendation cannot be finished without."""

    key = models.SlugField(max_length=100, unique=True, help_text="A short, stable identifier.")
    title = PlainCharField(max_length=300)
    kind = models.CharField(max_length=30, choices=DependencyKind.choices)
    owner = PlainCharField(max_length=200, help_text="The body that has to deliver it.")
    status = models.CharField(
        max_length=20, choices=DependencyStatus.choices, default=DependencyStatus.PENDING
    )
    expected_date = models.DateField(
        null=True, blank=True, help_text="When the owner expects to deliver it, if known."
    )
    delivered_date = models.DateField(
        null=True, blank=True, help_text="When it was delivered or withdrawn."
    )
    url = models.URLField(blank=True, help_text="Link to what was published, once delivered.")
    recommendations = models.ManyToManyField(
        Recommendation,
        related_name="dependencies",
        blank=True,
        help_text="The recommendations that cannot be finished until this is delivered.",
    )

    history = HistoricalRecords(m2m_fields=[recommendations])
    objects = DependencyQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "dependencies"
        constraints = [
            models.CheckConstraint(
                name="dependency_closed_has_date",
                condition=Q(status=DependencyStatus.PENDING, delivered_date__isnull=True)
                | (~Q(status=DependencyStatus.PENDING) & Q(delivered_date__isnull=False)),
                violation_error_message="A delivered or withdrawn dependency needs the date it "
                "happened; a pending one has none.",
            ),
            models.CheckConstraint(
                name="dependency_status_valid", condition=Q(status__in=DependencyStatus.values)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_pending(self) -> bool:
        return self.status == DependencyStatus.PENDING


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
