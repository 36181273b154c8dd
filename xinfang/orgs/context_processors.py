from django.utils.translation import gettext_lazy as _

from .models import Role
from .permissions import roles_of
from .selectors import memberships_of


def navigation(request):
    """The menu by role and the user's units, for the base page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = list(memberships_of(user))
    roles = roles_of(user)
    nav = [{"url_name": "start_role", "arg": role, "label": Role(role).label} for role in roles]
    if roles or user.is_superuser:
        nav.append({"url_name": "petitions:worklist", "arg": None, "label": _("Worklist")})
    if Role.CLERK in roles:
        nav.append({"url_name": "petitions:register", "arg": None, "label": _("Register")})
    if Role.SUPERVISOR in roles:
        nav.append({"url_name": "petitions:supervision", "arg": None, "label": _("Supervision")})
    nav.append({"url_name": "unit_index", "arg": None, "label": _("Units")})
    return {"nav_items": nav, "my_memberships": memberships}
