"""Factories for the domain. Implementations are never built directly: like the real system,
they come from adding forces and local recommendations through the services."""

import datetime

import factory
from django.utils import timezone
from django.utils.text import slugify

from inspections import services
from inspections.models import (
    AddressedTo,
    Addressee,
    DeadlineKind,
    Dependency,
    DependencyKind,
    Force,
    Governance,
    Inspection,
    Recommendation,
    Region,
    Role,
    Scope,
    User,
)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class ForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Force

    name = factory.Sequence(lambda n: f"Testshire {n} Police")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    region = factory.SubFactory(RegionFactory)
    governance = Governance.PCC
    local_policing_body = factory.LazyAttribute(lambda o: f"{o.name} PCC")
    commissioner_name = "Pat Example"
    commissioner_title = "Police and Crime Commissioner"

    @classmethod
    def _create(cls, model_class: type, *args, **kwargs) -> Force:
        return services.save_force(force=model_class(*args, **kwargs))


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    title = factory.Sequence(lambda n: f"An inspection of test subject {n}")
    slug = factory.Sequence(lambda n: f"inspection-{n}")
    published = datetime.date(2023, 7, 11)
    # Published to forces, as every report was before drafts existed (test_report_entry.py
    # enters drafts through the pages).
    released_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class: type, *args, forces=None, **kwargs) -> Inspection:
        """``forces=[…]`` makes a report addressed to those forces alone, as the admin does."""
        if forces is None:
            return super()._create(model_class, *args, **kwargs)
        inspection = model_class(*args, addressed_to=AddressedTo.CHOSEN_FORCES, **kwargs)
        return services.save_inspection(inspection=inspection, forces=forces)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    inspection = factory.SubFactory(InspectionFactory)
    number = factory.Sequence(lambda n: n + 20)
    text = factory.LazyAttribute(
        lambda o: f"By a date, chief constables should do thing {o.number}."
    )
    addressee = Addressee.CHIEF_CONSTABLES
    scope = Scope.LOCAL
    deadline_kind = DeadlineKind.DATE
    deadline = datetime.date(2024, 7, 31)

    @classmethod
    def _create(cls, model_class: type, *args, **kwargs) -> Recommendation:
        return services.save_recommendation(recommendation=model_class(*args, **kwargs))


class DependencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dependency

    key = factory.Sequence(lambda n: f"dependency-{n}")
    title = factory.Sequence(lambda n: f"Revised national guidance {n}")
    kind = DependencyKind.NATIONAL_GUIDANCE
    owner = "College of Policing"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.police.uk")
    role = Role.VIEWER
    is_staff = True
    password = factory.django.Password("correct-horse-battery")


class NewUserFactory(UserFactory):
    """A user made without looking for one of the same name first: the shared cast, whose names
    are new in every test (half the queries of a look-up, a save point and an insert)."""

    class Meta:
        django_get_or_create = ()
