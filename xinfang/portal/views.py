"""What the public sees (DOMAIN.md sections 3 and 4): submit a matter, keep the
receipt, follow the matter with the query code, evaluate the answer, ask for
review or re-review; and the query terminal (信访事项查询终端) of a reception hall.

The query code is the only credential. It is never put in a URL (URLs end up in
logs, browser history and Referer headers): the tracking pages keep it in the
session after a POST, and the terminal keeps it nowhere at all."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token, rotate_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from xinfang.core import calendar, law, notify
from xinfang.core.forms import submit as submit_form
from xinfang.core.memo import memoized
from xinfang.core.pii import mask_phone
from xinfang.core.querycode import ALPHABET, format_query_code, normalise_query_code
from xinfang.core.uploads import max_file_bytes, max_files, request_max_bytes
from xinfang.orgs.models import Unit
from xinfang.petitions import notices, selectors, services, workflow
from xinfang.petitions.models import Category, Channel, Evaluation, Petition, Purpose, State
from xinfang.petitions.timeline import answering_unit_label
from xinfang.petitions.timeline import public_matter as public_json

from . import throttles
from .forms import (
    EvaluationForm,
    PetitionerFormSet,
    ReviewRequestForm,
    SubmitForm,
    TrackForm,
    issued_stamp,
)

SESSION_RECEIPT = "portal_receipt"
SESSION_TRACK = "portal_track"

NOT_FOUND_MESSAGE = gettext_lazy(
    "No matter has this query code. Check it and try again: the code has 13 symbols, "
    "the digits 2 to 9 and the letters A to Z without I, L and O."
)


def _slow_down(request, wait: int) -> HttpResponse:
    response = render(request, "portal/slow_down.html", {"wait": wait}, status=429)
    response["Retry-After"] = str(wait)
    return response


def start(request):
    return render(request, "portal/start.html")


# --- submit ---------------------------------------------------------------------------


def _petitioner_errors(formset):
    """A placer for core.forms.submit(): a service's errors about the petitioners
    go next to the row they are about (`petitioners[1].phone`) or on the first row
    (`petitioners`)."""

    def place(key: str, errors, loose) -> bool:
        if key.startswith("petitioners[") and "]." in key:
            index = int(key[len("petitioners[") : key.index("]")])
            field = key.split("].", 1)[1]
            named = [f for f in formset.forms if f.cleaned_data.get("name")]
            target = named[index] if index < len(named) else formset.forms[0]
            target.add_error(field if field in target.fields else None, errors)
            return True
        if key == "petitioners":
            formset.forms[0].add_error(None, errors)
            return True
        return False

    return place


def _petitioners(form, formset) -> list[dict]:
    group = form.cleaned_data["who"] == "group"
    named = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("name")]
    if not group:
        named = named[:1]
    return [
        {
            "name": row["name"],
            "id_number": row.get("id_number", ""),
            "phone": row.get("phone", ""),
            "address": row.get("address", ""),
            "is_representative": group,
        }
        for row in named
    ]


# Stand-ins for the two tokens of the blank form in its kept HTML.
_CSRF_MARK = "xf-csrf-token-mark"
_TOKEN_MARK = "xf-submission-token-mark"


@memoized()
def _blank_form_html(limits: tuple[int, int, int]) -> str:
    """The blank submission form, rendered once per language (and upload limits)
    and kept with the lists it shows (core.memo: forgotten when a unit or a
    category changes): rendering its 40 fields through their templates was most
    of the page's time (docs/benchmarks.md)."""
    form = SubmitForm(initial={"submission_token": _TOKEN_MARK})
    formset = PetitionerFormSet(prefix="p")
    return render_to_string(
        "portal/_submit_form.html",
        {"form": form, "formset": formset, "csrf_token": _CSRF_MARK},
    )


