from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from . import selectors
from .models import Role
from .permissions import is_administrator, member_unit_ids, roles_of
from .roles import ROLE_DUTIES, START_PANELS


@login_required
def start(request):
    """Send the user to the start page of their primary role."""
    roles = roles_of(request.user)
    if not roles:
        if is_administrator(request.user):
            return redirect("admin:index")
        return render(request, "orgs/no_membership.html")
    return redirect("start_role", role=roles[0])


@login_required
def start_role(request, role: str):
    if role not in Role.values or role not in roles_of(request.user):
        raise Http404
    own_units = [m.unit for m in selectors.memberships_of(request.user) if m.role == role]
    context = {
        "role": role,
        "role_label": Role(role).label,
        "duties": ROLE_DUTIES[role],
        "own_units": own_units,
        "summary": selectors.scope_summary(user=request.user),
        "unit_count": selectors.unit_list(user=request.user).count(),
        "panels": [p for p in (panel(request, role) for panel in START_PANELS) if p],
    }
    return render(request, "orgs/start.html", context)


@login_required
def unit_index(request):
    units = list(selectors.unit_list(user=request.user, kind=request.GET.get("kind") or None))
    return render(
        request,
        "orgs/unit_index.html",
        {"tree": selectors.unit_tree(units), "count": len(units)},
    )


@login_required
def unit_detail(request, pk: int):
    unit = selectors.unit_get(user=request.user, pk=pk)
    children = selectors.unit_list(user=request.user).filter(parent=unit)
    members = selectors.unit_members(user=request.user, unit=unit)
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "children": children,
            "members": members,
            "is_member_here": unit.pk in member_unit_ids(request.user),
        },
    )
