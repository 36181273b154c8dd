"""The lists: the worklist (待办), supervision (挂牌督办) and the user's notices."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from xinfang.core import calendar
from xinfang.core import services as core_services
from xinfang.core.compiled import KeptStatements
from xinfang.core.exceptions import NotFound, PermissionDenied
from xinfang.core.forms import submit
from xinfang.core.inputs import optional_id
from xinfang.core.memo import memoized
from xinfang.core.models import SecurityRecord
from xinfang.orgs.models import Role
from xinfang.orgs.permissions import memberships, roles_of

from .. import forms, permissions, selectors, services
from ..models import CLOSED_STATES
from .common import KeptIds, colour_chips, page_of


def _worklist_tabs(request, roles: list[str], scope_all: bool, role: str | None) -> list[dict]:
    """Mine (every role), mine in one role (when the user holds several), all I can see."""
    base = request.GET.copy()
    for key in ("scope", "role", "page"):
        base.pop(key, None)
    tabs = [
        {"label": _("Waiting for me"), "query": base.urlencode(), "active": not (scope_all or role)}
    ]
    if len(roles) > 1:
        for r in roles:
            q = base.copy()
            q["role"] = r
            tabs.append(
                {
                    "label": _("As %(role)s") % {"role": Role(r).label},
                    "query": q.urlencode(),
                    "active": role == r and not scope_all,
                }
            )
    q = base.copy()
    q["scope"] = "all"
    tabs.append({"label": _("All I can see"), "query": q.urlencode(), "active": scope_all})
    return tabs


def _green_leads_to_the_concluded(chips: list[dict]) -> list[dict]:
    """A list of open matters has no green (green = concluded, DOMAIN.md section
    5): its green chip leads to the concluded matters the user may see."""
    for chip in chips:
        if chip["colour"] == "green":
            chip["href"] = reverse("petitions:worklist") + "?scope=all&colour=green"
            chip["count"] = "→"
            chip["title"] = _("Concluded matters are green: see them among all you can see.")
    return chips


@login_required
def worklist(request):
    """待办: what waits for this user's action, most urgent first; with ?role= what
    waits for them in one role; with ?scope=all every matter they may see."""
    user = request.user
    scope_all = request.GET.get("scope") == "all"
    roles = [r for r in roles_of(user) if r in selectors.WORKLIST_ROLES]
    role = request.GET.get("role") if request.GET.get("role") in roles else None
    blank = not set(request.GET) - {"scope", "role", "page"}
    filter_form = None if blank else forms.ListFilterForm(request.GET, user=user)
    filters = {} if blank else filter_form.filters()
    today = calendar.today()

    def select(f):
        if scope_all:
            return selectors.petition_list(user=user, filters=f, today=today)
        return selectors.worklist(user=user, filters=f, today=today, role=role)

    if selectors.searches_by_id_number(user, filters.get("q")):
        # Finding a person's matters by ID number is a read of personal data.
        core_services.record_security_event(
            kind=SecurityRecord.Kind.PII_READ,
            request=request,
            user=user,
            target="petitions:search:id_number",
            detail={"page": "worklist", "scope": "all" if scope_all else "mine"},
        )
    if blank:
        # The unfiltered list (most visits): its two statements kept by what they
        # are built from (core.compiled.KeptStatements), not built again.
        key = _list_key(user, today, scope_all, role)
        counts = selectors.counts_of(
            KEPT.rows((*key, "counts"), lambda: selectors.colour_counts_query(select({}), today))
        )
        ids = KeptIds(
            functools.partial(
                KEPT.rows, (*key, "ids"), lambda: select({}).values_list("pk", flat=True)
            )
        )
        page = page_of(request, None, total=sum(counts.values()), ids=ids)
    else:
        without_colour = {k: v for k, v in filters.items() if k != "colour"}
        every_colour = select(without_colour)
        counts = selectors.colour_counts(every_colour, today)
        listed = select(filters) if filters.get("colour") else every_colour  # built once
        page = page_of(request, listed, total=selectors.total_from_counts(counts, filters))
    extras = [] if scope_all or filters else selectors.worklist_extras(user)
    return render(
        request,
        "petitions/worklist.html",
        {
            "filter_form": filter_form,
            # The blank filter box (most visits) is the same for everyone with the
            # same units: rendered once and kept (a fifth of the page's time).
            "filters_html": _blank_filters(forms.filter_unit_ids(user), scope_all, role)
            if blank
            else "",
            "chips": colour_chips(request, counts)
            if scope_all
            else _green_leads_to_the_concluded(colour_chips(request, counts)),
            "page": page,
            "filtered": bool(filters),
            "scope_all": scope_all,
            "role": role,
            "tabs": _worklist_tabs(request, roles, scope_all, role),
            "extras": extras,
            "may_set_colours": permissions.sets_any_colours(user),
            "drafts": _drafts(request.user),
        },
    )


KEPT = KeptStatements()


def _list_key(user, today, scope_all: bool, role: str | None) -> tuple:
    """Every input a list's conditions are built from: the user (their own
    matters, whether they see everything), their memberships (the reach, the roles;
    the unit tree's answers are core.memo's, whose generation the kept statement
    adds), the day (the colours, the overdue report-backs) and the tab."""
    return (
        "worklist",
        user.pk,
        permissions.sees_everything(user),
        user.is_active,
        tuple((m.unit_id, m.role) for m in memberships(user)),
        today,
        scope_all,
        role,
    )


@memoized()
def _blank_filters(unit_ids: tuple[int, ...], scope_all: bool, role: str | None) -> str:
    form = forms.ListFilterForm(None, user=None, unit_ids=unit_ids)
    return render_to_string(
        "petitions/_filters.html",
        {"filter_form": form, "filtered": False, "scope_all": scope_all, "role": role},
    )


def _drafts(user) -> list[dict]:
    """签发 on the worklist: the drafts waiting for this user's approval, and their
    own drafts sent back or approved (each only to the one who must act)."""
    groups = [
        ("awaiting", _("Written answers waiting for your approval"), "awaiting_approval"),
        ("sent_back", _("Your drafts sent back for revision"), "sent_back"),
        ("to_issue", _("Your drafts approved: issue them"), "to_issue"),
    ]
    readers = {
        "awaiting": selectors.drafts_awaiting_approval,
        "sent_back": selectors.drafts_sent_back,
        "to_issue": selectors.drafts_to_issue,
    }
    present = selectors.draft_groups(user)
    out = []
    for key, title, _name in groups:
        rows = list(readers[key](user)[:50]) if key in present else []
        if rows:
            out.append({"key": key, "title": title, "rows": rows})
    return out


@login_required
def supervision(request):
    """挂牌督办: the open matters of the supervisor's office, by colour, to list and chase."""
    user = request.user
    if not permissions.may_supervise(user):
        raise PermissionDenied()
    filter_form = forms.ListFilterForm(request.GET or None, user=user)
    filters = filter_form.filters()

    def open_matters(f):
        qs = selectors.petition_list(user=user, filters=f).exclude(state__in=CLOSED_STATES)
        return permissions.supervised(user, qs)

    counts = open_matters({k: v for k, v in filters.items() if k != "colour"})
    page = page_of(request, open_matters(filters))
    return render(
        request,
        "petitions/supervision.html",
        {
            "filter_form": filter_form,
            "chips": _green_leads_to_the_concluded(
                colour_chips(request, selectors.colour_counts(counts))
            ),
            "page": page,
            "list_choices": forms.ListForm.base_fields["colour"].choices,
            "filtered": bool(filters),
            "may_set_colours": permissions.sets_any_colours(user),
        },
    )


