"""登记: the clerk's registration form, also raised from another area's source
(a dispute whose mediation failed, through petitions.registry)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from xinfang.core import idempotency, notify, pii
from xinfang.core.exceptions import PermissionDenied
from xinfang.core.forms import submit_once
from xinfang.core.querycode import format_query_code
from xinfang.orgs import selectors as org_selectors
from xinfang.orgs.models import Role

from .. import forms, permissions, registry, services
from . import window
from .matter import RECEIPT_KEY

# The registration sources petitions knows by key (registry.REGISTRATION_SOURCES),
# and the form field / query parameter that names one.
SOURCE_KEY = "dispute"
SOURCE_PARAMETER = "from_dispute"


def _registering_units(user) -> list:
    return [m.unit for m in org_selectors.memberships_of(user) if m.role == Role.CLERK]


def _registered(request, p, warnings=None):
    if not permissions.may_see(request.user, p):
        # An accusation against the clerk's own unit: it goes to the petition office
        # only, and the clerk cannot open it again; the receipt is shown once, here.
        receipt = {"number": p.number, "query_code": format_query_code(p.query_code)}
        response = render(request, "petitions/registered_confidential.html", {"receipt": receipt})
        response["Cache-Control"] = "no-store"
        return response
    request.session[RECEIPT_KEY] = p.pk
    window.allow_print(request, p)
    messages.success(request, _("Registered as matter %(number)s.") % {"number": p.number})
    sms_to = getattr(p, "receipt_sms_to", [])
    if sms_to:
        phones = "、".join(sms_to)
        if notify.will_deliver("sms"):
            messages.info(
                request,
                _("The number and the query code have been sent by SMS to %(phones)s.")
                % {"phones": phones},
            )
        else:
            messages.warning(
                request,
                _(
                    "No SMS has been sent to %(phones)s: this service has no SMS gateway. "
                    "Give the petitioner the printed receipt."
                )
                % {"phones": phones},
            )
    for warning in warnings or []:
        messages.warning(request, warning)
    return redirect("petitions:detail", pk=p.pk)


def _source(request, source_id):
    """The registration source the form is raised from (404 unless the user sees
    it, or no area provides it), or None when it is not raised from one."""
    source_id = (source_id or "").strip() if isinstance(source_id, str) else source_id
    if not source_id:
        return None
    provider = registry.registration_source(SOURCE_KEY)
    if provider is None:
        raise Http404
    return provider.describe(request, str(source_id))


def _choice_values(choices) -> set[str]:
    values = set()
    for value, label in choices:
        if isinstance(label, list | tuple):  # an <optgroup>
            values.update(str(v) for v, _label in label)
        else:
            values.add(str(value))
    return values


def _prefilled(request, source: dict, units):
    """The registration form filled in from the source (built on the server:
    nothing personal in the URL); each full ID number and phone copied into the
    form is a read of personal data, put on the security record."""
    initial = {"idempotency_key": uuid.uuid4(), **source["initial"]}
    form = forms.RegistrationForm(registering_units=units, initial=initial)
    if str(initial.get("place")) not in _choice_values(form.fields["place"].choices):
        form.initial.pop("place", None)  # outside the clerk's territory: they choose
    rows = []
    for row, target in zip(source["petitioners"], source["reveal_targets"], strict=True):
        for field in ("id_number", "phone"):
            if row.get(field):
                pii.reveal(
                    user=request.user,
                    request=request,
                    target=target,
                    field=field,
                    value=row[field],
                )
        rows.append(row)
    formset = forms.PetitionerFormSet(prefix="petitioners", initial=rows[:5])
    return form, formset


@login_required
def register(request):
    """登记: the clerk's form. A hidden key per form makes a double submit one matter.
    `?from_dispute=<id>` fills it in from a dispute whose mediation failed."""
    units = _registering_units(request.user)
    if not units:
        raise PermissionDenied()
    loose_errors: list = []
    status = 200
    source = None
    if request.method == "POST":
        form = forms.RegistrationForm(request.POST, request.FILES, registering_units=units)
        formset = forms.PetitionerFormSet(request.POST, prefix="petitioners")
        # Both are checked, so that every error shows in one submit.
        form_valid = form.is_valid()
        if formset.is_valid() and form_valid:
            source = _source(request, form.cleaned_data.get(SOURCE_PARAMETER))
            done = _register_posted(request, form, formset, source)
            if not isinstance(done, tuple):
                return done
            status, loose_errors = done
        else:
            source = _source(request, request.POST.get(SOURCE_PARAMETER, ""))
        status = status if status != 200 else 400
    elif request.GET.get(SOURCE_PARAMETER):
        source = _source(request, request.GET[SOURCE_PARAMETER])
        if not source["raisable"]:
            messages.error(
                request,
                _("A petition can be raised only once, from a dispute whose mediation failed."),
            )
            return redirect(source["url"])
        form, formset = _prefilled(request, source, units)
    else:
        form = forms.RegistrationForm(
            registering_units=units, initial={"idempotency_key": uuid.uuid4()}
        )
        formset = forms.PetitionerFormSet(prefix="petitioners")
    response = render(
        request,
        "petitions/register.html",
        {
            "form": form,
            "formset": formset,
            "petitioner_errors": loose_errors,
            "has_errors": status != 200,
            "source": source,
            "panels": _registration_panels(request),
        },
        status=status,
    )
    if source is not None:
        response["Cache-Control"] = "no-store"  # personal data in full
    return response


def _registration_panels(request) -> list[str]:
    """What other areas show on this page (petitions.registry.REGISTRATION_PANELS)."""
    return [
        mark_safe(  # noqa: S308 - a template the registering area owns, autoescaped
            render_to_string(
                panel["template"], {k: v for k, v in panel.items() if k != "template"}, request
            )
        )
        for panel in registry.registration_panels(request)
    ]


def _register_posted(request, form, formset, source):
    """Register the valid form: the matter's page, or (status, loose errors) to show
    the form again. The form's one-time token is the idempotency key, scoped to
    the clerk, with the content's fingerprint: a double submit answers the first
    matter; the same token with other content is a 409 (core.idempotency)."""
    key = idempotency.scoped(
        idempotency.user_scope(request.user), form.cleaned_data["idempotency_key"]
    )
    rows, index = forms.petitioner_rows(formset)
    registration = {
        "petitioners": rows,
        "attachments": request.FILES.getlist("attachments"),
        **form.service_fields(),
    }
    origin = source["object"] if source is not None else None
    fingerprint = idempotency.fingerprint({**registration, "dispute": origin}) if key else ""

    def call():
        p, _created = services.petition_register_once(
            lambda: _register_new(
                request,
                source=source,
                registration={
                    **registration,
                    "idempotency_key": key,
                    "idempotency_fingerprint": fingerprint,
                },
            ),
            idempotency_key=key,
            fingerprint=fingerprint,
        )
        return _registered(request, p, forms.id_warnings(formset))

    outcome = submit_once(
        form,
        call,
        token_field="idempotency_key",
        placer=forms.petitioner_placer(formset, index),
    )
    if outcome.ok:
        return outcome.result
    return outcome.status, outcome.loose


def _register_new(request, *, source, registration: dict):
    """Register the matter: raised from its source (the source's service), or plain."""
    if source is None:
        p = services.petition_register(actor=request.user, **registration)
    else:
        provider = registry.registration_source(SOURCE_KEY)
        p = provider.raise_petition(
            actor=request.user, source_id=source["object"].pk, registration=registration
        )
    registry.after_registration(request, p)
    return p
