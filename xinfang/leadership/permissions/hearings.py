"""The leadership area's permissions of public evaluation hearings (群众评议 / 听证)."""

from __future__ import annotations

from xinfang.orgs import permissions
from xinfang.orgs.models import Membership, Unit, UnitLink
from xinfang.petitions import permissions as petition_policy
from xinfang.petitions import workflow as petition_workflow

from ..models import Hearing

# --- hearings (群众评议 / 听证) ----------------------------------------------------------
# Who holds a hearing on a matter: a leader or a supervisor whose unit reaches it,
# the petition office's dispatchers, the handlers of the unit handling it (the
# responsible, review or re-review unit). In re-review the hearing is the re-review
# organ's (信访工作条例 第三十六条): only who may take the matter's own
# `hearing_start` / `hearing_end` (its handlers) schedules, holds or cancels one,
# since that pauses and resumes the clock.


def may_hold_hearing(user, petition) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    scope = list(petition.scope_unit_ids())
    handling = [
        u for u in (petition.responsible_unit_id, petition.review_unit_id,
                    petition.re_review_unit_id) if u
    ]  # fmt: skip
    return (
        permissions.reaches(user, scope, "own_case")
        or permissions.reaches(user, scope, "supervise")
        or (bool(petition.office_id) and permissions.reaches(user, [petition.office_id],
                                                              "dispatch_petition"))
        or (bool(handling) and permissions.reaches(user, handling, "handle_petition"))
    )  # fmt: skip


def may_pause_for_hearing(user, petition, action: str = "hearing_start") -> bool:
    """May the user take the matter's own hearing step (the re-review organ's)?"""
    return petition_policy.may_take(user, petition_workflow.get(action), petition)


def may_see(user, petition) -> bool:
    return petition_policy.may_see(user, petition)


def may_see_hearing(user, hearing) -> bool:
    return petition_policy.may_see(user, hearing.petition)


def may_act_on_hearing(user, hearing) -> bool:
    if not may_hold_hearing(user, hearing.petition):
        return False
    if clock_paused_by(hearing):
        return may_pause_for_hearing(user, hearing.petition, "hearing_end")
    return True


def clock_paused_by(hearing) -> bool:
    """Is the matter's clock paused by this hearing now (scheduled in re-review,
    and the matter still there with its hearing running)?"""
    p = hearing.petition
    return (
        hearing.pauses_clock
        and hearing.state == "scheduled"
        and p.state == "under_re_review"
        and p.hearing_started_on is not None
    )


def visible_hearings(user):
    """The hearings of the matters the user may see."""
    return Hearing.objects.filter(petition__in=petition_policy.visible(user))


def acting_unit_on_matter(user, petition) -> Unit | None:
    """The user's unit that reaches the matter (for a hearing's event)."""
    if not getattr(user, "pk", None):
        return None
    scope = list(petition.scope_unit_ids())
    for m in Membership.objects.filter(user=user).select_related("unit"):
        if UnitLink.objects.filter(ancestor=m.unit, descendant_id__in=scope).exists():
            return m.unit
    return None


def hearing_unit(user, petition) -> Unit | None:
    """The unit a hearing is organised by: in re-review the re-review organ, else
    the user's unit that reaches the matter (else the petition office)."""
    if petition.state == "under_re_review" and petition.re_review_unit_id:
        return Unit.objects.get(pk=petition.re_review_unit_id)
    return (
        acting_unit_on_matter(user, petition) or Unit.objects.filter(pk=petition.office_id).first()
    )