def blank_form(request) -> str:
    """The blank form's HTML with this visitor's CSRF token and a new one-time
    submission token (both [0-9A-Za-z], nothing to escape)."""
    html = _blank_form_html((max_file_bytes(), max_files(), request_max_bytes()))
    html = html.replace(_CSRF_MARK, get_token(request), 1)
    return mark_safe(html.replace(_TOKEN_MARK, uuid.uuid4().hex, 1))  # noqa: S308


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    if request.method == "GET":
        return render(request, "portal/submit.html", {"blank_form": blank_form(request)})

    wait = throttles.check(request, "public_submit")
    if wait:
        return _slow_down(request, wait)
    form = SubmitForm(request.POST, request.FILES)
    formset = PetitionerFormSet(request.POST, prefix="p")
    status = 400
    if form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        chosen = _chosen_units(data)
        if chosen is None:
            form.add_error(None, _("Choose the category and the place from the lists."))
        else:
            category, place, accused_unit = chosen
            outcome = submit_form(
                form,
                lambda: services.petition_submit_public(
                    idempotency_key=data["submission_token"],
                    channel=Channel.ONLINE,
                    purpose=data["purpose"],
                    category=category,
                    place=place,
                    summary=data["summary"],
                    content=data["content"],
                    request=data["request"],
                    people_count=data["people_count"] if data["who"] == "group" else 1,
                    petitioners=_petitioners(form, formset),
                    attachments=data["attachments"],
                    accused_unit=accused_unit,
                    accused_name=data["accused_name"] if data["purpose"] == "accusation" else "",
                    electronic_service=data["electronic_service"],
                ),
                placer=_petitioner_errors(formset),
            )
            if outcome.ok:
                petition, created = outcome.result
                if not created and not _may_show_again(request, petition):
                    # An old submission sent again from a browser's history (a
                    # shared computer, after the session that showed it ended):
                    # still one matter, and its code is not shown to whoever
                    # pressed Back. The receipt's address says what this device
                    # still holds (nothing: the form).
                    return redirect("portal:receipt")
                sms_to = getattr(petition, "receipt_sms_to", None)  # set when registered now
                if sms_to is None:  # the same submission again: its matter as made then
                    phones = [p.phone for p in petition.petitioners.all() if p.phone]
                    sms_to = [mask_phone(x) for x in dict.fromkeys(phones)]
                saved = {
                    "id": petition.pk,
                    "sms_to": sms_to,
                    "id_warnings": [w for f in formset.forms for w in f.id_warnings],
                }
                # Kept for a later visit to the receipt's own address (print, a
                # reload); shown in this answer with no redirect: one round trip
                # fewer on a slow line. A resend of this POST (reload, Back) is
                # the same submission token: the same matter, not a second one.
                request.session[SESSION_RECEIPT] = saved
                return _show_receipt(request, petition, saved)
            if outcome.status == 409:
                # A submission's one conflict: its one-time token came back with
                # other content (Back, edit, send). Say so, with a new token.
                form.sent_before()
            status = outcome.status
    had_files = bool(request.FILES.getlist("attachments"))
    return render(
        request,
        "portal/submit.html",
        {"form": form, "formset": formset, "files_again": had_files},
        status=status,
    )


def _may_show_again(request, petition: Petition) -> bool:
    """A submission's token sent again shows its receipt when this session shows it
    already, or when the matter is newer than the session's idle limit (the answer
    was lost on the way: the citizen sends again and must learn the code)."""
    held = request.session.get(SESSION_RECEIPT) or {}
    if held.get("id") == petition.pk:
        return True
    age = timezone.now() - petition.registered_at
    return age.total_seconds() < settings.SESSION_COOKIE_AGE


