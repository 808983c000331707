"""The domain rules of the design brief, enforced in the service and model layer."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from inspections import services
from inspections.models import (
    AppendOnlyError,
    DependencyStatus,
    ForceImplementation,
    ProgressUpdate,
    Role,
    Scope,
    Status,
    TargetDateRevision,
    User,
)

from .conftest import record
from .factories import ForceFactory, RecommendationFactory, UserFactory

pytestmark = pytest.mark.django_db


def error_fields(excinfo: pytest.ExceptionInfo) -> set[str]:
    return set(excinfo.value.message_dict)


class TestComplete:
    def test_force_lead_with_evidence_can_complete(self, cast, impl_a):
        record(impl_a, cast.lead_a, Status.COMPLETE, evidence_note="Audit report FA-101")
        impl_a.refresh_from_db()
        assert impl_a.status == Status.COMPLETE

    @pytest.mark.parametrize("who", ["pcc_a", "admin", "lead_b", "viewer"])
    def test_nobody_else_can_complete(self, cast, impl_a, who):
        with pytest.raises(ValidationError) as excinfo:
            record(impl_a, getattr(cast, who), Status.COMPLETE, evidence_note="Audit report")
        assert "status" in error_fields(excinfo) or "__all__" in error_fields(excinfo)
        assert not ProgressUpdate.objects.exists()

    def test_superuser_cannot_sign_off_for_a_force(self, cast, impl_a):
        root = UserFactory(username="root", is_superuser=True)
        with pytest.raises(ValidationError, match="force lead"):
            record(impl_a, root, Status.COMPLETE, evidence_note="Audit report")

    def test_complete_needs_evidence(self, cast, impl_a):
        with pytest.raises(ValidationError) as excinfo:
            record(impl_a, cast.lead_a, Status.COMPLETE, evidence_note="   ")
        assert error_fields(excinfo) == {"evidence_note"}
        assert not ProgressUpdate.objects.exists()


class TestAwaitingDependency:
    def test_names_a_pending_dependency(self, cast, impl_a, dependency):
        record(impl_a, cast.pcc_a, Status.AWAITING_DEPENDENCY, dependencies=[dependency])
        impl_a.refresh_from_db()
        assert impl_a.status == Status.AWAITING_DEPENDENCY
        assert list(impl_a.blocking_dependencies.all()) == [dependency]

    def test_must_name_one(self, cast, impl_a):
        with pytest.raises(ValidationError) as excinfo:
            record(impl_a, cast.pcc_a, Status.AWAITING_DEPENDENCY)
        assert error_fields(excinfo) == {"dependencies"}

    def test_delivered_dependency_cannot_block(self, cast, impl_a, dependency):
        services.close_dependency(
            dependency=dependency,
            status=DependencyStatus.DELIVERED,
            on=datetime.date(2024, 1, 1),
            changed_by=cast.admin,
        )
        with pytest.raises(ValidationError, match="delivered"):
            record(impl_a, cast.pcc_a, Status.AWAITING_DEPENDENCY, dependencies=[dependency])

    def test_other_statuses_do_not_name_dependencies(self, cast, impl_a, dependency):
        with pytest.raises(ValidationError) as excinfo:
            record(impl_a, cast.pcc_a, Status.IN_PROGRESS, dependencies=[dependency])
        assert error_fields(excinfo) == {"dependencies"}

    def test_moving_on_clears_the_blockers(self, cast, impl_a, dependency):
        record(impl_a, cast.pcc_a, Status.AWAITING_DEPENDENCY, dependencies=[dependency])
        record(impl_a, cast.pcc_a, Status.IN_PROGRESS, as_of=datetime.date(2024, 1, 1))
        assert not impl_a.blocking_dependencies.exists()


def test_not_applicable_needs_a_reason(cast, impl_a):
    with pytest.raises(ValidationError) as excinfo:
        record(impl_a, cast.pcc_a, Status.NOT_APPLICABLE)
    assert error_fields(excinfo) == {"evidence_note"}
    record(impl_a, cast.pcc_a, Status.NOT_APPLICABLE, evidence_note="Not the regional lead")
    impl_a.refresh_from_db()
    assert impl_a.status == Status.NOT_APPLICABLE


class TestProgressUpdateInput:
    def test_narrative_required(self, cast, impl_a):
        with pytest.raises(ValidationError) as excinfo:
            record(impl_a, cast.pcc_a, narrative="  ")
        assert error_fields(excinfo) == {"narrative"}

    def test_unknown_status(self, cast, impl_a):
        with pytest.raises(ValidationError, match="not a status"):
            record(impl_a, cast.pcc_a, status="finished")

    def test_future_date(self, cast, impl_a, today):
        tomorrow = today + datetime.timedelta(days=1)
        with pytest.raises(ValidationError, match="in the future"):
            record(impl_a, cast.pcc_a, as_of=tomorrow, today=today)
        record(impl_a, cast.pcc_a, as_of=today, today=today)  # today itself is fine

    def test_date_before_publication(self, cast, impl_a):
        with pytest.raises(ValidationError, match="before the report was published"):
            record(impl_a, cast.pcc_a, as_of=datetime.date(2023, 7, 10))

    @pytest.mark.parametrize("who", ["pcc_b", "lead_b", "viewer"])
    def test_only_own_force_or_national_admin(self, cast, impl_a, who):
        with pytest.raises(ValidationError, match="cannot record progress"):
            record(impl_a, getattr(cast, who))
        assert not ProgressUpdate.objects.exists()

    def test_national_admin_may_record_on_behalf(self, cast, impl_a):
        record(impl_a, cast.admin)
        assert impl_a.updates.count() == 1


class TestAppendOnly:
    def test_cannot_edit(self, cast, impl_a):
        update = record(impl_a, cast.pcc_a)
        update.narrative = "rewritten"
        with pytest.raises(AppendOnlyError):
            update.save()
        assert ProgressUpdate.objects.get().narrative != "rewritten"

    def test_cannot_delete(self, cast, impl_a):
        update = record(impl_a, cast.pcc_a)
        with pytest.raises(AppendOnlyError):
            update.delete()
        with pytest.raises(AppendOnlyError):
            ProgressUpdate.objects.all().delete()
        with pytest.raises(AppendOnlyError):
            ProgressUpdate.objects.update(narrative="x")
        assert ProgressUpdate.objects.count() == 1

    def test_implementation_with_updates_cannot_be_deleted(self, cast, impl_a):
        record(impl_a, cast.pcc_a)
        with pytest.raises(Exception, match="protected"), transaction.atomic():
            impl_a.delete()
        assert ProgressUpdate.objects.count() == 1

    def test_database_refuses_update_without_narrative(self, cast, impl_a):
        with pytest.raises(IntegrityError), transaction.atomic():
            ProgressUpdate.objects.create(
                implementation=impl_a,
                author=cast.pcc_a,
                status=Status.IN_PROGRESS,
                narrative="",
                as_of=datetime.date(2023, 9, 4),
            )

    def test_database_refuses_complete_without_evidence(self, cast, impl_a):
        with pytest.raises(IntegrityError), transaction.atomic():
            ProgressUpdate.objects.create(
                implementation=impl_a,
                author=cast.lead_a,
                status=Status.COMPLETE,
                narrative="Done",
                as_of=datetime.date(2023, 9, 4),
            )


class TestCurrentStatus:
    def test_is_the_latest_updates(self, cast, impl_a):
        assert impl_a.status == Status.NOT_STARTED
        record(impl_a, cast.pcc_a, Status.IN_PROGRESS, as_of=datetime.date(2023, 9, 4))
        record(impl_a, cast.pcc_a, Status.IMPLEMENTED, as_of=datetime.date(2024, 2, 1))
        impl_a.refresh_from_db()
        assert impl_a.status == Status.IMPLEMENTED
        assert impl_a.latest_update_on == datetime.date(2024, 2, 1)

    def test_backdated_update_does_not_overtake_a_later_one(self, cast, impl_a):
        record(impl_a, cast.pcc_a, Status.IMPLEMENTED, as_of=datetime.date(2024, 2, 1))
        record(impl_a, cast.pcc_a, Status.IN_PROGRESS, as_of=datetime.date(2023, 9, 4))
        impl_a.refresh_from_db()
        assert impl_a.status == Status.IMPLEMENTED

    def test_same_day_correction_wins(self, cast, impl_a):
        record(impl_a, cast.pcc_a, Status.IMPLEMENTED)
        record(impl_a, cast.pcc_a, Status.IN_PROGRESS)
        impl_a.refresh_from_db()
        assert impl_a.status == Status.IN_PROGRESS


class TestTargetDate:
    def test_first_date_needs_no_reason_and_changes_do(self, cast, impl_a):
        first = datetime.date(2024, 6, 30)
        services.set_target_date(
            implementation=impl_a, new_date=first, reason="", changed_by=cast.pcc_a
        )
        with pytest.raises(ValidationError) as excinfo:
            services.set_target_date(
                implementation=impl_a,
                new_date=datetime.date(2024, 12, 31),
                reason=" ",
                changed_by=cast.pcc_a,
            )
        assert error_fields(excinfo) == {"target_date_reason"}
        impl_a.refresh_from_db()
        assert impl_a.target_date == first

    def test_original_and_every_revision_kept(self, cast, impl_a):
        dates = [
            datetime.date(2024, 6, 30),
            datetime.date(2024, 12, 31),
            datetime.date(2025, 3, 31),
        ]
        reasons = ["", "APP delayed", "Course deferred"]
        for new_date, reason in zip(dates, reasons, strict=True):
            services.set_target_date(
                implementation=impl_a, new_date=new_date, reason=reason, changed_by=cast.pcc_a
            )
        revisions = list(TargetDateRevision.objects.filter(implementation=impl_a).order_by("id"))
        assert [(r.previous_date, r.new_date, r.reason) for r in revisions] == [
            (None, dates[0], ""),
            (dates[0], dates[1], "APP delayed"),
            (dates[1], dates[2], "Course deferred"),
        ]
        impl_a.refresh_from_db()
        assert impl_a.target_date == dates[2]

    def test_database_refuses_change_without_reason(self, cast, impl_a):
        with pytest.raises(IntegrityError), transaction.atomic():
            TargetDateRevision.objects.create(
                implementation=impl_a,
                previous_date=datetime.date(2024, 1, 1),
                new_date=datetime.date(2024, 2, 1),
                reason="",
                changed_by=cast.pcc_a,
            )


class TestImplementationsAreCreatedAutomatically:
    def test_new_force_gets_every_local_recommendation(self, cast, recommendation):
        national = RecommendationFactory(
            inspection=recommendation.inspection,
            number=1,
            scope=Scope.NATIONAL,
            text="",
            addressee="",
        )
        force = ForceFactory()
        assert set(
            ForceImplementation.objects.filter(force=force).values_list("recommendation", flat=True)
        ) == {recommendation.pk}
        assert not ForceImplementation.objects.filter(recommendation=national).exists()

    def test_new_local_recommendation_reaches_every_force(self, cast, recommendation):
        rec = RecommendationFactory(inspection=recommendation.inspection, number=3)
        assert ForceImplementation.objects.filter(recommendation=rec).count() == 2

    def test_making_it_national_is_refused_once_forces_recorded_work(self, cast, impl_a):
        record(impl_a, cast.pcc_a)
        rec = impl_a.recommendation
        rec.scope = Scope.NATIONAL
        with pytest.raises(ValidationError, match="would be lost"):
            services.save_recommendation(recommendation=rec)
        assert ForceImplementation.objects.filter(recommendation=rec).count() == 2

    def test_making_it_national_before_any_work_removes_implementations(self, cast, recommendation):
        recommendation.scope = Scope.NATIONAL
        services.save_recommendation(recommendation=recommendation)
        assert not ForceImplementation.objects.filter(recommendation=recommendation).exists()

    def test_unique_per_force_and_recommendation(self, cast, impl_a):
        with pytest.raises(IntegrityError), transaction.atomic():
            ForceImplementation.objects.create(
                force=impl_a.force, recommendation=impl_a.recommendation
            )


def test_local_recommendation_needs_wording(cast, recommendation):
    with pytest.raises(ValidationError, match="wording"):
        RecommendationFactory(inspection=recommendation.inspection, number=9, text="")


def test_deadline_date_matches_kind(cast, recommendation):
    with pytest.raises(ValidationError, match="deadline"):
        RecommendationFactory(
            inspection=recommendation.inspection,
            number=9,
            deadline_kind="immediate",
            deadline=datetime.date(2024, 1, 1),
        )


def test_force_roles_need_a_force_and_national_roles_none(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="orphan", role=Role.PCC_STAFF)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="confused", role=Role.VIEWER, force=cast.force_a)


def test_history_records_who_changed_what(cast, impl_a):
    record(impl_a, cast.pcc_a, Status.IN_PROGRESS)
    latest = impl_a.history.latest("history_date")
    assert latest.status == Status.IN_PROGRESS
    assert latest.history_user == cast.pcc_a
    update_history = ProgressUpdate.history.get()
    assert update_history.history_user == cast.pcc_a
    assert update_history.history_type == "+"
