"""The letter templates: the office's (its letterhead, reference, forms of words, signatory and
signature, kept by its PCC staff) and the force's own for the letters the force writes (kept by
its force lead and PCC staff). Read by anyone who may read the force."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from inspections import permissions
from inspections.formfields import page_status, save_posted
from inspections.http import AuthenticatedHttpRequest
from inspections.models import LetterTemplate, Responder

from . import services
from .forms import LetterTemplateForm


def letter_template(
    request: AuthenticatedHttpRequest, force: str, writer: str = Responder.OFFICE
) -> HttpResponse:
    """The office's template (``writer`` "office"), or the force's own for the letters it
    writes to a coroner or the IOPC ("force")."""
    chosen = permissions.visible_force_or_404(request.user, force)
    may_edit = permissions.can_keep_letter_template(request.user, chosen, writer)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied("You cannot change this letter template.")
    template = LetterTemplate.objects.filter(force=chosen, writer=writer).first() or (
        LetterTemplate(force=chosen, writer=writer)
    )
    form = LetterTemplateForm(request.POST or None, request.FILES or None, instance=template)
    if save_posted(
        request,
        form,
        lambda data: services.save_letter_template(
            force=chosen,
            author=request.user,
            values={name: data[name] for name in services.TEMPLATE_TEXT_FIELDS},
            logo=data.get("logo"),
            signature=data.get("signature"),
            remove_logo=data.get("remove_logo", False),
            remove_signature=data.get("remove_signature", False),
            writer=writer,
        ),
    ):
        messages.success(request, "Letter template saved. New drafts will use it.")
        return redirect(request.path)
    return render(
        request,
        "letters/template.html",
        {
            "force": chosen,
            "template": template,
            "form": form,
            "may_edit": may_edit,
            "force_letters": writer == Responder.FORCE,
        },
        status=page_status(form),
    )