def _active(model, pk):
    """The active row with this id, or None (kept: core.memo, forgotten when a unit
    or a category is saved; the rows are read-only to the callers)."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        return None
    return _active_row(model, key)


@memoized()
def _active_row(model, pk: int):
    qs = model.objects.filter(pk=pk, is_active=True).order_by()
    if model is Unit:
        qs = qs.select_related("parent")  # the registration asks for the township
    rows = qs[:1]
    return rows[0] if rows else None


def _chosen_units(data) -> tuple[Category, Unit, Unit | None] | None:
    """The category, the place and (for an accusation) the accused unit chosen in
    the form; None when one of them has gone from the lists meanwhile. An accused
    unit left chosen after the purpose changed names no one."""
    category = _active(Category, data["category"])
    place = _active(Unit, data["place"])
    accused = None
    if data["purpose"] == "accusation" and data.get("accused_unit"):
        accused = _active(Unit, data["accused_unit"])
        if accused is None:
            return None
    if category is None or place is None:
        return None
    return category, place, accused


@never_cache
def receipt(request):
    saved = request.session.get(SESSION_RECEIPT)
    petition = Petition.objects.filter(pk=saved["id"]).first() if saved else None
    if petition is None:
        return redirect("portal:submit")
    return _show_receipt(request, petition, saved)


def _show_receipt(request, petition: Petition, saved: dict) -> HttpResponse:
    return render(
        request,
        "portal/receipt.html",
        {
            "here": reverse("portal:receipt"),
            "petition": petition,
            "code": format_query_code(petition.query_code),
            "sms_to": saved.get("sms_to", []),
            # Only a real gateway sends: the page never claims an SMS that only
            # went to the development log (core.notify).
            "sms_sent": notify.will_deliver("sms"),
            "id_warnings": saved.get("id_warnings", []),
        },
    )


# --- track ------------------------------------------------------------------------------


def _lookup(code: str) -> Petition | None:
    return selectors.public_view(code) if normalise_query_code(code or "") else None


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "GET":
        return render(request, "portal/track.html", {"form": TrackForm()})
    wait = throttles.check(request, "public_lookup")
    if wait:
        return _slow_down(request, wait)
    form = TrackForm(request.POST)
    if form.is_valid():
        p = _lookup(form.cleaned_data["code"])
        if p is not None:
            # Kept for this device's next pages (the acts, the notices, a reload);
            # the matter is shown in this answer: no redirect, one round trip
            # fewer on a village's slow mobile line, and the code stays out of
            # every URL all the same.
            if request.session.get(SESSION_TRACK) != p.query_code:
                request.session[SESSION_TRACK] = p.query_code  # (unchanged: not written)
            return _show_matter(request, p)
        form.add_error("code", NOT_FOUND_MESSAGE)
    elif "issued" in form.errors:
        # An old page sent again (a shared computer's history): nothing of the
        # matter, not even the code typed then; a fresh form.
        context = {"form": TrackForm(), "expired": form.errors["issued"][0]}
        return render(request, "portal/track.html", context, status=400)
    form.data = form.data.copy()
    form.data["issued"] = issued_stamp()  # the page shown again is a new page
    return render(request, "portal/track.html", {"form": form}, status=404)


DUE_LABELS = {
    State.REGISTERED: gettext_lazy("To be forwarded to the responsible unit by"),
    State.FORWARDED: gettext_lazy("Acceptance to be decided by"),
    State.PENDING_ACCEPTANCE: gettext_lazy("Acceptance to be decided by"),
    State.ACCEPTED: gettext_lazy("Written answer due by"),
    State.UNDER_REVIEW: gettext_lazy("Review opinion due by"),
    State.UNDER_RE_REVIEW: gettext_lazy("Re-review opinion due by"),
}


def _window_explanation(p: Petition, today) -> str:
    """Why the petitioner can no longer ask, and what the law allows."""
    if p.purpose != Purpose.APPEAL and p.opinion_issued_on:
        return _(
            "A suggestion or an accusation is answered once: review and re-review are "
            "for appeals and requests (%(basis)s)."
        ) % {"basis": law.cite("review")}
    outside = p.re_review_outside or p.review_outside
    if outside:
        return _(
            "%(what)s of this matter is done by %(organ)s, which is not part of this "
            "system. Take your request there (%(basis)s)."
        ) % {
            "what": _("Re-review") if p.re_review_outside else _("Review"),
            "organ": outside,
            "basis": law.cite("re_review" if p.re_review_outside else "review"),
        }
    if p.state == State.RE_REVIEW_ISSUED or p.re_review_issued_on:
        return _(
            "The re-review opinion is final (%(basis)s): a new petition with the same "
            "facts and reasons will not be accepted again. Where the law allows, you may "
            "still go to court, to arbitration or to administrative reconsideration."
        ) % {"basis": law.cite("no_longer_accepted")}
    if p.state in (State.OPINION_ISSUED, State.REVIEW_ISSUED, State.CONCLUDED) and (
        p.window_ends_on and today > p.window_ends_on
    ):
        what = _("re-review") if p.review_issued_on else _("review")
        return _(
            "The 30 days to ask for %(what)s ended on %(date)s (%(basis)s), so the answer "
            "stands and the matter is concluded. Where the law allows, you may go to court, "
            "to arbitration or to administrative reconsideration."
        ) % {
            "what": what,
            "date": p.window_ends_on.isoformat(),
            "basis": law.cite("re_review" if p.review_issued_on else "review"),
        }
    if p.state == State.NOT_ACCEPTED:
        return _(
            "The matter was not accepted as a petition. The notice says where it belongs "
            "(court, arbitration, administrative reconsideration or another organ)."
        )
    return ""


def _ask_hint(organ: dict | None, re_review: bool) -> str:
    """Who answers the next round; an organ outside this system is named, and the
    petitioner is told that they take the request there themselves."""
    if organ is None:
        return (
            _("Re-review is done one level further up, within 30 days.")
            if re_review
            else _("Review is done by the organ one level up, within 30 days.")
        )
    if organ["outside"]:
        return _(
            "%(what)s is done by %(organ)s, which is not part of this system. Asking here "
            "records your request and ends this system's handling; you then take your "
            "request to %(organ)s yourself."
        ) % {"what": _("Re-review") if re_review else _("Review"), "organ": organ["name"]}
    return _("%(what)s is done by %(organ)s, within 30 days.") % {
        "what": _("Re-review") if re_review else _("Review"),
        "organ": organ["name"],
    }


def _matter_context(request, p: Petition, *, evaluation_form=None, review_form=None) -> dict:
    today = calendar.today()
    data = public_json(p)
    round_ = workflow.EVALUATION_ROUND.get(p.state)
    evaluated = bool(round_) and Evaluation.objects.filter(petition=p, round=round_).exists()
    asking_re_review = p.state == State.REVIEW_ISSUED
    evaluation_form = evaluation_form or EvaluationForm()
    answered = {
        "opinion": p.responsible_unit,
        "review": p.review_unit,
        "re_review": p.re_review_unit,
    }.get(round_)
    # The same words as the timeline's line for the evaluation.
    evaluation_form.fields["unit_rating"].label = answering_unit_label(
        answered.name if answered is not None else ""
    )
    return {
        "here": reverse("portal:matter"),
        "p": p,
        "data": data,
        "code": format_query_code(p.query_code),
        "due_label": DUE_LABELS.get(p.state),
        "may_evaluate": bool(round_) and not evaluated,
        "evaluated": evaluated,
        "evaluation_form": evaluation_form,
        "may_ask": data["may_ask_review"],
        "ask_label": _("Ask for re-review") if asking_re_review else _("Ask for review"),
        "ask_unit_hint": _ask_hint(data.get("next_organ"), asking_re_review),
        "review_form": review_form or ReviewRequestForm(),
        "why_not": "" if data["may_ask_review"] else _window_explanation(p, today),
        "notices": data.get("notices", []),
    }


def _tracked(request) -> Petition | None:
    code = request.session.get(SESSION_TRACK)
    return _lookup(code) if code else None


@never_cache
def matter(request):
    p = _tracked(request)
    if p is None:
        return redirect("portal:track")
    return _show_matter(request, p)


def _show_matter(request, p: Petition) -> HttpResponse:
    """The tracked matter's page; opening it is the petitioner's receipt of a
    notice served electronically (the window runs from now)."""
    if services.petition_opened_by_petitioner(petition_id=p.pk, seen=p):
        p = _lookup(p.query_code)
    return render(request, "portal/matter.html", _matter_context(request, p))


def _public_act(request, form_class, act, done: str, form_name: str):
    """A petitioner's act on the tracked matter: throttled, the form's errors and the
    service's field errors next to the fields (core.forms.submit), a conflict
    (already done, window closed) as a message; on success back to the timeline."""
    p = _tracked(request)
    if p is None:
        return redirect("portal:track")
    wait = throttles.check(request, "public_lookup")
    if wait:
        return _slow_down(request, wait)
    form = form_class(request.POST)
    if form.is_valid():
        outcome = submit_form(form, lambda: act(query_code=p.query_code, **form.cleaned_data))
        if outcome.ok:
            messages.success(request, done)
            return redirect(reverse("portal:matter") + "#timeline")
        if outcome.status == 409:
            # Already done, or the window has closed: said above the timeline.
            for message in form.non_field_errors():
                messages.error(request, message)
            return redirect("portal:matter")
    context = _matter_context(request, p, **{form_name: form})
    return render(request, "portal/matter.html", context, status=400)


@never_cache
@require_POST
def evaluate(request):
    return _public_act(
        request,
        EvaluationForm,
        services.petition_evaluate,
        _("Thank you. Your evaluation has been recorded."),
        "evaluation_form",
    )


@never_cache
@require_POST
def ask_review(request):
    return _public_act(
        request,
        ReviewRequestForm,
        services.petition_ask_next_review,
        _("Your request has been sent. The timeline shows when it is due."),
        "review_form",
    )


@never_cache
def notice(request, event_id: int):
    """The written notice (书面告知) as a PDF, for the matter tracked in this session."""
    p = _tracked(request)
    if p is None:
        raise Http404
    # Not one of this matter's public notices: NotFound (404); no Chinese font
    # installed: FontUnavailable (503). Both are pages of core's error boundary.
    pdf = notices.notice_pdf(p, event_id, public=True)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="notice-{p.number}-{event_id}.pdf"'
    return response


@require_POST
def leave(request):
    """Forget the query code on this device (a shared computer, a family phone)."""
    request.session.pop(SESSION_TRACK, None)
    request.session.pop(SESSION_RECEIPT, None)
    # The matter and the receipt are answers to POSTs, kept in the browser's
    # history; a new CSRF token makes a resend of them refused (403) from now on.
    rotate_token(request)
    messages.info(request, _("The query code has been forgotten on this device."))
    return redirect("portal:track")


# --- the query terminal (信访事项查询终端) -----------------------------------------------


def _kiosk_keys() -> list[str]:
    digits = [c for c in ALPHABET if c.isdigit()]
    letters = [c for c in ALPHABET if c.isalpha()]
    return digits + letters


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk(request):
    """The terminal keeps nothing: no session, no cookie with the code; the result
    page is not cached, and the page returns to the keypad after a minute idle."""
    context = {"keys": _kiosk_keys(), "idle_seconds": kiosk_idle_seconds()}
    if request.method == "GET":
        return render(request, "portal/kiosk.html", context)
    wait = throttles.check(request, "public_lookup")
    if wait:
        return _slow_down(request, wait)
    code = request.POST.get("code", "")
    petition = _lookup(code)
    if petition is None:
        context["error"] = NOT_FOUND_MESSAGE
        return render(request, "portal/kiosk.html", context, status=404)
    data = public_json(petition)
    context.update(
        {
            "p": petition,
            "data": data,
            "code": format_query_code(petition.query_code),
            "due_label": DUE_LABELS.get(petition.state),
            "printed_at": calendar.today(),
        }
    )
    response = render(request, "portal/kiosk_matter.html", context)
    response["Cache-Control"] = "no-store"
    return response


def kiosk_idle_seconds() -> int:
    return max(10, settings.KIOSK_IDLE_SECONDS)


def text_size(request):
    """Large text for those who need it: a cookie the pages read (works without JS)."""
    size = "large" if request.GET.get("size") == "large" else "normal"
    target = request.GET.get("next") or reverse("portal:start")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:start")
    response = redirect(target)
    response.set_cookie("xf_text", size, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@never_cache
def sms(request):
    """The SMS about the tracked matter: the petitioner stops them (退订) or takes
    them again. The numbers are the matter's petitioners' (shown masked)."""
    p = _tracked(request)
    if p is None:
        return redirect("portal:track")
    phones = list(dict.fromkeys(x.phone for x in p.petitioners.all() if x.phone))
    if request.method == "POST":
        wait = throttles.check(request, "public_lookup")
        if wait:
            return _slow_down(request, wait)
        stop = request.POST.get("sms") == "stop"
        services.petition_sms_choice(p, stop=stop)
        messages.success(
            request,
            _("You will receive no more SMS about your matters.")
            if stop
            else _("You will receive SMS about your matters again."),
        )
        return redirect("portal:sms")
    rows = [{"phone": mask_phone(x), "stopped": notify.opted_out(x)} for x in phones]
    all_stopped = bool(rows) and all(r["stopped"] for r in rows)
    return render(request, "portal/sms.html", {"p": p, "phones": rows, "all_stopped": all_stopped})
