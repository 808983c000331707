"""Who may see and do what. The one place access is decided: views, admin and exports all ask
here. Scoping is a filter in the SQL, never a Python list of ids."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import rules
from django.db.models import Model, Q, QuerySet

from .models import (
    DUTIES,
    AddressedTo,
    ApiKey,
    ChiefConstableComments,
    Dependency,
    EvidenceFile,
    ExtensionRequest,
    FirearmsStatistic,
    Force,
    ForceImplementation,
    Inspection,
    InspectorateClosure,
    LetterRecipient,
    LetterSection,
    LetterSentElsewhere,
    LetterStatus,
    LocalAction,
    MeetingPack,
    ProgressLetter,
    ProgressUpdate,
    Publication,
    Recommendation,
    Region,
    Responder,
    Role,
    TargetDateRevision,
    TenantForce,
    User,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

# How to get from each force-owned model to its force, in the ORM's lookup syntax.
FORCE_PATHS: dict[type[Model], str] = {
    Force: "pk",
    ForceImplementation: "force",
    ProgressUpdate: "implementation__force",
    EvidenceFile: "update__implementation__force",
    TargetDateRevision: "implementation__force",
    User: "force",
    FirearmsStatistic: "force",
    ProgressLetter: "force",
    LetterSection: "letter__force",
    LetterSentElsewhere: "force",
    Publication: "force",
    TenantForce: "force",
    ChiefConstableComments: "force",
    LocalAction: "force",
    ExtensionRequest: "force",
    InspectorateClosure: "implementation__force",
    # A region's pack has no force: force users never see one.
    MeetingPack: "force",
}
# National records everyone signed in may read.
SHARED_MODELS: tuple[type[Model], ...] = (
    Region,
    Inspection,
    Recommendation,
    Dependency,
    LetterRecipient,
)


def force_id_of(obj: Model) -> int | None:
    """The force an object belongs to, or None for national records."""
    if isinstance(obj, Force):
        return obj.pk
    if isinstance(
        obj,
        ProgressUpdate | TargetDateRevision | LocalAction | ExtensionRequest | InspectorateClosure,
    ):
        return obj.implementation.force_id
    if isinstance(obj, EvidenceFile):
        return obj.update.implementation.force_id
    if isinstance(obj, LetterSection):
        return obj.letter.force_id
    return getattr(obj, "force_id", None)


# Drafts some readers of a force may not see: letters as sent, never as drafted.
DRAFTS: dict[type[Model], Q] = {
    ProgressLetter: ~Q(status=LetterStatus.ISSUED),
    LetterSection: ~Q(letter__status=LetterStatus.ISSUED),
}


def scope_queryset[QS: QuerySet[Any]](user: User | AnonymousUser, queryset: QS) -> QS:
    """Only the rows this user may see (the queryset keeps its own type and methods)."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.sees_all_forces:
        return queryset
    if not user.reads_one_force:
        return queryset.none()
    model = queryset.model
    if model in DRAFTS and not user.reads_drafts:
        queryset = queryset.exclude(DRAFTS[model])
    if model in SHARED_MODELS:
        return queryset
    if model is FirearmsStatistic:
        # National totals are context every force may read beside its own figures.
        return queryset.filter(Q(force=user.force_id) | Q(force__isnull=True))
    path = FORCE_PATHS.get(model)
    if path is None:
        return queryset.none()
    return queryset.filter(**{path: user.force_id})


def scope_condition(user: User | AnonymousUser, path: str) -> Q:
    """The same scoping as scope_queryset, as a condition on a related path (for counts)."""
    if user.is_authenticated and user.is_active and user.sees_all_forces:
        return Q()
    if user.is_authenticated and user.is_active and user.reads_one_force:
        return Q(**{path: user.force_id})
    return Q(pk__in=[])


def visible_force_or_404(user: User, slug: str) -> Force:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        scope_queryset(user, Force.objects.select_related("region")), slug=slug
    )


# --- predicates -------------------------------------------------------------------------------


