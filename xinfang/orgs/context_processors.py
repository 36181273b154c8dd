from django.utils.translation import gettext_lazy as _

from .models import Role
from .permissions import ACTIONS, is_administrator, roles_of
from .selectors import memberships_of


def navigation(request):
    """The menu by role and the user's units, for the base page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = list(memberships_of(user))
    roles = roles_of(user)
    # The start page is named as a place to go ("工作台"), not as the role; a person
    # with several roles has one start page per role, the role in brackets.
    if len(roles) == 1:
        nav = [{"url_name": "start_role", "arg": roles[0], "label": _("My desk")}]
    else:
        nav = [
            {
                "url_name": "start_role",
                "arg": role,
                "label": _("My desk (%(role)s)") % {"role": Role(role).label},
            }
            for role in roles
        ]
    if roles or is_administrator(user):
        nav.append({"url_name": "petitions:worklist", "arg": None, "label": _("Worklist")})
        nav.append({"url_name": "search:search", "arg": None, "label": _("Search")})
    if Role.CLERK in roles:
        nav.append({"url_name": "petitions:register", "arg": None, "label": _("Register")})
        nav.append({"url_name": "petitions:window", "arg": None, "label": _("Reception window")})
    if Role.SUPERVISOR in roles:
        nav.append({"url_name": "supervision:board", "arg": None, "label": _("Supervision")})
    if Role.LEADER in roles:
        nav.append({"url_name": "leadership:my_plans", "arg": None, "label": _("My cases")})
    if set(roles) & ACTIONS["record_reception"]:
        nav.append({"url_name": "leadership:receptions", "arg": None, "label": _("Receptions")})
    if Role.LIAISON in roles:
        nav.append(
            {"url_name": "mediation:screening_report", "arg": None, "label": _("Daily screening")}
        )
    if set(roles) & ACTIONS["read_ledger"]:
        nav.append({"url_name": "mediation:ledger", "arg": None, "label": _("Ledger")})
    if set(roles) & ACTIONS["run_meeting"]:
        nav.append({"url_name": "mediation:meetings", "arg": None, "label": _("Weekly meetings")})
    if roles or is_administrator(user):
        nav.append({"url_name": "mediation:disputes", "arg": None, "label": _("Disputes")})
        nav.append({"url_name": "mediation:stats", "arg": None, "label": _("Mediation statistics")})
    if set(roles) & ACTIONS["read_analytics"] or is_administrator(user):
        nav.append({"url_name": "analytics:dashboard", "arg": None, "label": _("Situation")})
        nav.append(
            {"url_name": "analytics:monthly_list", "arg": None, "label": _("Monthly reports")}
        )
    nav.append({"url_name": "unit_index", "arg": None, "label": _("Units")})
    if is_administrator(user):
        # 台账导入 (exchange): named by URL, as every item here.
        nav.append({"url_name": "ledger:list", "arg": None, "label": _("Ledger import")})
        # 上下级联网: the peers, the outbox and its lag.
        nav.append(
            {
                "url_name": "exchange_upstream:overview",
                "arg": None,
                "label": _("Exchange with other systems"),
            }
        )
    return {"nav_items": nav, "my_memberships": memberships}