@login_required
def notifications(request):
    """In-app notices: matters turned red, chases. Opening the page marks them read."""
    items = list(selectors.notifications_for(request.user)[:100])
    visible = set(
        permissions.visible(request.user)
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


@login_required
def colour_settings(request):
    """四色设置: the petition office's supervisor or dispatcher sets which clocks
    colour its matters and when yellow begins."""
    offices = list(permissions.colour_offices(request.user))
    if not offices:
        raise PermissionDenied()
    chosen = optional_id(request.GET.get("office") or request.POST.get("office"), "office")
    office = next((o for o in offices if o.pk == chosen), None) if chosen else offices[0]
    if office is None:
        raise NotFound()
    rules = selectors.colour_rules(office.pk)
    form = forms.ColourSettingsForm(
        request.POST or None, initial=forms.ColourSettingsForm.initial_of(rules)
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            outcome = submit(
                form,
                lambda: services.office_colour_settings_update(
                    actor=request.user,
                    office=office,
                    clocks=data["clocks"],
                    yellow_days=data["yellow_days"],
                    yellow_percent=data["yellow_percent"],
                ),
            )
            if outcome.ok:
                messages.success(request, _("The colour settings are saved."))
                return redirect(f"{request.path}?office={office.pk}")
            status = outcome.status
    return render(
        request,
        "petitions/colour_settings.html",
        {"form": form, "office": office, "offices": offices, "rules": rules},
        status=status,
    )
