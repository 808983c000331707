"""The office's letter template: its letterhead, reference, forms of words, signatory and
signature, kept by the force's PCC staff. Read by anyone who may read the force."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from inspections import permissions
from inspections.http import AuthenticatedHttpRequest
from inspections.models import LetterTemplate

from . import services
from .forms import LetterTemplateForm, add_errors


def letter_template(request: AuthenticatedHttpRequest, force: str) -> HttpResponse:
    chosen = permissions.visible_force_or_404(request.user, force)
    may_edit = permissions.can_edit_letters(request.user, chosen)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied("Only the force's PCC staff keep its letter template.")
    template = LetterTemplate.objects.filter(force=chosen).first() or LetterTemplate(force=chosen)
    form = LetterTemplateForm(request.POST or None, request.FILES or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_letter_template(
                force=chosen,
                author=request.user,
                values={name: form.cleaned_data[name] for name in services.TEMPLATE_TEXT_FIELDS},
                logo=form.cleaned_data.get("logo"),
                signature=form.cleaned_data.get("signature"),
                remove_logo=form.cleaned_data.get("remove_logo", False),
                remove_signature=form.cleaned_data.get("remove_signature", False),
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, "Letter template saved. New drafts will use it.")
            return redirect("letter-template", force=chosen.slug)
    return render(
        request,
        "letters/template.html",
        {"force": chosen, "template": template, "form": form, "may_edit": may_edit},
        status=400 if form.is_bound and form.errors else 200,
    )
