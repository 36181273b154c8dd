"""优先调解 from a petition's page: the petition goes to mediation first."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.core.forms import submit
from xinfang.petitions import selectors as petition_selectors

from .. import services
from ..forms import cases as forms
from ..forms.common import errors_text


@login_required
@require_POST
def divert(request, petition_pk):
    p = petition_selectors.petition_get(user=request.user, pk=petition_pk)
    form = forms.DivertForm(request.POST, prefix="divert")
    back = reverse("petitions:detail", args=[p.pk])
    if not form.is_valid():
        messages.error(request, _("Name the other party and the type of dispute."))
        return redirect(back)
    c = form.cleaned_data
    outcome = submit(
        form,
        lambda: services.petition_divert(
            actor=request.user,
            petition_id=p.pk,
            type=c["type"],
            respondents=[{"name": c["respondent"], "phone": c["respondent_phone"]}],
            to=c["to"],
            note=c["note"],
        ),
    )
    if not outcome.ok:
        messages.error(request, errors_text(form))
        return redirect(back)
    d = outcome.result
    messages.success(
        request, _("Diverted to mediation as dispute %(number)s.") % {"number": d.number}
    )
    return redirect("mediation:dispute", pk=d.pk)
