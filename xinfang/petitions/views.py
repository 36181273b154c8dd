"""The staff pages of petition matters: input → access → service → response.

Every read goes through selectors (visibility: an outsider gets 404), every
write through services; a domain error becomes its answer here (InvalidInput:
the form again with the errors, 400; Conflict: the page as it now is with the
message, 409; PermissionDenied: 403; NotFound: 404).
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xinfang.core import calendar, idempotency, pii
from xinfang.core.calendar import Colour
from xinfang.core.documents import FontUnavailable, pdf_response
from xinfang.core.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from xinfang.core.querycode import format_query_code
from xinfang.core.views import domain_to_http as _domain_to_http
from xinfang.core.views import forbidden as _forbidden
from xinfang.orgs import permissions
from xinfang.orgs import selectors as org_selectors
from xinfang.orgs.models import Role, UnitLink

from . import dossier, forms, notices, selectors, services, workflow
from . import timeline as timeline_text
from .models import CLOSED_STATES, State

PER_PAGE = 25
COLOURS = ("red", "yellow", "blue", "green")
RECEIPT_KEY = "petitions_receipt"

# Events that are not transitions of workflow.TRANSITIONS.
EVENT_LABELS = {
    "register": gettext_lazy("Registered"),
    "no_longer_accepted": gettext_lazy("Not accepted again (same facts and reasons)"),
    "merged_in": gettext_lazy("Another matter merged into this one"),
    "turned_red": gettext_lazy("Turned red (overdue)"),
    "window_lapsed": gettext_lazy("Concluded: no request within the window"),
    "deadline_recomputed": gettext_lazy("Due date recomputed (holiday schedule)"),
    "divert_to_mediation": gettext_lazy("Diverted to mediation"),
    "resume_after_mediation": gettext_lazy("Resumed after mediation failed"),
    "concluded_by_mediation": gettext_lazy("Concluded by a mediation agreement"),
    "review_outside": gettext_lazy("Review asked for: the organ is outside this system"),
    "re_review_outside": gettext_lazy("Re-review asked for: the organ is outside this system"),
    "dossier_exported": gettext_lazy("File exported for the organ outside this system"),
}
# Acts without a staff actor: the petitioner's through the query code.
PETITIONER_ACTIONS = {
    "register",
    "request_review",
    "request_re_review",
    "review_outside",
    "re_review_outside",
    "evaluate",
}
# Rare actions are folded away under "More actions".
MORE_ACTIONS = {
    "declare_interest",
    "merge",
    "own",
    "decline_intake",
    "return",
    "decline",
    "set_accused",
    "share_identity",
}


# --- helpers ------------------------------------------------------------------------


def available_actions(user, p) -> list[workflow.Transition]:
    """The staff actions this user may take on the matter now, as the services check
    them (services._check_may is the one rule; it is called, not copied)."""
    found = []
    for t in workflow.TRANSITIONS.values():
        if t.permission is None or p.state not in t.sources:
            continue
        # The row's own guards, so that no button is shown that can only fail.
        if p.blocked_reason(t.name):
            continue
        try:
            services._check_may(user, p, t)
        except PermissionDenied:
            continue
        found.append(t)
    return found


def _event_label(action: str):
    t = workflow.get(action)
    return t.label if t is not None else EVENT_LABELS.get(action, action)


def _state_label(value: str):
    return State(value).label if value in State.values else value


def _clock_info(p) -> dict | None:
    if not p.clock:
        return None
    spec = calendar.CLOCKS.get(p.clock)
    info = {
        "label": spec.label if spec else p.clock,
        "started_on": p.clock_started_on,
        "due_date": p.due_date,
        "provisional": p.due_provisional,
        "window_ends_on": p.window_ends_on,
        "hearing_started_on": p.hearing_started_on,
        "extension_days": p.extension_days,
    }
    info["days"] = _days(p.due_date or p.window_ends_on)
    info["is_window"] = p.clock in workflow.PETITIONER_WINDOWS
    info["awaiting_service"] = info["is_window"] and p.served_on is None
    return info


def _days(end, today=None) -> dict:
    """Days left to `end` as the templates show them."""
    if end is None:
        return {"left": None}
    left = calendar.days_left(end, today)
    return {"left": left, "overdue": -left if left < 0 else 0}


def _with_days_left(rows) -> list:
    rows = list(rows)
    today = calendar.today()
    for p in rows:
        p.days = _days(p.due_date or p.window_ends_on, today)
        p.colour_label = Colour(p.colour).label
    return rows


def _page(request, qs, total: int | None = None):
    paginator = Paginator(qs, PER_PAGE)
    if total is not None:
        paginator.count = total  # known from the colour counts: no second COUNT(*)
    page = paginator.get_page(request.GET.get("page"))
    page.rows = _with_days_left(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    page.query = query.urlencode()
    return page


def _colour_chips(request, counts: dict) -> list[dict]:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("colour", None)
    chosen = request.GET.get("colour", "")
    chips = [
        {
            "colour": "",
            "label": _("All"),
            "count": sum(counts.values()),
            "query": query.urlencode(),
            "active": chosen == "",
        }
    ]
    for c in COLOURS:
        q = query.copy()
        q["colour"] = c
        chips.append(
            {
                "colour": c,
                "label": Colour(c).label,
                "count": counts.get(c, 0),
                "query": q.urlencode(),
                "active": chosen == c,
            }
        )
    return chips


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- registration -------------------------------------------------------------------


def _registering_units(user) -> list:
    return [m.unit for m in org_selectors.memberships_of(user) if m.role == Role.CLERK]


def _registered(request, p):
    if not selectors.may_see(request.user, p):
        # An accusation against the clerk's own unit: it goes to the petition office
        # only, and the clerk cannot open it again; the receipt is shown once, here.
        receipt = {"number": p.number, "query_code": format_query_code(p.query_code)}
        response = render(request, "petitions/registered_confidential.html", {"receipt": receipt})
        response["Cache-Control"] = "no-store"
        return response
    request.session[RECEIPT_KEY] = p.pk
    messages.success(request, _("Registered as matter %(number)s.") % {"number": p.number})
    return redirect("petitions:detail", pk=p.pk)


def _from_dispute(request, dispute_id):
    """A failed dispute the clerk raises a petition from (404 unless they see it),
    or None when the form is not raised from one."""
    if not dispute_id:
        return None
    from xinfang.mediation import selectors as mediation_selectors

    return mediation_selectors.dispute_get(user=request.user, pk=dispute_id)


def _choice_values(choices) -> set[str]:
    values = set()
    for value, label in choices:
        if isinstance(label, list | tuple):  # an <optgroup>
            values.update(str(v) for v, _label in label)
        else:
            values.add(str(value))
    return values


def _prefilled(request, dispute_id, units):
    """The registration form filled in from a failed dispute, built on the server
    (nothing personal in the URL); each full ID number and phone copied into the
    form is a read of personal data, put on the security record."""
    from xinfang.mediation import selectors as mediation_selectors
    from xinfang.mediation.models import DisputeState

    prefill = mediation_selectors.petition_prefill(user=request.user, dispute_id=dispute_id)
    d = prefill["dispute"]
    if d.state != DisputeState.FAILED or d.petition_id or (d.data or {}).get("raised_petition"):
        return d, None, None
    initial = {"idempotency_key": uuid.uuid4(), **prefill["form"]}
    form = forms.RegistrationForm(registering_units=units, initial=initial)
    if str(initial["place"]) not in _choice_values(form.fields["place"].choices):
        form.initial.pop("place")  # outside the clerk's territory: they choose
    rows = []
    for party, row in zip(prefill["parties"], prefill["petitioners"], strict=True):
        for field in ("id_number", "phone"):
            if row[field]:
                pii.reveal(
                    user=request.user,
                    request=request,
                    target=f"dispute:{d.number}:party:{party.pk}",
                    field=field,
                    value=row[field],
                )
        rows.append(row)
    formset = forms.PetitionerFormSet(prefix="petitioners", initial=rows[:5])
    return d, form, formset


@login_required
def register(request):
    """登记: the clerk's form. A hidden key per form makes a double submit one matter.
    `?from_dispute=<id>` fills it in from a dispute whose mediation failed."""
    units = _registering_units(request.user)
    if not units:
        return _forbidden(request)
    loose_errors: list = []
    status = 200
    dispute = None
    if request.method == "POST":
        form = forms.RegistrationForm(request.POST, request.FILES, registering_units=units)
        formset = forms.PetitionerFormSet(request.POST, prefix="petitioners")
        if form.is_valid() and formset.is_valid():
            dispute = _from_dispute(request, form.cleaned_data.get("from_dispute"))
            done = _register_posted(request, form, formset, dispute)
            if isinstance(done, HttpResponse):
                return done
            status, loose_errors = done
        else:
            dispute = _from_dispute(request, request.POST.get("from_dispute", "").strip())
        status = status if status != 200 else 400
    elif request.GET.get("from_dispute"):
        dispute, form, formset = _prefilled(request, request.GET["from_dispute"], units)
        if form is None:
            messages.error(
                request,
                _("A petition can be raised only once, from a dispute whose mediation failed."),
            )
            return redirect("mediation:dispute", pk=dispute.pk)
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
            "dispute": dispute,
        },
        status=status,
    )
    if dispute is not None:
        response["Cache-Control"] = "no-store"  # personal data in full
    return response


def _register_posted(request, form, formset, dispute):
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
    fingerprint = idempotency.fingerprint({**registration, "dispute": dispute}) if key else ""

    def replay():
        existing = services.petition_replay(idempotency_key=key, fingerprint=fingerprint)
        return None if existing is None else _registered(request, existing)

    try:
        return replay() or _register_new(
            request,
            dispute=dispute,
            replay=replay,
            registration={
                **registration,
                "idempotency_key": key,
                "idempotency_fingerprint": fingerprint,
            },
        )
    except idempotency.IdempotencyKeyReused:
        form.add_error(None, idempotency.FORM_SENT_BEFORE)
        # A new token, so that the form as it is now can be sent as a new matter.
        form.data = form.data.copy()
        form.data["idempotency_key"] = str(uuid.uuid4())
        return 409, []
    except InvalidInput as exc:
        loose = forms.add_service_errors(form, exc.field_errors, formset=formset, rows_index=index)
        if not exc.field_errors:
            form.add_error(None, str(exc.message))
        return 400, loose
    except (PermissionDenied, NotFound) as exc:
        return _domain_to_http(request, exc)
    except Conflict as exc:
        form.add_error(None, str(exc.message))
        return 409, []


def _register_new(request, *, dispute, registration: dict, replay):
    try:
        if dispute is not None:
            from xinfang.mediation import services as mediation_services

            p = mediation_services.petition_raise(
                actor=request.user, dispute_id=dispute.pk, registration=registration
            )
        else:
            p = services.petition_register(actor=request.user, **registration)
    except (Conflict, IntegrityError):
        # The same form sent twice at once: the other request registered it.
        answer = replay()
        if answer is None:
            raise
        return answer
    return _registered(request, p)


# --- lists --------------------------------------------------------------------------


@login_required
def worklist(request):
    """待办: what waits for this user's action, most urgent first."""
    filter_form = forms.ListFilterForm(request.GET or None, user=request.user)
    filters = filter_form.filters()
    without_colour = {k: v for k, v in filters.items() if k != "colour"}
    counts = selectors.colour_counts(selectors.worklist(user=request.user, filters=without_colour))
    page = _page(
        request,
        selectors.worklist(user=request.user, filters=filters),
        total=selectors.total_from_counts(counts, filters),
    )
    return render(
        request,
        "petitions/worklist.html",
        {
            "filter_form": filter_form,
            "chips": _colour_chips(request, counts),
            "page": page,
            "filtered": bool(filters),
        },
    )


