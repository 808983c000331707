"""Letter pages: drafting, editing, preview, issue and download. Thin: writes in services.py,
access in permissions.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from inspections import clock, permissions
from inspections import services as report_services
from inspections.formfields import page_status, save_posted
from inspections.http import AuthenticatedHttpRequest
from inspections.models import (
    Inspection,
    LetterRecipient,
    LetterSentElsewhere,
    ProgressLetter,
)
from inspections.models.letters import S55State
from inspections.reports.pages import (
    BadInput,
    chosen_inspection,
    handles_bad_input,
    respond,
)
from inspections.responses import queries
from inspections.tables import Cell, Column, Table
from inspections.text import is_plain_number

from . import content, services
from . import render as rendering
from .forms import IssueForm, LetterForm, NewLetterForm, ResponseDateForm, ResponseFilterForm

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}


def letter_or_404(request: AuthenticatedHttpRequest, uuid: str) -> ProgressLetter:
    return get_object_or_404(queries.visible_letters(request.user), uuid=uuid)


def letter_list(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    letters = queries.visible_letters(request.user).order_by("-created_at")
    sent_elsewhere = (
        permissions.scope_queryset(request.user, LetterSentElsewhere.objects.all())
        .select_related("force", "inspection")
        .order_by("-sent_on")
    )
    user = request.user
    draftable = (
        list(permissions.reports_answered_by(user, user.force).order_by("is_sample", "-published"))
        if user.force is not None
        else []
    )
    return render(
        request,
        "letters/list.html",
        {
            "letters": letters,
            "sent_elsewhere": sent_elsewhere,
            "can_draft": bool(draftable),
            "inspections": draftable,
        },
    )


@require_POST
def letter_new(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    user = request.user
    force = user.force
    if force is None or not permissions.is_force_user(user):
        raise PermissionDenied("Only a force's own people draft its letters.")
    chosen = NewLetterForm(request.POST, force=force)
    if not chosen.is_valid():
        messages.error(request, "Choose the inspection the letter answers.")
        return redirect("letters")
    inspection = chosen.cleaned_data["inspection"]
    if not permissions.can_write_response(user, force, inspection):
        raise PermissionDenied("The office's PCC staff draft the letters answering this report.")
    try:
        letter = services.draft_letter(force=force, inspection=inspection, author=user)
    except (ValidationError, content.LetterDataError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("letters")
    messages.success(request, "Draft created from your latest updates. Edit any paragraph below.")
    return redirect("letter-edit", uuid=letter.uuid)


def changes_since(letter: ProgressLetter) -> list[dict[str, object]]:
    """For each recommendation, whether the narrative differs from the letter this follows."""
    if letter.follows is None:
        return []
    before = {s.recommendation_id: s.narrative for s in letter.follows.sections.all()}
    return [
        {
            "reference": section.reference,
            "state": "new"
            if section.recommendation_id not in before
            else (
                "unchanged" if before[section.recommendation_id] == section.narrative else "changed"
            ),
            "previous": before.get(section.recommendation_id, ""),
        }
        for section in letter.sections.all()
    ]


def letter_detail(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponseBase:
    letter = letter_or_404(request, uuid)
    built = content.from_letter(letter)
    can_edit = not letter.is_issued and permissions.can_act_on_letter(request.user, letter)
    publication = getattr(letter, "publication", None)
    return render(
        request,
        "letters/detail.html",
        {
            "letter": letter,
            "newer": content.newer_updates(letter) if not letter.is_issued else {},
            "chief_comments": queries.chief_comments_on(letter.force_id, letter.inspection_id),
            "recipient": recipient_check(letter) if not letter.is_issued else None,
            "publication": publication,
            "can_publish": letter.is_issued
            and publication is None
            and permissions.can_act_on_letter(request.user, letter),
            "body": rendering.html(built, standalone=False),
            "can_edit": can_edit,
            "changes": changes_since(letter),
            "can_choose_response": letter.is_issued
            and permissions.can_act_on_letter(request.user, letter)
            and queries.response_letter(letter.force, letter.inspection) != letter,
        },
    )


def letter_edit(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponseBase:
    letter = letter_or_404(request, uuid)
    if not permissions.can_act_on_letter(request.user, letter):
        raise PermissionDenied("Only the force's PCC staff can edit its letters.")
    if letter.is_issued:
        messages.error(request, "This letter has been issued and can no longer be changed.")
        return redirect("letter", uuid=letter.uuid)
    newer = content.newer_updates(letter)
    form = LetterForm(request.POST or None, instance=letter, newer=newer)
    # "Use the latest" beside a section saves the whole form, that section taking the newer
    # update's words: the user's edits elsewhere are kept.
    use_latest = {int(v) for v in request.POST.getlist("use_latest") if is_plain_number(v)}
    stale = False
    try:
        saved = save_posted(
            request,
            form,
            lambda data: services.update_draft(
                letter=letter,
                author=request.user,
                version=data["version"],
                fields=form.letter_fields(),
                narratives=form.narratives(),
                use_latest=use_latest,
            ),
        )
    except services.StaleLetterError as error:
        form.add_error(None, str(error))
        saved, stale = None, True
    if saved:
        taken = [s.reference for s in letter.sections.all() if s.pk in use_latest]
        if taken:
            messages.success(
                request,
                f"{', '.join(taken)} now {'has' if len(taken) == 1 else 'have'} the "
                "latest update's words; your other edits are saved.",
            )
            return redirect("letter-edit", uuid=letter.uuid)
        messages.success(request, "Draft saved.")
        return redirect("letter", uuid=letter.uuid)
    context = {"letter": letter, "form": form, "recipient": recipient_check(letter)}
    return render(request, "letters/edit.html", context, status=409 if stale else page_status(form))


RECIPIENT_RECHECK_DAYS = 90


def recipient_check(letter: ProgressLetter) -> dict[str, object] | None:
    """When a national administrator last confirmed the recipient, and whether that is long
    enough ago (or never) that PCC staff should ask before sending; None for a letter to the
    body that made the recommendations (a coroner, say), which no one here keeps."""
    key = letter.inspection.duty.recipient_key
    if not key:
        return None
    confirmed = (
        LetterRecipient.objects.filter(key=key).values_list("confirmed_on", flat=True).first()
    )
    stale = confirmed is None or (clock.today() - confirmed).days > RECIPIENT_RECHECK_DAYS
    return {"confirmed_on": confirmed, "stale": stale, "days": RECIPIENT_RECHECK_DAYS}


def letter_issue(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponseBase:
    """A check page first: issuing cannot be undone."""
    letter = letter_or_404(request, uuid)
    if not permissions.can_act_on_letter(request.user, letter):
        raise PermissionDenied("Only the force's PCC staff can issue its letters.")
    if letter.is_issued:
        messages.error(request, "This letter has already been issued.")
        return redirect("letter", uuid=letter.uuid)
    form = IssueForm(
        request.POST if request.method == "POST" else None,
        initial={"issued_on": clock.today()},
    )
    if save_posted(
        request,
        form,
        lambda data: services.issue_letter(
            letter=letter, author=request.user, issued_on=data["issued_on"]
        ),
        aliases={"__all__": "issued_on"},
    ):
        messages.success(request, "Letter issued. Its text and files are now kept exactly as sent.")
        return redirect("letter", uuid=letter.uuid)
    empty = [s.reference for s in letter.sections.all() if not s.narrative.strip()]
    return render(
        request,
        "letters/issue.html",
        {
            "letter": letter,
            "form": form,
            "empty_sections": empty,
            "chief_comments": queries.chief_comments_on(letter.force_id, letter.inspection_id),
        },
        status=page_status(form),
    )


def letter_discard(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponseBase:
    """A check page first: a discarded draft is gone."""
    letter = letter_or_404(request, uuid)
    if not permissions.can_act_on_letter(request.user, letter):
        raise PermissionDenied("Only the force's PCC staff can discard its drafts.")
    if request.method == "POST":
        try:
            services.discard_draft(letter=letter, author=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("letter", uuid=letter.uuid)
        messages.success(request, "Draft discarded.")
        return redirect("letters")
    return render(request, "letters/discard.html", {"letter": letter})


def letter_download(request: AuthenticatedHttpRequest, uuid: str, fmt: str) -> HttpResponseBase:
    letter = letter_or_404(request, uuid)
    if fmt not in CONTENT_TYPES:
        raise Http404("Letters download as pdf, docx or html.")
    name = f"{letter.force.slug}-{letter.inspection.slug}-letter"
    if letter.is_issued:
        # Exactly the bytes that were issued, never regenerated.
        name += f"-{letter.issued_on:%Y-%m-%d}"
        if fmt == "html":
            data = letter.html_snapshot.encode("utf-8")
        else:
            stored = letter.docx_file if fmt == "docx" else letter.pdf_file
            return FileResponse(
                stored.open("rb"),
                as_attachment=True,
                filename=f"{name}.{fmt}",
                content_type=CONTENT_TYPES[fmt],
            )
    else:
        name += "-draft"
        built = content.from_letter(letter)
        data = {
            "html": lambda: rendering.html(built).encode("utf-8"),
            "docx": lambda: rendering.docx(built),
            "pdf": lambda: rendering.pdf(built),
        }[fmt]()
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@handles_bad_input
def responses(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    today = clock.today()
    chosen, picker = chosen_inspection(request, queries.default_response_inspection(today))
    choice = ResponseFilterForm(request.GET)
    if not choice.is_valid():
        raise BadInput(*choice.problems())
    table = Table(
        "responses",
        f"s.55 responses: {chosen.title}" if chosen else "s.55 responses",
        [
            Column("Force"),
            Column("Region"),
            Column("Response due"),
            Column("State"),
            Column("Sent on"),
            Column("Days late", numeric=True),
            Column("Letter"),
        ],
        empty_message="No forces in this state.",
    )
    rows = queries.responses(request.user, chosen, today) if chosen else []
    shown = choice.apply(rows)
    for row in shown:
        late_by = (row.issued_on or today) - row.due
        table.add(
            Cell(row.force.name, url=reverse("force", args=[row.force.slug])),
            row.force.region.name,
            row.due,
            Cell(S55State(row.state).label),
            row.issued_on,
            late_by.days if late_by.days > 0 else None,
            Cell("Read the letter", url=row.letter_url) if row.letter_url else Cell(""),
        )
    context = {
        "picker": picker,
        "chosen": chosen,
        # The s.55 words for an inspection; a coroner's, the IOPC's… in their duty's words.
        "other_duty": chosen.duty if chosen and chosen.duty.named else None,
        "may_record_date": chosen is not None
        and permissions.can_record_response_date(request.user, chosen),
        "counts": queries.response_counts(rows),
        "choice": choice,
    }
    stem = f"s55-responses-{chosen.slug}" if chosen else "s55-responses"
    return respond(request, "letters/responses.html", context, [table], stem, today)


def response_date(request: AuthenticatedHttpRequest, inspection: str) -> HttpResponse:
    """Record a date the recommender gave for the response (an extension by the IOPC or a
    coroner, a committee's date): the response clock moves; the findings' dates do not."""
    report = get_object_or_404(Inspection.objects.released(), slug=inspection)
    if not permissions.can_record_response_date(request.user, report):
        raise PermissionDenied(
            "Only the people who write this report's response, or a national administrator, "
            "record a new date for it; an s.55 response's date is never extended."
        )
    form = ResponseDateForm(request.POST or None)
    if save_posted(
        request,
        form,
        lambda data: report_services.record_response_date(
            inspection=report, given=data["given"], by=request.user
        ),
        aliases={"response_given": "given"},
    ):
        messages.success(
            request,
            f"The {report.duty.name} is now due by {form.cleaned_data['given']:%-d %B %Y}.",
        )
        return redirect(f"{reverse('responses')}?inspection={report.slug}")
    return render(
        request,
        "letters/response_date.html",
        {"report": report, "duty": report.duty, "form": form},
        status=page_status(form),
    )
