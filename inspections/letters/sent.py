"""Letters sent outside the tracker (recorded, read, withdrawn) and publishing a sent response
to the public pages. Thin: writes in services.py, access in permissions.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from inspections import permissions
from inspections.addresses import address
from inspections.formfields import page_status, save_posted
from inspections.http import AuthenticatedHttpRequest
from inspections.models import (
    ChiefConstableComments,
    Inspection,
    LetterPurpose,
    LetterSentElsewhere,
    LetterStatus,
    ProgressLetter,
    Publication,
)
from inspections.responses import queries

from . import services
from .forms import (
    ChiefCommentsForm,
    ChooseResponseForm,
    PublishForm,
    SentElsewhereForm,
    WithdrawForm,
)


def sent_or_404(request: AuthenticatedHttpRequest, uuid: str) -> LetterSentElsewhere:
    return get_object_or_404(
        permissions.scope_queryset(request.user, LetterSentElsewhere.objects.all()).select_related(
            "force", "inspection", "recorded_by", "withdrawn_by"
        ),
        uuid=uuid,
    )


def letter_elsewhere_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    force = user.force
    if force is None or not permissions.reports_answered_by(user, force).exists():
        raise PermissionDenied("Only a force's PCC staff record the letters its office sent.")
    form = SentElsewhereForm(
        request.POST or None,
        request.FILES or None,
        force=force,
        reports=permissions.reports_answered_by(user, force),
    )
    if saved := save_posted(
        request,
        form,
        lambda data: services.record_letter_sent_elsewhere(
            force=force,
            inspection=data["inspection"],
            sent_on=data["sent_on"],
            file=data["file"],
            note=data["note"],
            purpose=data["purpose"],
            author=user,
        ),
    ):
        record = saved.value
        messages.success(
            request,
            "Letter recorded. It counts as your s.55 response."
            if record.purpose == LetterPurpose.RESPONSE
            else "Progress letter recorded.",
        )
        return redirect("letter-elsewhere", uuid=record.uuid)
    return render(
        request,
        "letters/elsewhere_new.html",
        {"form": form, "evidence_max_mb": settings.TRACKER_EVIDENCE_MAX_MB},
        status=page_status(form),
    )


def letter_elsewhere(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    record = sent_or_404(request, uuid)
    may_act = permissions.can_act_on_letter(request.user, record)
    published = getattr(record, "publication", None)
    return render(
        request,
        "letters/elsewhere.html",
        {
            "record": record,
            "publication": published,
            "can_withdraw": may_act and not record.is_withdrawn,
            "can_publish": may_act and not record.is_withdrawn and published is None,
            "can_choose_response": may_act
            and not record.is_withdrawn
            and queries.response_letter(record.force, record.inspection) != record,
        },
    )


def letter_elsewhere_file(request: AuthenticatedHttpRequest, uuid: str) -> FileResponse:
    record = sent_or_404(request, uuid)
    return FileResponse(record.file.open("rb"), as_attachment=True, filename=record.file_name)


def letter_elsewhere_withdraw(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """A check page first: withdrawing takes the letter off the s.55 count and public pages."""
    record = sent_or_404(request, uuid)
    if not permissions.can_act_on_letter(request.user, record):
        raise PermissionDenied("Only the force's PCC staff can withdraw its records.")
    if record.is_withdrawn:
        messages.error(request, "This record was already withdrawn.")
        return redirect("letter-elsewhere", uuid=record.uuid)
    form = WithdrawForm(request.POST or None)
    if save_posted(
        request,
        form,
        lambda data: services.withdraw_letter_sent_elsewhere(
            record=record, reason=data["reason"], author=request.user
        ),
    ):
        messages.success(request, "Record withdrawn. It no longer counts for s.55.")
        return redirect("letter-elsewhere", uuid=record.uuid)
    return render(
        request,
        "letters/elsewhere_withdraw.html",
        {"record": record, "form": form, "published": hasattr(record, "publication")},
        status=page_status(form),
    )


def publish(
    request: AuthenticatedHttpRequest, letter: ProgressLetter | LetterSentElsewhere, back: str
) -> HttpResponse:
    if not permissions.can_act_on_letter(request.user, letter):
        raise PermissionDenied("Only the force's PCC staff can publish its response.")
    comments = ChiefConstableComments.objects.filter(
        force=letter.force, inspection=letter.inspection
    ).first()
    form = PublishForm(request.POST or None, has_chief_comments=comments is not None)
    if saved := save_posted(
        request,
        form,
        lambda data: services.publish_response(
            letter=letter,
            office_url=data["office_url"],
            with_chief_comments=data.get("with_chief_comments", False),
            author=request.user,
        ),
    ):
        messages.success(
            request,
            "Published. Anyone can now read it on the public page of "
            f"{saved.value.force.name}'s responses.",
        )
        return redirect(back)
    return render(
        request,
        "letters/publish.html",
        {"letter": letter, "form": form, "back": back, "comments": comments},
        status=page_status(form),
    )


def letter_publish(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    letter = get_object_or_404(queries.visible_letters(request.user), uuid=uuid)
    return publish(request, letter, back=letter.get_absolute_url())


def letter_elsewhere_publish(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    record = sent_or_404(request, uuid)
    return publish(request, record, back=record.get_absolute_url())


def chief_comments(request: AuthenticatedHttpRequest, force: str, inspection: str) -> HttpResponse:
    """The chief constable's comments on one report, and the office's response: read by anyone
    who may read the force; recorded by its people."""
    chosen = permissions.visible_force_or_404(request.user, force)
    report = get_object_or_404(Inspection, slug=inspection)
    comments = (
        ChiefConstableComments.objects.filter(force=chosen, inspection=report)
        .select_related("recorded_by")
        .first()
    )
    may_record = permissions.can_record_chief_comments(request.user, chosen)
    if request.method == "POST" and not may_record:
        raise PermissionDenied("Only the force's own people record its chief's comments.")
    may_respond = permissions.can_respond_to_chief_comments(request.user, chosen)
    initial = (
        {
            "received_on": comments.received_on,
            "text": comments.text,
            "pcc_response": comments.pcc_response,
        }
        if comments
        else {}
    )
    form = ChiefCommentsForm(
        request.POST or None, request.FILES or None, initial=initial, may_respond=may_respond
    )
    if save_posted(
        request,
        form,
        lambda data: services.save_chief_comments(
            force=chosen,
            inspection=report,
            author=request.user,
            received_on=data["received_on"],
            text=data["text"],
            file=data.get("file"),
            pcc_response=data.get("pcc_response") if may_respond else None,
        ),
    ):
        messages.success(request, "The chief constable's comments are saved.")
        return redirect("chief-comments", force=chosen.slug, inspection=report.slug)
    return render(
        request,
        "letters/chief_comments.html",
        {
            "force": chosen,
            "inspection": report,
            "comments": comments,
            "form": form if may_record else None,
            "evidence_max_mb": settings.TRACKER_EVIDENCE_MAX_MB,
            "stale_publications": [
                publication
                for publication in Publication.objects.public().filter(
                    force=chosen, inspection=report, chief_comments__isnull=False
                )
                if services.comments_changed_since_published(publication)
            ]
            if comments is not None and permissions.can_publish(request.user, chosen)
            else [],
        },
        status=page_status(form),
    )


def republish_comments(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    """The check page: the comments as published beside the comments as they now stand; the
    office publishes the new version, or leaves the published one as it is."""
    publication = get_object_or_404(
        permissions.scope_queryset(request.user, Publication.objects.public())
        .exclude(chief_comments=None)
        .select_related("force", "inspection", "chief_comments"),
        uuid=uuid,
    )
    if not permissions.can_publish(request.user, publication.force):
        raise PermissionDenied("Only the force's PCC staff publish its comments.")
    back = address("chief-comments", publication.force.slug, publication.inspection.slug)
    problems: list[str] = []
    if request.method == "POST":
        try:
            services.republish_comments(publication=publication, author=request.user)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, "Published: the public page now shows these comments.")
            return redirect(back)
    return render(
        request,
        "letters/republish_comments.html",
        {
            "publication": publication,
            "current": publication.chief_comments,
            "changed": services.comments_changed_since_published(publication),
            "problems": problems,
            "back": back,
        },
        status=400 if problems else 200,
    )


def letter_response(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    letter = get_object_or_404(
        queries.visible_letters(request.user).filter(status=LetterStatus.ISSUED), uuid=uuid
    )
    return choose_response(request, letter)


def letter_elsewhere_response(request: AuthenticatedHttpRequest, uuid: str) -> HttpResponse:
    return choose_response(request, sent_or_404(request, uuid))


def choose_response(
    request: AuthenticatedHttpRequest, letter: ProgressLetter | LetterSentElsewhere
) -> HttpResponse:
    """The check page: which letter counts as the s.55 response now, which would instead, and
    why (kept in history)."""
    if not permissions.can_act_on_letter(request.user, letter):
        raise PermissionDenied("Only the force's PCC staff choose which letter is its response.")
    current = queries.response_letter(letter.force, letter.inspection)
    form = ChooseResponseForm(request.POST or None)
    if save_posted(
        request,
        form,
        lambda data: services.choose_response(
            letter=letter, reason=data["reason"], author=request.user
        ),
    ):
        messages.success(request, "Done: this letter is now the s.55 response.")
        return redirect(letter.get_absolute_url())
    return render(
        request,
        "letters/choose_response.html",
        {"letter": letter, "current": current, "form": form},
        status=page_status(form),
    )


def chief_comments_file(
    request: AuthenticatedHttpRequest, force: str, inspection: str
) -> FileResponse:
    chosen = permissions.visible_force_or_404(request.user, force)
    comments = get_object_or_404(
        ChiefConstableComments.objects.exclude(file=""),
        force=chosen,
        inspection__slug=inspection,
    )
    return FileResponse(comments.file.open("rb"), as_attachment=True, filename=comments.file_name)