def _supervised_offices(user):
    return UnitLink.objects.filter(
        ancestor_id__in=permissions.member_unit_ids(user, "supervise")
    ).values("descendant_id")


@login_required
def supervision(request):
    """挂牌督办: the open matters of the supervisor's office, by colour, to list and chase."""
    user = request.user
    if not permissions.member_unit_ids(user, "supervise") and not user.is_superuser:
        return _forbidden(request)
    filter_form = forms.ListFilterForm(request.GET or None, user=user)
    filters = filter_form.filters()

    def open_matters(f):
        qs = selectors.petition_list(user=user, filters=f).exclude(state__in=CLOSED_STATES)
        return qs if user.is_superuser else qs.filter(office__in=_supervised_offices(user))

    counts = open_matters({k: v for k, v in filters.items() if k != "colour"})
    page = _page(request, open_matters(filters))
    return render(
        request,
        "petitions/supervision.html",
        {
            "filter_form": filter_form,
            "chips": _colour_chips(request, selectors.colour_counts(counts)),
            "page": page,
            "list_choices": forms.ListForm.base_fields["colour"].choices,
            "filtered": bool(filters),
        },
    )


# --- one matter ---------------------------------------------------------------------


def _timeline(user, p) -> list[dict]:
    rows = []
    for e in selectors.timeline(user=user, petition=p):
        if e.actor_id:
            who = e.actor.get_full_name() or e.actor.get_username()
        elif e.action in PETITIONER_ACTIONS:
            who = _("Petitioner")
        else:
            who = _("System")
        detail = ""
        if e.action == "list":
            colour = (e.data or {}).get("colour")
            detail = Colour(colour).label if colour in Colour.values else _("listing cleared")
        rows.append(
            {
                "event": e,
                "label": _event_label(e.action),
                "who": who,
                "unit": e.actor_unit.name if e.actor_unit_id else "",
                "from_state": _state_label(e.from_state) if e.from_state else "",
                "to_state": _state_label(e.to_state) if e.to_state else "",
                "moved": e.from_state != e.to_state,
                "other_matter": e.petition.number if e.petition_id != p.pk else "",
                "detail": detail,
                "sentence": timeline_text.describe(e),
            }
        )
    return rows


