"""Every write that touches several models, in a transaction, with keyword-only typed
arguments: one module per subject, the same names as ever through this package
(``services.record_progress_update``).

reports: inspections, findings, drafts and publishing to forces, forces.
items: progress updates, the force lead's review, target and agreed dates, the plan.
dependencies: national and regional work added, linked, delivered, withdrawn, corrected, deleted."""

from .dependencies import (
    close_dependency,
    correct_dependency_status,
    delete_dependencies,
    save_dependency,
)
from .items import (
    LEAD_OFFICER_MAX,
    STALE_EDIT_MESSAGE,
    UpdateEntry,
    agree_due_date,
    record_progress_update,
    record_several_updates,
    record_update_from,
    refresh_current_status,
    review_implementation,
    set_target_date,
    update_implementation_plan,
)
from .reports import (
    publish_to_forces,
    record_response_date,
    remove_implementations,
    save_force,
    save_inspection,
    save_read_report,
    save_recommendation,
    save_report,
    sync_implementations,
    unique_inspection_slug,
)

__all__ = [
    "LEAD_OFFICER_MAX",
    "STALE_EDIT_MESSAGE",
    "UpdateEntry",
    "agree_due_date",
    "close_dependency",
    "correct_dependency_status",
    "delete_dependencies",
    "publish_to_forces",
    "record_progress_update",
    "record_response_date",
    "record_several_updates",
    "record_update_from",
    "refresh_current_status",
    "remove_implementations",
    "review_implementation",
    "save_dependency",
    "save_force",
    "save_inspection",
    "save_read_report",
    "save_recommendation",
    "save_report",
    "set_target_date",
    "sync_implementations",
    "unique_inspection_slug",
    "update_implementation_plan",
]
