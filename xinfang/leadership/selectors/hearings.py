"""The leadership area's selectors of public evaluation hearings (群众评议 / 听证)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from xinfang.core.exceptions import NotFound

from .. import permissions as policy
from ..models import (
    Hearing,
    HearingEvent,
    HearingParticipant,
)


def hearings_of(*, user, petition) -> list[Hearing]:
    """The hearings held or scheduled on a matter the user sees, latest first."""
    if not policy.may_see(user, petition):
        return []
    return list(
        Hearing.objects.filter(petition=petition)
        .annotate(invited=Count("participants"))
        .order_by("-date", "-id")
    )


# --- hearings (群众评议 / 听证) ----------------------------------------------------------


def hearing_get(*, user, pk) -> Hearing:
    """One hearing the user may see, else NotFound (never a hint that it exists)."""
    try:
        hearing = Hearing.objects.select_related("petition", "unit").get(pk=pk)
    except (Hearing.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if not policy.may_see_hearing(user, hearing):
        raise NotFound()
    return hearing


def hearings_visible(user) -> QuerySet[Hearing]:
    return (
        policy.visible_hearings(user)
        .select_related("petition", "unit")
        .annotate(invited=Count("participants"))
        .order_by("-date", "-id")
    )


def participants(hearing: Hearing) -> list[HearingParticipant]:
    return list(hearing.participants.order_by("order", "id"))


def hearing_timeline(hearing: Hearing) -> list[HearingEvent]:
    return list(hearing.events.select_related("actor", "actor_unit").order_by("at", "id"))