def _petitioners(p, revealed: dict, *, identity: bool = True) -> list[dict]:
    """The petitioners as the page shows them; none where an accusation's accuser
    stays with the petition office (信访工作条例 Art. 30)."""
    if not identity:
        return []
    rows = []
    for x in p.petitioners.all():
        shown = revealed.get(x.pk)
        rows.append(
            {
                "pk": x.pk,
                "name": x.name,
                "id_number": shown["id_number"] if shown else pii.mask_id_number(x.id_number),
                "phone": shown["phone"] if shown else pii.mask_phone(x.phone),
                "has_hidden": bool(x.id_number or x.phone),
                "address": x.address,
                "is_representative": x.is_representative,
                "revealed": shown is not None,
            }
        )
    return rows


def _render_matter(request, p, *, bound=None, revealed=None, error=None, status=200, next_url=""):
    from xinfang.mediation.panels import petition_panel as mediation_panel  # 优先调解

    user = request.user
    actions = []
    for t in available_actions(user, p):
        form_class = forms.ACTION_FORMS.get(t.name)
        if form_class is None:
            continue
        if bound is not None and bound.prefix == t.name:
            form = bound
        else:
            form = form_class(prefix=t.name, petition=p, user=user)
        actions.append({"t": t, "form": form, "more": t.name in MORE_ACTIONS})
    receipt = None
    if request.session.get(RECEIPT_KEY) == p.pk:
        del request.session[RECEIPT_KEY]
        receipt = {"number": p.number, "query_code": format_query_code(p.query_code)}
    colour = selectors.colour_of(p)
    identity = selectors.may_see_identity(user, p)
    same_as = p.same_as if p.same_as_id and selectors.may_see(user, p.same_as) else None
    merged_into = (
        p.merged_into if p.merged_into_id and selectors.may_see(user, p.merged_into) else None
    )
    context = {
        "p": p,
        "colour": colour,
        "colour_label": Colour(colour).label,
        "clock": _clock_info(p),
        "petitioners": _petitioners(p, revealed or {}, identity=identity),
        "identity_withheld": not identity,
        "may_reveal": identity and selectors.may_reveal(user, p),
        "may_export": dossier.has_outside_organ(p) and _may_export(user, p),
        "attachments": list(p.attachments.all()),
        "timeline": _timeline(user, p),
        "notices": notices.notices_for(p, public=False, user=user),
        "merged": list(
            selectors.visible_petitions(user).filter(merged_into=p).only("pk", "number", "summary")
        ),
        "same_as": same_as,
        "merged_into": merged_into,
        "actions": [a for a in actions if not a["more"]],
        "more_actions": [a for a in actions if a["more"]],
        "receipt": receipt,
        "error": error,
        "next_url": next_url,
        "mediation": mediation_panel(user, p),
    }
    response = render(request, "petitions/detail.html", context, status=status)
    if revealed or receipt:
        # Personal data in full, or the query code: never kept by a cache.
        response["Cache-Control"] = "no-store"
    return response


