"""What the inspectorate and the police landscape give us: forces, inspections, recommendations,
the national work that local recommendations wait on, and context statistics."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.lookups import Exact
from simple_history.models import HistoricalRecords

from inspections.text import LETTER_PART_MAX, NOTE_MAX

from .choices import (
    DATED_DEADLINES,
    FINDING_ORDER,
    AddressedTo,
    Addressee,
    DeadlineKind,
    DependencyKind,
    DependencyStatus,
    FindingKind,
    Governance,
    Scope,
    Source,
)
from .deadlines import deadline_date, deadline_words
from .duties import ResponseDuty, duty_of
from .fields import PlainCharField, PlainTextField
from .finding_words import (
    FindingReferences,
    finding_label,
    finding_short_words,
    parse_reference,
)


class Region(models.Model):
    name = PlainCharField(max_length=100, unique=True)
    slug = models.SlugField(
        "Name in page addresses", max_length=100, unique=True, help_text="Lower case, with hyphens."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ForceQuerySet(models.QuerySet["Force"]):
    def addressed_by(self, inspection: "Inspection") -> "ForceQuerySet":
        """The forces a report is addressed to: every force, or the ones it names."""
        if inspection.addressed_to == AddressedTo.EVERY_FORCE:
            return self
        return self.filter(addressed_inspections=inspection)


class Force(models.Model):
    name = PlainCharField(max_length=200, unique=True)
    slug = models.SlugField(
        "Name in page addresses", max_length=200, unique=True, help_text="Lower case, with hyphens."
    )
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
    objects = ForceQuerySet.as_manager()

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

    def released(self) -> "InspectionQuerySet":
        """Published to forces: not a draft still being entered."""
        return self.filter(released_at__isnull=False)

    def drafts(self) -> "InspectionQuerySet":
        return self.filter(released_at__isnull=True)

    def addressed_to(self, force: Force) -> "InspectionQuerySet":
        """The reports a force must answer: every national one, and those naming it, once
        published to forces."""
        return (
            self.released()
            .filter(Q(addressed_to=AddressedTo.EVERY_FORCE) | Q(forces=force))
            .distinct()
        )

    def with_items_for(self, force: "Force") -> "InspectionQuerySet":
        """The reports a force has items on, newest first (real ones before samples). A
        semi-join rather than a join made distinct: it does not build and sort a row per item
        (59 to 35 ms for a force of 20,000 items on PostgreSQL)."""
        return self.filter(
            Exists(
                Recommendation.objects.filter(
                    inspection=OuterRef("pk"), implementations__force=force
                )
            )
        ).order_by("is_sample", "-published", "title")

    def default_choice(self) -> "Inspection | None":
        """What pages show when nobody chose: the latest real report, never a sample one or
        a draft."""
        return self.released().order_by("is_sample", "-published", "title").first()


class Inspection(models.Model):
    title = PlainCharField(max_length=300)
    short_title = PlainCharField(
        max_length=60,
        blank=True,
        help_text="A few words for lists and tables, e.g. 'Firearms 2023'. The title is used "
        "when this is empty.",
    )
    is_sample = models.BooleanField(
        "Sample data",
        default=False,
        help_text="Training or demonstration data, not a real report: never chosen by default.",
    )
    slug = models.SlugField(
        "Name in page addresses", max_length=100, unique=True, help_text="Lower case, with hyphens."
    )
    source = models.CharField(
        "Source",
        max_length=20,
        choices=Source.choices,
        default=Source.HMICFRS,
        help_text="The body whose report it is: it decides the response's period and recipient.",
    )
    inspectorate = PlainCharField(
        "Issued by",
        max_length=100,
        blank=True,
        help_text="The body's name as letters give it, e.g. 'HM Senior Coroner for "
        "Worcestershire'. Empty: the source's own name ('HMICFRS', 'the IOPC').",
    )
    published = models.DateField(help_text="The day the report was published.")
    sent_on = models.DateField(
        "Sent on",
        null=True,
        blank=True,
        help_text="The day the report was sent to the force or office, where the response "
        "period counts from it (a coroner's report, an IOPC recommendation).",
    )
    response_given = models.DateField(
        "Response due by (as given)",
        null=True,
        blank=True,
        help_text="A later date the recommender gave for the response (an extension), or the "
        "date set where no period is laid down (internal audit).",
    )
    url = models.URLField(blank=True, help_text="Where the report can be read.")
    summary = PlainTextField(
        max_length=LETTER_PART_MAX,
        blank=True,
        help_text="One or two sentences on what the inspection examined, for letters' opening.",
    )
    addressed_to = models.CharField(
        max_length=20,
        choices=AddressedTo.choices,
        default=AddressedTo.EVERY_FORCE,
        help_text="Who the report is about. Forces track only the reports addressed to them.",
    )
    forces = models.ManyToManyField(
        Force,
        blank=True,
        related_name="addressed_inspections",
        help_text="For a report to chosen forces: which forces. Leave empty for every force.",
    )
    released_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When it was published to forces: until then it is a draft being entered, with "
        "no items and no s.55 notices.",
    )

    history = HistoricalRecords(m2m_fields=[forces])
    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "title"]
        constraints = [
            models.CheckConstraint(
                name="inspection_addressed_to_valid",
                condition=Q(addressed_to__in=AddressedTo.values),
            ),
            models.CheckConstraint(
                name="inspection_source_valid", condition=Q(source__in=Source.values)
            ),
        ]
        indexes = [
            # A force's page lists its findings latest report first: walked from this index, a
            # page of 50 is found without sorting every finding the force has (73 ms to 2 ms at
            # ten times today's data).
            models.Index(fields=["-published", "title", "id"], name="inspection_latest_first_idx")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def list_name(self) -> str:
        return self.short_title or self.title

    @property
    def is_draft(self) -> bool:
        return self.released_at is None

    @property
    def duty(self) -> ResponseDuty:
        return duty_of(self.source)

    @property
    def issued_by(self) -> str:
        """Who issued the report, as letters and pages name it."""
        return self.inspectorate or self.duty.issuer

    @property
    def response_due(self) -> datetime.date | None:
        """Last day for the response its source's duty asks for (the s.55 comments for an
        HMICFRS report), or None until there is a date to count from."""
        return self.duty.due(
            published=self.published, sent_on=self.sent_on, given=self.response_given
        )


def finding_order(prefix: str = "") -> Case:
    """Causes of concern, then recommendations, then areas for improvement, as reports list them."""
    # Lookups rather than keyword conditions: an ordering through a relation ('recommendation')
    # re-roots this expression, which a Q condition cannot be.
    return Case(
        *(
            When(Exact(F(f"{prefix}kind"), kind), then=Value(n))
            for kind, n in FINDING_ORDER.items()
        ),
        default=Value(len(FINDING_ORDER)),
    )


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def local(self) -> "RecommendationQuerySet":
        return self.filter(scope=Scope.LOCAL)

    def in_report_order(self) -> "RecommendationQuerySet":
        return self.order_by("inspection", finding_order(), "number")

    def by_reference(self, ref: str) -> "RecommendationQuerySet":
        """The finding a page address names: '3' (recommendation 3), 'afi-3', 'coc-1'."""
        kind, number = parse_reference(ref)
        return self.filter(kind=kind, number=number)


class Recommendation(FindingReferences, models.Model):
    """A finding of an inspection: a recommendation, a cause of concern or an area for
    improvement (the model keeps its first name: most findings are recommendations)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="recommendations"
    )
    kind = models.CharField(
        max_length=30,
        choices=FindingKind.choices,
        default=FindingKind.RECOMMENDATION,
        help_text="What the report calls it. Each kind is numbered on its own, as in the report: "
        "'Cause of concern 1', 'Recommendation 2', 'AFI 7'.",
    )
    number = models.PositiveSmallIntegerField(
        help_text="As numbered in the report, within its kind ('AFI 7' is 7)."
    )
    cause_of_concern = models.ForeignKey(
        "inspections.Recommendation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="linked_recommendations",
        limit_choices_to={"kind": FindingKind.CAUSE_OF_CONCERN},
        help_text="For a recommendation made under a cause of concern: that cause of concern "
        "(of the same report).",
    )
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
        "Who acts on it",
        max_length=10,
        choices=Scope.choices,
        help_text="Local: every force acts on it and reports progress. National: a national body "
        "acts on it.",
    )
    deadline_kind = models.CharField(
        max_length=20,
        choices=DeadlineKind.choices,
        default=DeadlineKind.DATE,
        help_text="As the report gives it. Areas for improvement usually have none.",
    )
    deadline = models.DateField(
        null=True,
        blank=True,
        help_text="For 'by a date': the date. For 'by the end of a month': any day of that "
        "month. Worked out from publication for 'within a number of months'.",
    )
    deadline_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="For 'within a number of months of publication': how many months.",
    )
    # A finding read from the report's document: the text it came from and what the reader was
    # unsure of, shown beside it while the draft is checked.
    read_from = models.TextField(blank=True, help_text="The report's own words it was read from.")
    read_notes = models.TextField(blank=True, help_text="What the reader was unsure of.")

    history = HistoricalRecords()
    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", finding_order(), "number"]
        verbose_name = "finding"
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "kind", "number"],
                name="finding_number_unique_per_kind",
                violation_error_message="This inspection already has a finding of that kind "
                "with that number.",
            ),
            models.CheckConstraint(
                name="finding_kind_valid", condition=Q(kind__in=FindingKind.values)
            ),
            models.CheckConstraint(
                name="finding_only_recommendations_sit_under_a_cause",
                condition=Q(cause_of_concern__isnull=True) | Q(kind=FindingKind.RECOMMENDATION),
                violation_error_message="Only a recommendation can be made under a cause of "
                "concern.",
            ),
            models.CheckConstraint(
                name="recommendation_deadline_matches_kind",
                condition=Q(deadline_kind__in=sorted(DATED_DEADLINES), deadline__isnull=False)
                | (~Q(deadline_kind__in=sorted(DATED_DEADLINES)) & Q(deadline__isnull=True)),
                violation_error_message="Give a deadline date for 'by a date' or 'by the end of "
                "a month', and none for the other forms.",
            ),
            models.CheckConstraint(
                name="recommendation_months_match_kind",
                condition=Q(deadline_kind=DeadlineKind.WITHIN_MONTHS, deadline_months__gte=1)
                | (~Q(deadline_kind=DeadlineKind.WITHIN_MONTHS) & Q(deadline_months__isnull=True)),
                violation_error_message="Give the number of months if, and only if, the deadline "
                "is 'within a number of months'.",
            ),
            models.CheckConstraint(
                name="recommendation_local_is_complete",
                condition=~Q(scope=Scope.LOCAL)
                | (~Q(text="") & ~Q(addressee="") & ~Q(deadline_kind=DeadlineKind.NOT_ENTERED)),
                violation_error_message="A local finding needs its wording, addressee and "
                "deadline ('No deadline' is a deadline given): forces report against them.",
            ),
            models.CheckConstraint(
                name="recommendation_scope_valid", condition=Q(scope__in=Scope.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.inspection.title}"

    def clean(self) -> None:
        self.clean_deadline()
        cause = self.cause_of_concern
        if cause is not None and (
            cause.kind != FindingKind.CAUSE_OF_CONCERN or cause.inspection_id != self.inspection_id
        ):
            raise ValidationError(
                {"cause_of_concern": "Choose a cause of concern of the same report."}
            )

    def clean_deadline(self) -> None:
        """Say which field a deadline form is missing or should not have, before the
        constraints do, then keep the date the form means (``resolve_deadline``)."""
        if (
            self.kind in (FindingKind.AREA_FOR_IMPROVEMENT, FindingKind.CAUSE_OF_CONCERN)
            and self.deadline_kind == DeadlineKind.DATE
            and self.deadline is None
        ):
            # Areas for improvement carry no deadline in a report, and a cause of concern's are
            # its recommendations': none unless one is given.
            self.deadline_kind = DeadlineKind.NONE
        kind = self.deadline_kind
        if kind in (DeadlineKind.DATE, DeadlineKind.BY_MONTH) and self.deadline is None:
            raise ValidationError(
                {
                    "deadline": "Enter the deadline's date (for 'by the end of a month', any "
                    "day of that month)."
                }
            )
        if kind == DeadlineKind.WITHIN_MONTHS and not self.deadline_months:
            raise ValidationError(
                {"deadline_months": "Enter how many months after publication it is due."}
            )
        if kind not in DATED_DEADLINES and self.deadline is not None:
            raise ValidationError(
                {
                    "deadline": f"Leave the deadline date empty: "
                    f"'{DeadlineKind(kind).label}' has no date of its own."
                }
            )
        if kind != DeadlineKind.WITHIN_MONTHS and self.deadline_months is not None:
            raise ValidationError(
                {
                    "deadline_months": "Leave the number of months empty unless the deadline "
                    "is 'within a number of months'."
                }
            )
        self.resolve_deadline()

    def resolve_deadline(self) -> None:
        """Keep the date the deadline form means (``deadline_date``) in ``deadline``, and drop
        what does not belong to the form: what the services call before saving, and again
        when the publication date moves."""
        if self.deadline_kind != DeadlineKind.WITHIN_MONTHS:
            self.deadline_months = None
        entered = self.deadline if self.deadline_kind in DATED_DEADLINES else None
        published = self.inspection.published if self.inspection_id else None
        resolved = deadline_date(self.deadline_kind, entered, self.deadline_months, published)
        self.deadline = resolved if self.deadline_kind in DATED_DEADLINES else None

    @property
    def sheet_reference(self) -> int | str:
        """What a spreadsheet's column holds: a recommendation's number, else 'AFI 7'."""
        return self.number if self.is_recommendation else self.column_name

    @property
    def is_recommendation(self) -> bool:
        return self.kind == FindingKind.RECOMMENDATION

    @property
    def wording_entered(self) -> bool:
        return bool(self.text.strip())

    @property
    def deadline_on(self) -> datetime.date | None:
        """The deadline as a date (none for a finding without one)."""
        if self.deadline_kind in DATED_DEADLINES:
            return self.deadline
        return deadline_date(self.deadline_kind, None, None, self.inspection.published)

    @property
    def label(self) -> str:
        """Number and a few words: what lists show ('3. …' for a recommendation, 'AFI 7. …')."""
        return finding_label(self.kind, self.number, self.short_words)

    @property
    def short_words(self) -> str:
        """Its short title, or the first ten words of its text."""
        return finding_short_words(self.short_title, self.text)

    @property
    def deadline_display(self) -> str:
        """In the report's words, with the date it means where the words do not give one."""
        words = deadline_words(self.deadline_kind, self.deadline, self.deadline_months)
        if self.deadline_kind in (DeadlineKind.WITHIN_MONTHS, DeadlineKind.BY_MONTH):
            return f"{words} (by {self.deadline:%-d %B %Y})" if self.deadline else words
        return words


class DependencyQuerySet(models.QuerySet["Dependency"]):
    def pending(self) -> "DependencyQuerySet":
        return self.filter(status=DependencyStatus.PENDING)


class Dependency(models.Model):
    """Something outside a force that a local recommendation cannot be finished without."""

    key = models.SlugField(
        "Name in page addresses",
        max_length=100,
        unique=True,
        help_text="A short, stable identifier: lower case, with hyphens.",
    )
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
