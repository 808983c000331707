"""The vocabularies of the domain, shared by models, forms, reports and importers."""

from django.db import models


class Role(models.TextChoices):
    PCC_STAFF = "pcc_staff", "PCC staff"
    FORCE_LEAD = "force_lead", "Chief constable / force lead"
    NATIONAL_ADMIN = "national_admin", "National administrator"
    VIEWER = "viewer", "Viewer"


FORCE_ROLES = frozenset({Role.PCC_STAFF, Role.FORCE_LEAD})


class Governance(models.TextChoices):
    PCC = "pcc", "Police and crime commissioner"
    PFCC = "pfcc", "Police, fire and crime commissioner"
    MAYOR = "mayor", "Mayor"
    POLICE_AUTHORITY = "police_authority", "Police authority"


class Scope(models.TextChoices):
    LOCAL = "local", "Local (forces act on it)"
    NATIONAL = "national", "National"


class Addressee(models.TextChoices):
    CHIEF_CONSTABLES = "chief_constables", "Chief constables"
    REGIONAL_ACC_LEADS = "regional_acc_leads", "Regional ACC firearms leads"
    COLLEGE_OF_POLICING = "college_of_policing", "College of Policing"
    NPCC = "npcc", "National Police Chiefs' Council"
    HOME_OFFICE = "home_office", "Home Office"
    COUNTER_TERRORISM_POLICING = "counter_terrorism_policing", "Counter Terrorism Policing"
    OTHER = "other", "Other"


class DeadlineKind(models.TextChoices):
    DATE = "date", "By a date"
    IMMEDIATE = "immediate", "With immediate effect"
    NOT_ENTERED = "not_entered", "Not entered yet"


class DependencyKind(models.TextChoices):
    APP_REVISION = "app_revision", "APP revision"
    NATIONAL_GUIDANCE = "national_guidance", "National guidance"
    REGIONAL_ARRANGEMENT = "regional_arrangement", "Regional arrangement"
    EQUIPMENT = "equipment", "Equipment or supplier"
    OTHER = "other", "Other"


class DependencyStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_DEPENDENCY = "awaiting_dependency", "Awaiting dependency"
    IMPLEMENTED = "implemented", "Implemented – awaiting sign-off"
    COMPLETE = "complete", "Complete"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


# Statuses that close an item: it is never overdue or due soon again.
CLOSED_STATUSES = frozenset({Status.COMPLETE, Status.NOT_APPLICABLE})
# Statuses that need something recorded to justify them.
EVIDENCED_STATUSES = frozenset({Status.COMPLETE, Status.NOT_APPLICABLE})


class OverdueKind(models.TextChoices):
    """How managers read an overdue item: who has to act next."""

    WITHIN_CONTROL = "within_control", "Within the force's control"
    AWAITING_DEPENDENCY = "awaiting_dependency", "Awaiting a dependency"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"


OVERDUE_KIND_STATUSES: dict[str, tuple[str, ...]] = {
    OverdueKind.WITHIN_CONTROL: (Status.NOT_STARTED, Status.IN_PROGRESS),
    OverdueKind.AWAITING_DEPENDENCY: (Status.AWAITING_DEPENDENCY,),
    OverdueKind.AWAITING_SIGN_OFF: (Status.IMPLEMENTED,),
}


class DigestFrequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly (Mondays)"
    NONE = "none", "No digest"


class FindingKind(models.TextChoices):
    """What the inspectorate calls an item. Each kind is numbered on its own in a report."""

    CAUSE_OF_CONCERN = "cause_of_concern", "Cause of concern"
    RECOMMENDATION = "recommendation", "Recommendation"
    AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"


# How each kind is referred to: in full (as reports do), in a narrow column, and the prefix of
# its number in page addresses (recommendations keep the bare number they always had).
FINDING_WORDS: dict[str, tuple[str, str, str]] = {
    FindingKind.CAUSE_OF_CONCERN: ("Cause of concern", "CoC", "coc-"),
    FindingKind.RECOMMENDATION: ("Recommendation", "Rec.", ""),
    FindingKind.AREA_FOR_IMPROVEMENT: ("AFI", "AFI", "afi-"),
}
# Reports list causes of concern first, then recommendations, then areas for improvement.
FINDING_ORDER = {kind: position for position, kind in enumerate(FindingKind.values)}


class AddressedTo(models.TextChoices):
    EVERY_FORCE = "every_force", "Every force (a national thematic report)"
    CHOSEN_FORCES = (
        "chosen_forces",
        "Chosen forces (one force's inspection, PEEL, a regional report)",
    )


class ActionStatus(models.TextChoices):
    AWAITING_ALLOCATION = "awaiting_allocation", "Awaiting allocation"
    IN_PROGRESS = "in_progress", "In progress"
    PENDING_SIGN_OFF = "pending_sign_off", "Pending sign-off"
    CLOSED = "closed", "Closed"


class ExtensionState(models.TextChoices):
    PENDING = "pending", "Awaiting decision"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"


class ClosureAction(models.TextChoices):
    CLOSED = "closed", "Closed by HMICFRS"
    REOPENED = "reopened", "Reopened by HMICFRS"


class RagRule(models.TextChoices):
    """What red, amber and green mean: bodies differ, so a pack prints the rule it used."""

    OVERDUE = "overdue", "Overdue-based"
    COMPLETION = "completion", "Completion-based"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
