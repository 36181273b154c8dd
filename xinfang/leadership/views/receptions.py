"""Pages of leaders' receptions (领导接访、下访、约访): the calendar, putting a
reception on it, the reception's record with its batches, the counts, who is
behind this month's rule, and the public calendar (no login)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.core import calendar, idempotency, pii
from xinfang.core.exceptions import PermissionDenied
from xinfang.core.forms import submit, submit_once
from xinfang.orgs import permissions as org_permissions
from xinfang.orgs.models import UnitKind
from xinfang.petitions import selectors as petition_selectors
from xinfang.petitions.models import Category

from .. import permissions as policy
from .. import selectors, services
from ..forms import receptions as forms
from ..models import ReceptionKind, ReceptionState
from ..workflow import RECEPTION
from . import posted_version

PLACE_KINDS = (UnitKind.RECEPTION_CENTRE, UnitKind.PETITION_OFFICE, UnitKind.TERRITORIAL)


def month_param(value) -> tuple[int, int]:
    """ "2026-11" → (2026, 11); anything else: this month."""
    today = calendar.today()
    try:
        year, month = (int(x) for x in str(value or "").split("-"))
        dt.date(year, month, 1)
        if 2000 <= year <= 2100:
            return year, month
    except (TypeError, ValueError):
        pass
    return today.year, today.month


def year_param(value) -> int:
    text = str(value or "").strip()
    if text.isdigit() and 2000 <= int(text) <= 2100:
        return int(text)
    return calendar.today().year


def _months_around(year: int, month: int) -> dict:
    prev = (year - 1, 12) if month == 1 else (year, month - 1)
    nxt = (year + 1, 1) if month == 12 else (year, month + 1)
    return {
        "this": f"{year}-{month:02d}",
        "prev": f"{prev[0]}-{prev[1]:02d}",
        "next": f"{nxt[0]}-{nxt[1]:02d}",
        "year": year,
        "month": month,
    }


def _by_day(receptions) -> list[tuple[dt.date, list]]:
    days: dict[dt.date, list] = {}
    for r in receptions:
        days.setdefault(r.on, []).append(r)
    return sorted(days.items())


@login_required
def reception_calendar(request):
    year, month = month_param(request.GET.get("month"))
    start, end = selectors.month_bounds(year, month)
    rows = list(selectors.reception_list(user=request.user, date_from=start, date_to=end))
    return render(
        request,
        "leadership/receptions_calendar.html",
        {
            "days": _by_day(rows),
            "count": len(rows),
            "months": _months_around(year, month),
            "may_record": policy.records_somewhere(request.user),
        },
    )


def _schedule_form(user, data=None):
    return forms.ScheduleForm(
        data,
        leaders=list(policy.leader_memberships(user)),
        units=list(
            org_permissions.visible_units(user)
            .filter(kind__in=PLACE_KINDS, is_active=True)
            .select_related("parent")
        ),
    )


@login_required
def reception_new(request):
    user = request.user
    if not policy.records_somewhere(user):
        raise PermissionDenied(
            _("Only the leader, the reception centre or the petition office records this.")
        )
    form = _schedule_form(user, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            c = form.cleaned_data
            leader = next(
                m.user for m in policy.leader_memberships(user) if m.user_id == c["leader"]
            )
            unit = org_permissions.visible_units(user).get(pk=c["unit"])

            def call():
                r, _created = services.reception_schedule(
                    actor=user,
                    leader=leader,
                    kind=c["kind"],
                    on=c["on"],
                    unit=unit,
                    place=c["place"],
                    time_from=c["time_from"],
                    time_to=c["time_to"],
                    topic=c["topic"],
                    public=c["public"],
                    held=c["held"],
                    idempotency_key=idempotency.scoped(f"page:{user.pk}", c["idempotency_key"]),
                )
                return r

            outcome = submit_once(form, call, token_field="idempotency_key")
            if outcome.ok:
                messages.success(
                    request, _("Reception %(number)s saved.") % {"number": outcome.result.number}
                )
                return redirect("leadership:reception", pk=outcome.result.pk)
            status = outcome.status
    return render(request, "leadership/receptions_new.html", {"form": form}, status=status)


def _register_form(r, batch, data=None, *, places=None):
    places = places if places is not None else list(selectors.places_for(r))
    return forms.RegisterForm(
        data,
        prefix=f"r{batch.pk}",
        initial={"summary": batch.matters[:60]},
        categories=Category.objects.filter(is_active=True, parent__isnull=False).select_related(
            "parent"
        ),
        places=places,
    )


def _page(request, r, *, bound=None, status=200):
    """The reception's record: its batches (phones masked), their matters, the
    timeline, and the forms of what this user may do now (RECEPTION.allowed)."""
    user = request.user
    allowed = {t.name for t in RECEPTION.allowed(user, r)}
    bound = bound or {}
    places = list(selectors.places_for(r)) if "batch_register" in allowed else []
    batches = []
    for b in r.batches.all():
        batches.append(
            {
                "batch": b,
                "phone": pii.mask_phone(b.phone),
                "links": list(b.links.all()),
                "register": bound.get(("register", b.pk))
                or (_register_form(r, b, places=places) if "batch_register" in allowed else None),
                "link": bound.get(("link", b.pk))
                or (forms.LinkForm(prefix=f"l{b.pk}") if "batch_link" in allowed else None),
            }
        )
    totals = {"batches": len(batches), "people": sum(b["batch"].people_count for b in batches)}
    return render(
        request,
        "leadership/receptions_detail.html",
        {
            "r": r,
            "batches": batches,
            "totals": totals,
            "allowed": allowed,
            "hold_form": bound.get("hold") or forms.HoldForm(prefix="hold"),
            "cancel_form": bound.get("cancel") or forms.CancelForm(prefix="cancel"),
            "batch_form": bound.get("batch") or forms.BatchForm(prefix="batch"),
            "events": selectors.timeline(r),
        },
        status=status,
    )


@login_required
def reception_detail(request, pk):
    return _page(request, selectors.reception_get(user=request.user, pk=pk))


@login_required
@require_POST
def reception_act(request, pk, action):
    user = request.user
    r = selectors.reception_get(user=user, pk=pk)  # 404 before anything else
    version = posted_version(request, r.version)
    if action == "hold":
        form = forms.HoldForm(request.POST, prefix="hold")
        call = lambda: services.reception_hold(  # noqa: E731
            actor=user, reception_id=r.pk, version=version, note=form.cleaned_data["note"]
        )
        key, done = "hold", _("The reception is recorded as held.")
    elif action == "cancel":
        form = forms.CancelForm(request.POST, prefix="cancel")
        call = lambda: services.reception_cancel(  # noqa: E731
            actor=user, reception_id=r.pk, version=version, reason=form.cleaned_data["reason"]
        )
        key, done = "cancel", _("The reception is cancelled.")
    elif action == "batch":
        form = forms.BatchForm(request.POST, prefix="batch")
        call = lambda: services.reception_add_batch(  # noqa: E731
            actor=user,
            reception_id=r.pk,
            people_count=form.cleaned_data["people_count"],
            name=form.cleaned_data["name"],
            phone=form.cleaned_data["phone"],
            matters=form.cleaned_data["matters"],
            idempotency_key=idempotency.scoped(
                f"page:{user.pk}", form.cleaned_data["idempotency_key"]
            ),
        )
        key, done = "batch", _("The batch is recorded.")
    elif action in ("register", "link"):
        batch = next((b for b in r.batches.all() if str(b.pk) == request.POST.get("batch")), None)
        if batch is None:
            raise Http404
        if action == "register":
            form = _register_form(r, batch, request.POST)

            def call():
                c = form.cleaned_data
                p, _created = services.reception_register_matter(
                    actor=user,
                    reception_id=r.pk,
                    batch_id=batch.pk,
                    category=Category.objects.get(pk=c["category"]),
                    place=selectors.places_for(r).get(pk=c["place"]),
                    summary=c["summary"],
                    purpose=c["purpose"],
                    idempotency_key=idempotency.scoped(f"page:{user.pk}", c["idempotency_key"]),
                )
                messages.success(
                    request, _("Registered as matter %(number)s.") % {"number": p.number}
                )
                return p

            key, done = ("register", batch.pk), None
        else:
            form = forms.LinkForm(request.POST, prefix=f"l{batch.pk}")

            def call():
                number = form.cleaned_data["number"].strip()
                p = petition_selectors.visible_petitions(user).filter(number=number).first()
                if p is None:
                    # Unknown and not visible answer alike: nothing about another's matter.
                    form.add_error("number", _("No matter with this number that you may see."))
                    return None
                return services.reception_link_matter(
                    actor=user, reception_id=r.pk, batch_id=batch.pk, petition_id=p.pk
                )

            key, done = ("link", batch.pk), _("The matter is linked.")
    else:
        raise Http404
    if form.is_valid():
        runner = submit_once if "idempotency_key" in form.fields else submit
        kwargs = {"token_field": "idempotency_key"} if runner is submit_once else {}
        outcome = runner(form, call, **kwargs)
        if outcome.ok and not form.errors:
            if done:
                messages.success(request, done)
            return redirect("leadership:reception", pk=r.pk)
        status = outcome.status if not outcome.ok else 400
    else:
        status = 400
    r = selectors.reception_get(user=user, pk=pk)
    return _page(request, r, bound={key: form}, status=status)


@login_required
def reception_stats(request):
    year = year_param(request.GET.get("year"))
    report = selectors.reception_stats(
        user=request.user, date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31)
    )
    return render(
        request,
        "leadership/receptions_stats.html",
        {"r": report, "year": year, "years": range(calendar.today().year, 2014, -1)},
    )


@login_required
def reception_behind(request):
    year, month = month_param(request.GET.get("month"))
    found = selectors.behind_this_month(request.user, year=year, month=month)
    return render(
        request,
        "leadership/receptions_behind.html",
        {
            "found": found,
            "months": _months_around(year, month),
            "kinds": dict(ReceptionKind.choices),
        },
    )


def public_receptions(request):
    """The public calendar: which leader receives where on which day (no login)."""
    year, month = month_param(request.GET.get("month"))
    rows = list(selectors.public_calendar(year=year, month=month))
    return render(
        request,
        "leadership/receptions_public.html",
        {"days": _by_day(rows), "months": _months_around(year, month), "held": ReceptionState.HELD},
    )
