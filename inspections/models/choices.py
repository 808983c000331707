"""The vocabularies of the domain, shared by models, forms, reports and importers."""

from django.db import models


class Role(models.TextChoices):
    PCC_STAFF = "pcc_staff", "PCC staff"
    FORCE_LEAD = "force_lead", "Chief constable / force lead"
    NATIONAL_ADMIN = "national_admin", "National administrator"
    VIEWER = "viewer", "Viewer"
    OFFICE_ADMIN = "office_admin", "Office administrator"
    SCRUTINY = "scrutiny", "Scrutiny member (panel or audit committee)"
    # Signed in through a tenant the office uses, waiting for the office to give them a role.
    PENDING = "pending", "Waiting for approval"


# The roles that work on a force's items (record, sign off, write letters).
FORCE_ROLES = frozenset({Role.PCC_STAFF, Role.FORCE_LEAD})
# The roles that read one force's items and nothing of any other force's.
ONE_FORCE_READERS = FORCE_ROLES | {Role.OFFICE_ADMIN, Role.SCRUTINY}
# Every role that belongs to exactly one force.
ONE_FORCE_ROLES = ONE_FORCE_READERS | {Role.PENDING}


class Governance(models.TextChoices):
    PCC = "pcc", "Police and crime commissioner"
    PFCC = "pfcc", "Police, fire and crime commissioner"
    MAYOR = "mayor", "Mayor"
    POLICE_AUTHORITY = "police_authority", "Police authority"


class Scope(models.TextChoices):
    LOCAL = "local", "Each force"
    NATIONAL = "national", "A national body"


class Addressee(models.TextChoices):
    CHIEF_CONSTABLES = "chief_constables", "Chief constables"
    REGIONAL_ACC_LEADS = "regional_acc_leads", "Regional ACC firearms leads"
    COLLEGE_OF_POLICING = "college_of_policing", "College of Policing"
    NPCC = "npcc", "National Police Chiefs' Council"
    HOME_OFFICE = "home_office", "Home Office"
    COUNTER_TERRORISM_POLICING = "counter_terrorism_policing", "Counter Terrorism Policing"
    OTHER = "other", "Other"


class DeadlineKind(models.TextChoices):
    """A deadline in the report's own terms (the design brief's three dates)."""

    DATE = "date", "By a date"
    IMMEDIATE = "immediate", "With immediate effect"
    WITHIN_MONTHS = "within_months", "Within a number of months of publication"
    BY_MONTH = "by_month", "By the end of a month"
    NONE = "none", "No deadline"
    NOT_ENTERED = "not_entered", "Not entered yet"


# The forms of deadline whose date is kept in ``Recommendation.deadline`` (for 'within N months'
# worked out from publication day); 'with immediate effect' falls due on publication day itself.
DATED_DEADLINES = frozenset({DeadlineKind.DATE, DeadlineKind.WITHIN_MONTHS, DeadlineKind.BY_MONTH})


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


class ItemState(models.TextChoices):
    """What every page, export, pack and letter says an item's state is: its status, except that
    an item awaiting dependencies that have all been delivered or withdrawn is the force's to
    review, and an item whose latest update is the force lead sending it back is returned.
    Kept in ``ForceImplementation.state`` (``Attention.state``), the one definition."""

    NOT_STARTED = Status.NOT_STARTED.value, Status.NOT_STARTED.label
    IN_PROGRESS = Status.IN_PROGRESS.value, Status.IN_PROGRESS.label
    RETURNED = "returned", "Returned to PCC staff"
    AWAITING_DEPENDENCY = Status.AWAITING_DEPENDENCY.value, Status.AWAITING_DEPENDENCY.label
    NEEDS_REVIEW = "needs_review", "Dependency delivered: review"
    IMPLEMENTED = Status.IMPLEMENTED.value, Status.IMPLEMENTED.label
    COMPLETE = Status.COMPLETE.value, Status.COMPLETE.label
    NOT_APPLICABLE = Status.NOT_APPLICABLE.value, Status.NOT_APPLICABLE.label


class LetterPurpose(models.TextChoices):
    """What a letter to the Home Secretary is: the office's first answer to a report, or a later
    report of progress. Only the response counts on the s.55 clock."""

    RESPONSE = "response", "s.55 response"
    PROGRESS = "progress", "Progress letter"


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


class Marking(models.TextChoices):
    """The protective marking an office prints on its meeting pack (Government Security
    Classifications)."""

    NONE = "none", "No marking"
    OFFICIAL = "official", "OFFICIAL"
    OFFICIAL_SENSITIVE = "official_sensitive", "OFFICIAL-SENSITIVE"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class Source(models.TextChoices):
    """The body whose report it is. Each has its own response duty (``models/duties.py``)."""

    HMICFRS = "hmicfrs", "HMICFRS inspection"
    IOPC = "iopc", "IOPC learning recommendations"
    CORONER = "coroner", "Coroner's prevention of future deaths report"
    INQUIRY = "inquiry", "Public inquiry"
    INTERNAL_AUDIT = "internal_audit", "Internal audit"
    OTHER = "other", "Other"


class Responder(models.TextChoices):
    """Who writes and signs the response to a report."""

    OFFICE = "office", "The police and crime commissioner's office"
    FORCE = "force", "The force (the chief constable signs)"
