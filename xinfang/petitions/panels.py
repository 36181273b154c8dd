"""The petitions panels on the staff start pages (orgs.roles.register_start_panel):
what waits for the user in the role of the page, by colour; and for a leader or an
analyst, who act on few matters, the situation of the matters they see (until the
dashboards arrive): red and yellow counts, owned matters, recent notices."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from xinfang.core import calendar
from xinfang.core.models import OutboxMessage
from xinfang.core.notify import mask_recipient
from xinfang.orgs.models import Role

from . import permissions, selectors
from .models import OPEN_STATES

RECENT_NOTICES = 5


def _worklist_url(query: str = "") -> str:
    url = reverse("petitions:worklist")
    return f"{url}?{query}" if query else url


def _situation(request) -> list:
    """The open matters the user sees, red and yellow (one query)."""
    today = calendar.today()
    counts = selectors.colour_counts(
        selectors.petition_list(user=request.user, today=today).filter(state__in=list(OPEN_STATES)),
        today,
    )
    return [
        (_("Red: overdue or listed red"), counts["red"]),
        (_("Yellow: due soon"), counts["yellow"]),
        (_("Open matters"), counts["red"] + counts["yellow"] + counts["blue"]),
    ]


def _notices(request) -> list:
    rows = selectors.notifications_for(request.user)[:RECENT_NOTICES]
    return [(n.message, n.created_at.date().isoformat()) for n in rows]


def start_panel(request, role):
    if role == Role.ANALYST:
        return {
            "title": _("The situation of the matters you see"),
            "lines": _situation(request) + _notices(request),
            "links": [
                (_("Red matters"), _worklist_url("scope=all&colour=red")),
                (_("Yellow matters"), _worklist_url("scope=all&colour=yellow")),
                (_("All I can see"), _worklist_url("scope=all")),
            ],
        }
    if role == Role.LEADER:
        owned = selectors.colour_counts(selectors.worklist(user=request.user, role=role))
        return {
            "title": _("The situation, and the cases you own"),
            "lines": [
                *_situation(request),
                (_("Cases you own (open)"), owned["red"] + owned["yellow"] + owned["blue"]),
                (_("of them red"), owned["red"]),
                *_notices(request),
            ],
            "links": [
                (_("Your cases"), _worklist_url("role=leader")),
                (_("Red matters"), _worklist_url("scope=all&colour=red")),
                (_("Notices"), reverse("petitions:notifications")),
            ],
        }
    if role == Role.CLERK:
        return {
            "title": _("Registration"),
            "lines": [],
            "links": [
                (_("Register a matter"), reverse("petitions:register")),
                (_("Reception window"), reverse("petitions:window")),
                (_("All I can see"), _worklist_url("scope=all")),
            ],
        }
    if role not in selectors.WORKLIST_ROLES:
        return None
    counts = selectors.colour_counts(selectors.worklist(user=request.user, role=role))
    extras = len(selectors.worklist_extras(request.user))
    links = [
        (_("Open the worklist"), _worklist_url(f"role={role}")),
        (_("All I can see"), _worklist_url("scope=all")),
    ]
    if role == Role.SUPERVISOR:
        links.insert(1, (_("Supervision"), reverse("petitions:supervision")))
    if role in (Role.SUPERVISOR, Role.DISPATCHER) and permissions.sets_any_colours(request.user):
        links.append((_("Colour settings"), reverse("petitions:colour_settings")))
    lines = [
        (_("Red: overdue or listed red"), counts["red"]),
        (_("Yellow: due soon"), counts["yellow"]),
        (_("Blue: on schedule"), counts["blue"]),
    ]
    if extras:
        lines.append((_("Other items waiting (drafts, ...)"), extras))
    # 签发: written answers waiting for the unit head, drafts sent back to the handler.
    if role == Role.UNIT_HEAD:
        lines.append(
            (
                _("Written answers waiting for your approval"),
                selectors.drafts_awaiting_approval(request.user).count(),
            )
        )
    if role == Role.HANDLER:
        lines.append(
            (
                _("Your drafts sent back for revision"),
                selectors.drafts_sent_back(request.user).count(),
            )
        )
    return {"title": _("Waiting for you"), "lines": lines, "links": links}


MESSAGE_KINDS = {"receipt": _lazy("Registration receipt (number and query code)")}


def messages_panel(request, petition):
    """petitions.registry.MATTER_PANELS: the SMS and e-mails sent about this
    matter, with their state (sent, tried again, failed, opted out), for those who
    may see who the petitioner is; the recipient masked, no text."""
    if not permissions.may_see_identity(request.user, petition):
        return None
    rows = list(OutboxMessage.objects.filter(topic=f"petition:{petition.pk}")[:50])
    if not rows:
        return None
    return {
        "template": "petitions/_messages.html",
        "messages_sent": [
            {
                "at": m.created_at,
                "channel": _("SMS") if m.channel == "sms" else _("E-mail"),
                "to": mask_recipient(m.recipient),
                "kind": MESSAGE_KINDS.get(m.subject, _("Notice to the staff")),
                "state": m.get_state_display(),
                "failed": m.state in (OutboxMessage.State.FAILED, OutboxMessage.State.RETRYING),
                "attempts": m.attempts,
                "sent_at": m.sent_at,
            }
            for m in rows
        ],
    }