@login_required
def detail(request, pk):
    p = selectors.petition_get(user=request.user, pk=pk)
    return _render_matter(request, p)


@login_required
@require_POST
@never_cache
def reveal(request, pk, petitioner_pk):
    """Show one petitioner's ID number and phone in full; the read is recorded."""
    p = selectors.petition_get(user=request.user, pk=pk)
    if not selectors.may_reveal(request.user, p):
        return _forbidden(request)
    person = p.petitioners.filter(pk=petitioner_pk).first()
    if person is None:
        raise Http404
    target = f"petition:{p.pk}:petitioner:{person.pk}"
    shown = {}
    for field in ("id_number", "phone"):
        value = getattr(person, field)
        shown[field] = (
            pii.reveal(user=request.user, request=request, target=target, field=field, value=value)
            if value
            else ""
        )
    return _render_matter(request, p, revealed={person.pk: shown})


@login_required
def attachment(request, pk, attachment_pk):
    p = selectors.petition_get(user=request.user, pk=pk)
    att = p.attachments.filter(pk=attachment_pk).first()
    if att is None:
        raise Http404
    response = FileResponse(
        att.file.open("rb"), as_attachment=True, filename=att.name, content_type=att.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def notice(request, pk, event_pk):
    """书面告知: one written notice of the matter as a PDF (the detail page's visibility)."""
    p = selectors.petition_get(user=request.user, pk=pk)
    try:
        found = notices.find_notice(p, event_pk, public=False, user=request.user)
        content = notices.notice_pdf(p, event_pk, public=False, user=request.user)
    except NotFound:
        raise Http404 from None
    except FontUnavailable as exc:
        context = {"message": exc.message, "p": p}
        return render(request, "petitions/unavailable.html", context, status=503)
    ascii_name, name = notices.notice_filename(p, found)
    return pdf_response(content, filename=name, ascii_filename=ascii_name)


def _may_export(user, p) -> bool:
    """The petition office's dispatchers, and the handlers of the unit that answered
    last, send the file to the organ outside this system."""
    answered = p.review_unit_id or p.responsible_unit_id
    return permissions.reaches(user, [p.office_id], "dispatch_petition") or bool(
        answered and permissions.reaches(user, [answered], "handle_petition")
    )


@login_required
@never_cache
def export_dossier(request, pk):
    """The matter's file for the organ outside this system, as a ZIP. Personal data
    masked; in full only by POST from a user who may reveal it, each value on the
    security record."""
    p = selectors.petition_get(user=request.user, pk=pk)
    if not dossier.has_outside_organ(p):
        raise Http404
    if not _may_export(request.user, p):
        return _forbidden(request)
    reveal = request.method == "POST" and request.POST.get("reveal") == "1"
    if reveal and not selectors.may_reveal(request.user, p):
        return _forbidden(request)
    labels = {name: str(t.label) for name, t in workflow.TRANSITIONS.items()}
    labels.update({k: str(v) for k, v in EVENT_LABELS.items()})
    try:
        content = dossier.dossier_zip(
            p, user=request.user, request=request, reveal=reveal, labels=labels
        )
    except FontUnavailable as exc:
        context = {"message": exc.message, "p": p}
        return render(request, "petitions/unavailable.html", context, status=503)
    services.petition_record_dossier_export(actor=request.user, petition_id=p.pk, revealed=reveal)
    ascii_name, name = dossier.dossier_filename(p)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def act(request, pk, action):
    """Take one action with its form; the service decides."""
    p = selectors.petition_get(user=request.user, pk=pk)
    t = workflow.get(action)
    form_class = forms.ACTION_FORMS.get(action)
    if t is None or t.permission is None or form_class is None:
        raise Http404
    form = form_class(request.POST, prefix=action, petition=p, user=request.user)
    back = reverse("petitions:detail", args=[p.pk])
    if form.is_valid():
        try:
            services.petition_act(
                actor=request.user,
                petition_id=p.pk,
                action=action,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except Conflict as exc:
            p = selectors.petition_get(user=request.user, pk=pk)
            return _render_matter(request, p, error=exc.message, status=409)
        except InvalidInput as exc:
            forms.add_service_errors(form, exc.field_errors)
            if not exc.field_errors:
                form.add_error(None, str(exc.message))
        except (PermissionDenied, NotFound) as exc:
            return _domain_to_http(request, exc)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": t.label})
            return redirect(_safe_next(request, back))
    return _render_matter(request, p, bound=form, status=400, next_url=_safe_next(request, ""))


@login_required
def notifications(request):
    """In-app notices: matters turned red, chases. Opening the page marks them read."""
    items = list(selectors.notifications_for(request.user)[:100])
    visible = set(
        selectors.visible_petitions(request.user)
        .filter(pk__in=[n.petition_id for n in items if n.petition_id])
        .values_list("pk", flat=True)
    )
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("petitions:notifications")
    return render(
        request,
        "petitions/notifications.html",
        {"items": items, "visible": visible},
    )