@rules.predicate
def is_national_admin(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.is_national_admin


@rules.predicate
def sees_every_force(user: User) -> bool:
    """Reads every force's items: the viewer and national administrators."""
    return user.is_authenticated and user.is_active and user.sees_all_forces


@rules.predicate
def is_force_user(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.is_force_user


@rules.predicate
def reads_one_force(user: User) -> bool:
    """Reads one force's items: its PCC staff and force lead, its office administrators and
    its scrutiny members (panel or audit committee)."""
    return user.is_authenticated and user.is_active and user.reads_one_force


@rules.predicate
def is_office_admin(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.is_office_admin


@rules.predicate
def is_pcc_staff(user: User) -> bool:
    return is_force_user(user) and user.role == Role.PCC_STAFF


@rules.predicate
def is_force_lead(user: User) -> bool:
    return is_force_user(user) and user.is_force_lead


@rules.predicate
def in_same_force(user: User, obj: Model | None) -> bool:
    # Without an object the question is "may they ever?", answered per row by scope_queryset.
    if obj is None:
        return True
    return force_id_of(obj) == user.force_id


@rules.predicate
def is_national_record(user: User, obj: Model | None) -> bool:
    return obj is None or force_id_of(obj) is None


anyone_signed_in = sees_every_force | reads_one_force
may_read_own_force = reads_one_force & in_same_force
may_read_force_data = sees_every_force | may_read_own_force
may_work_on_force_data = is_national_admin | (is_force_user & in_same_force)

for model_name in ("region", "inspection", "recommendation", "dependency", "letterrecipient"):
    rules.add_perm(f"inspections.view_{model_name}", anyone_signed_in)
    for action in ("add", "change", "delete"):
        rules.add_perm(f"inspections.{action}_{model_name}", is_national_admin)

rules.add_perm("inspections.view_force", may_read_force_data)
rules.add_perm("inspections.change_force", may_work_on_force_data)
rules.add_perm("inspections.add_force", is_national_admin)
rules.add_perm("inspections.delete_force", is_national_admin)

rules.add_perm(
    "inspections.view_firearmsstatistic",
    sees_every_force | (is_force_user & (in_same_force | is_national_record)),
)
for action in ("add", "change", "delete"):
    rules.add_perm(f"inspections.{action}_firearmsstatistic", is_national_admin)

# Implementations are created by the system, one per force and local recommendation.
rules.add_perm("inspections.view_forceimplementation", may_read_force_data)
rules.add_perm("inspections.change_forceimplementation", may_work_on_force_data)

# Progress updates and target-date revisions are append-only: no one changes or deletes them.
rules.add_perm("inspections.view_progressupdate", may_read_force_data)
rules.add_perm("inspections.add_progressupdate", may_work_on_force_data)
rules.add_perm("inspections.view_targetdaterevision", may_read_force_data)

rules.add_perm("inspections.view_user", is_national_admin)
for action in ("add", "change", "delete"):
    rules.add_perm(f"inspections.{action}_user", is_national_admin)

# Letters are the PCC's: their staff draft, edit and issue them; force leads read them first.


@rules.predicate
def reads_this_letter(user: User, obj: Model | None) -> bool:
    """Scrutiny members and office administrators read letters as sent, never drafts."""
    if obj is None or user.reads_drafts:
        return True
    letter = obj.letter if isinstance(obj, LetterSection) else obj
    return isinstance(letter, ProgressLetter) and letter.status == LetterStatus.ISSUED


rules.add_perm("inspections.view_progressletter", may_read_force_data & reads_this_letter)
rules.add_perm("inspections.view_lettersection", may_read_force_data & reads_this_letter)
may_write_letters = is_pcc_staff & in_same_force
may_write_force_responses = (is_pcc_staff | is_force_lead) & in_same_force

# Signing off is the force lead's alone: not even a superuser may mark another force complete.
may_sign_off = is_force_lead & in_same_force


def can_record_update(user: User, implementation: ForceImplementation) -> bool:
    return user.has_perm("inspections.add_progressupdate", implementation)


def can_sign_off(user: User, implementation: ForceImplementation) -> bool:
    return bool(may_sign_off.test(user, implementation))


def can_edit_letters(user: User, force: Force | None) -> bool:
    return force is not None and bool(may_write_letters.test(user, force))


def has_tracker_access(user: User | AnonymousUser) -> bool:
    return bool(anyone_signed_in(user))


def can_agree_due_date(user: User, implementation: ForceImplementation) -> bool:
    """The office agrees the date a finding without a deadline falls due: its PCC staff."""
    return bool((is_pcc_staff & in_same_force).test(user, implementation))


def can_change_target_date(user: User, implementation: ForceImplementation) -> bool:
    return user.has_perm("inspections.change_forceimplementation", implementation)


def can_read_internal_notes(user: User, implementation: ForceImplementation) -> bool:
    """Internal notes are for the force and the office, and national administrators."""
    return bool(
        is_national_admin(user) or (is_force_user & in_same_force).test(user, implementation)
    )


# Fields some roles may not read, by model: each with the test of who may. Every screen that shows
# a record's fields (the service's pages, the admin's forms, inlines and past versions) leaves
# out what ``unreadable_fields`` names; the access matrix plants a marker in each and looks for it
# in every page each role can open.
GUARDED_FIELDS: dict[str, dict[str, Callable[[User, ForceImplementation], bool]]] = {
    "progressupdate": {"internal_note": lambda user, item: can_read_internal_notes(user, item)},
}


def unreadable_fields(user: User, model: type[Model], obj: Model | None) -> set[str]:
    """The fields of ``model`` that ``user`` may not read on ``obj`` (a record of that model, or
    the implementation it belongs to); every guarded field when there is no implementation."""
    guarded = GUARDED_FIELDS.get(model._meta.model_name or "", {})
    item = getattr(obj, "implementation", obj)
    if not isinstance(item, ForceImplementation):
        return set(guarded)
    return {name for name, may_read in guarded.items() if not may_read(user, item)}


def gets_digests(user: User) -> bool:
    """Reminder digests go to force users, about their force."""
    return bool(is_force_user(user))


def sees_internal_notes_anywhere(user: User) -> bool:
    """Whether search may look in internal notes (within the rows scoping already allows)."""
    return bool(is_national_admin(user) or is_force_user(user))


def can_record_for_force(user: User, force: Force) -> bool:
    """May record progress on this force's items (its own people and national administrators)."""
    return user.has_perm("inspections.add_progressupdate", force)


def can_publish(user: User, force: Force) -> bool:
    """Publishing a force's s.55 response is its PCC office's act, like issuing the letter."""
    return can_edit_letters(user, force)


def answered_by_force(inspection: Inspection) -> bool:
    """Whether the force itself answers the report (a coroner's, the IOPC's…), not its office."""
    return inspection.duty.responder == Responder.FORCE


def can_write_response(user: User, force: Force | None, inspection: Inspection) -> bool:
    """Who drafts, issues, records and publishes the letters answering a report: the office's
    PCC staff where the office answers (the s.55 response); where the force answers (a coroner,
    the IOPC), its force lead or its PCC staff, for the office sees and tracks it too."""
    if force is None:
        return False
    if answered_by_force(inspection):
        return bool(may_write_force_responses.test(user, force))
    return can_edit_letters(user, force)


def can_act_on_letter(user: User, letter: ProgressLetter | LetterSentElsewhere) -> bool:
    return can_write_response(user, letter.force, letter.inspection)


def can_record_response_date(user: User, inspection: Inspection) -> bool:
    """Who records a date the recommender gave for the response, where its duty takes one: a
    national administrator; or the people who write the response, for a report addressed to
    their force alone (the date is the report's)."""
    if not inspection.duty.takes_a_given_date or inspection.is_draft:
        return False
    if is_national_admin(user):
        return True
    force = user.force
    if force is None or not can_write_response(user, force, inspection):
        return False
    addressed = list(Force.objects.addressed_by(inspection).values_list("pk", flat=True))
    return addressed == [force.pk]


def can_keep_letter_template(user: User, force: Force, writer: str) -> bool:
    """The office's letter template is its PCC staff's; the force's own, for the letters the
    force writes, its force lead's and its PCC staff's."""
    if writer == Responder.FORCE:
        return bool(may_write_force_responses.test(user, force))
    return can_edit_letters(user, force)


def reports_answered_by(user: User, force: Force) -> QuerySet[Inspection]:
    """The reports addressed to the force whose letters this person drafts, issues and
    records: every one for its PCC staff; for its force lead, those the force answers."""
    addressed = Inspection.objects.addressed_to(force)
    if may_write_letters.test(user, force):
        return addressed
    if may_write_force_responses.test(user, force):
        answered = [code for code, duty in DUTIES.items() if duty.responder == Responder.FORCE]
        return addressed.filter(source__in=answered)
    return addressed.none()


def can_record_chief_comments(user: User, force: Force) -> bool:
    """The chief constable's comments reach the PCC's office from the force: either records."""
    return bool((is_force_user & in_same_force).test(user, force))


def can_respond_to_chief_comments(user: User, force: Force) -> bool:
    """The response to them is the local policing body's."""
    return can_edit_letters(user, force)


def can_enter_reports(user: User) -> bool:
    """May enter a new report and its findings: national administrators any report, PCC staff
    a report addressed to their own force alone (``can_enter_report``)."""
    return bool(is_national_admin(user) or is_pcc_staff(user))


def can_enter_report(user: User, inspection: Inspection) -> bool:
    """May enter, change and publish this draft report."""
    if is_national_admin(user):
        return True
    if not is_pcc_staff(user) or inspection.addressed_to != AddressedTo.CHOSEN_FORCES:
        return False
    named = {force.pk for force in inspection.forces.all()} if inspection.pk else set()
    return not inspection.pk or named == {user.force_id}


def enterable_reports[Reports: QuerySet[Inspection]](user: User, reports: Reports) -> Reports:
    """The reports ``user`` may change on the entry page (``can_enter_report``, as a query):
    every report for a national administrator; for PCC staff, those addressed to their own
    force alone."""
    if is_national_admin(user):
        return reports
    if not is_pcc_staff(user) or user.force_id is None:
        return reports.none()
    others = Inspection.forces.through.objects.exclude(force_id=user.force_id)
    return reports.filter(addressed_to=AddressedTo.CHOSEN_FORCES, forces=user.force_id).exclude(
        pk__in=others.values("inspection_id")
    )


def may_use_admin(user: User | AnonymousUser) -> bool:
    """The admin screens are the national administrators' and the force's working people's;
    office administrators manage people on the service's pages, and scrutiny reads there."""
    return (
        isinstance(user, User)
        and has_tracker_access(user)
        and (user.sees_all_forces or user.is_force_user)
    )


def may_enter_data(user: User) -> bool:
    """Offered the admin (the back office): national administrators, and PCC staff, who keep
    their force's record (commissioner, chief constable) there. Nobody else needs it."""
    return user.is_national_admin or user.role == Role.PCC_STAFF


def can_read_audit_trail(user: User) -> bool:
    """The whole audit trail, every force's changes: national administrators only."""
    return bool(is_national_admin(user))


# --- follow-up: local actions, extension requests, the inspectorate's closure, meeting packs ---


def can_manage_actions(user: User, implementation: ForceImplementation) -> bool:
    """A force's people break its findings into actions; national administrators may help."""
    return user.has_perm("inspections.change_forceimplementation", implementation)


def can_request_extension(user: User, implementation: ForceImplementation) -> bool:
    """The force asks for more time: its own people, never someone outside it."""
    return bool((is_force_user & in_same_force).test(user, implementation))


def can_decide_extension(user: User, request: ExtensionRequest) -> bool:
    """The office decides (for itself or its committee), and never on its own request."""
    return bool(
        (is_pcc_staff & in_same_force).test(user, request.implementation)
        and request.requested_by_id != user.pk
    )


def can_record_closure(user: User, implementation: ForceImplementation) -> bool:
    """The inspectorate writes to the office; national administrators keep national records."""
    return bool(
        is_national_admin(user) or (is_pcc_staff & in_same_force).test(user, implementation)
    )


def can_make_pack(user: User, *, force: Force | None, region: Region | None) -> bool:
    """A force's pack is its office's; a region's is a national administrator's."""
    if is_national_admin(user):
        return True
    return (
        force is not None
        and region is None
        and bool((is_pcc_staff & in_same_force).test(user, force))
    )


def can_read_pack(user: User, pack: MeetingPack) -> bool:
    if pack.force is not None:
        return bool(may_read_force_data.test(user, pack.force))
    return bool(sees_every_force(user) or is_national_admin(user))


# --- people: invitations, approvals, roles and removals --------------------------------------


def can_manage_people(user: User | AnonymousUser) -> bool:
    """May open the people pages: national administrators (everyone) and office administrators
    (their own force's people)."""
    return bool(is_national_admin(user) or is_office_admin(user))


def manageable_roles(user: User) -> list[Role]:
    """The roles this person may give: an office administrator its force's roles, a national
    administrator every role."""
    if is_national_admin(user):
        return [role for role in Role if role != Role.PENDING]
    if is_office_admin(user):
        return [Role.PCC_STAFF, Role.FORCE_LEAD, Role.OFFICE_ADMIN, Role.SCRUTINY]
    return []


def people_of(user: User) -> QuerySet[User]:
    """The accounts this person manages: everyone for a national administrator; their own
    force's people for an office administrator; nobody otherwise."""
    if is_national_admin(user):
        return User.objects.all()
    if is_office_admin(user):
        return User.objects.filter(force=user.force_id)
    return User.objects.none()


def can_manage_person(user: User, person: User) -> bool:
    """Never oneself (nobody removes or demotes their own access by mistake), never a
    superuser unless one is a national administrator."""
    if person.pk == user.pk:
        return False
    if is_national_admin(user):
        return True
    return (
        bool(is_office_admin(user))
        and person.force_id == user.force_id
        and (not person.is_superuser)
    )


# --- the API: keys per office ---------------------------------------------------------------


def can_manage_api_keys(user: User, force: Force | None) -> bool:
    """A force's keys are its office administrators' (and national administrators'); national
    keys are national administrators' alone."""
    if is_national_admin(user):
        return True
    return force is not None and bool((is_office_admin & in_same_force).test(user, force))


def api_keys_of(user: User) -> QuerySet[ApiKey]:
    if is_national_admin(user):
        return ApiKey.objects.all()
    if is_office_admin(user):
        return ApiKey.objects.filter(force=user.force_id)
    return ApiKey.objects.none()


def api_reader(key: ApiKey) -> User:
    """Whom a key reads as: a force key what that force's scrutiny member reads (its items, as
    sent, never internal notes or drafts), a national key what the viewer reads. Never saved."""
    if key.force_id:
        return User(username=f"api:{key.prefix}", role=Role.SCRUTINY, force_id=key.force_id)
    return User(username=f"api:{key.prefix}", role=Role.VIEWER)
