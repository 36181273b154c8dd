"""Inside a mediation case: mediators, consent, sessions, the extension, the end
without agreement. Each is a row of workflow.CASES, taken through CaseFrame: the
dispute and the case locked, state and version, the right, then the write and
one event on the dispute's timeline."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.core.exceptions import Conflict, InvalidInput

from .. import clocks
from ..models import Consent, FailureReason, MediationCase, MediationSession
from ..workflow import CASE
from .common import ROUTES_TOLD, names, today
from .disputes import _roster_pick


@CASE.action("mediators", service_name="case_assign_mediators")
def case_assign_mediators(case: MediationCase, actor, *, mediators) -> dict:
    """Assign one or more mediators from the body's roster (replacing the list)."""
    chosen = _roster_pick(case, mediators)
    case.mediators.set(chosen)
    return {"data": {"mediators": [m.pk for m in chosen], "names": [m.name for m in chosen]}}


def _failed(case: MediationCase, reason: str, note: str = "", **data) -> dict:
    """调解终止: the case ends without agreement; the parties are told of the
    arbitration, administrative and judicial routes (law key mediation_stop)."""
    ended = today()
    case.failure_reason = reason
    case.ended_on = ended
    case.routes_told = True
    case.dispute.closed_on = ended
    return {"note": note, "data": {"reason": reason, "routes": list(ROUTES_TOLD), **data}}


def _party(case: MediationCase, party_id):
    try:
        party = case.dispute.parties.filter(pk=int(party_id)).first()
    except (TypeError, ValueError):
        party = None
    if party is None:
        raise InvalidInput(field_errors={"party": [_("Choose a party to this dispute.")]})
    return party


@CASE.action("consent", service_name="case_record_consent")
def case_record_consent(
    case: MediationCase,
    actor,
    *,
    party_id: int,
    consented: bool,
    how: str = "written",
    note: str = "",
) -> dict:
    """Record one party's consent or refusal (law key mediation_consent: mediation needs
    the parties' consent; one refusal ends it). When every party has consented
    the mediation starts and its month runs."""
    d = case.dispute
    party = _party(case, party_id)
    if how not in ("written", "oral"):
        raise InvalidInput(field_errors={"how": [_("Choose in writing or orally.")]})
    if Consent.objects.filter(case=case, party=party).exists():
        raise Conflict(_("This party's answer is already recorded."))
    Consent.objects.create(
        case=case,
        party=party,
        consented=bool(consented),
        how=how,
        note=(note or "")[:200],
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    if not consented:
        # One refusal ends it: the "refused" row, its event case_failed.
        result = _failed(case, FailureReason.REFUSED, note, party=party.pk, party_name=party.name)
        CASE.move(case, "refused", actor=actor, **result)
        return {"record": False}
    all_parties = set(d.parties.values_list("pk", flat=True))
    agreed = set(Consent.objects.filter(case=case, consented=True).values_list("party", flat=True))
    if all_parties <= agreed:
        started = today()
        deadline = clocks.case_deadline(started)
        case.started_on = started
        case.deadline = deadline.due
        case.deadline_provisional = deadline.provisional
        CASE.move(
            case,
            "mediation_started",
            actor=actor,
            data={
                "party": party.pk,
                "party_name": party.name,
                "deadline": deadline.due.isoformat(),
                "provisional": deadline.provisional,
            },
        )
        return {"record": False}
    return {"data": {"party": party.pk, "party_name": party.name, "how": how}}


@CASE.action("session", service_name="_case_record_session")
def _case_record_session(
    case: MediationCase,
    actor,
    *,
    record: str,
    present,
    signed_by,
    held_at: dt.datetime | None = None,
    place: str = "",
) -> dict:
    errors: dict[str, list] = {}
    record = (record or "").strip()
    if not record:
        errors["record"] = [_("Write the record of the session.")]
    present = names(present)
    signed = names(signed_by)
    if not present:
        errors["present"] = [_("Name those present.")]
    if not signed:
        errors["signed_by"] = [_("Name those who signed the record.")]
    strangers = [n for n in signed if n not in present]
    if strangers:
        errors["signed_by"] = [
            _("Only those present may sign the record: %(names)s were not present.")
            % {"names": "、".join(strangers)}
        ]
    if errors:
        raise InvalidInput(field_errors=errors)
    session = MediationSession.objects.create(
        case=case,
        held_at=held_at or timezone.now(),
        place=(place or "")[:100],
        present=present,
        record=record,
        signed_by=signed,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    case.recorded_session = session
    return {"data": {"session": session.pk, "present": present, "signed_by": signed}}


def case_record_session(
    *,
    actor,
    case_id: int,
    record: str,
    present,
    signed_by,
    held_at: dt.datetime | None = None,
    place: str = "",
    version: int | None = None,
) -> MediationSession:
    """A session with its record (调解笔录), signed by those present."""
    case = _case_record_session(
        actor=actor,
        case_id=case_id,
        record=record,
        present=present,
        signed_by=signed_by,
        held_at=held_at,
        place=place,
        version=version,
    )
    return case.recorded_session


@CASE.action("extend", service_name="case_extend")
def case_extend(case: MediationCase, actor, *, agreed_by, note: str = "") -> dict:
    """Extend the time limit once, by a month, with every party's agreement."""
    parties = {p.pk: p.name for p in case.dispute.parties.all()}
    agreed = {int(getattr(p, "pk", p)) for p in (agreed_by or [])}
    if not agreed or not set(parties) <= agreed:
        raise InvalidInput(
            field_errors={"agreed_by": [_("An extension needs the agreement of every party.")]}
        )
    deadline = clocks.case_deadline(case.started_on, extended=True)
    previous = case.deadline
    case.deadline = deadline.due
    case.deadline_provisional = deadline.provisional
    case.extended = True
    case.data = {
        **(case.data or {}),
        "extension": {"agreed_by": sorted(agreed), "on": today().isoformat()},
    }
    return {
        "note": note,
        "data": {
            "previous": previous.isoformat() if previous else None,
            "deadline": deadline.due.isoformat(),
            "agreed_by": [parties[p] for p in sorted(agreed) if p in parties],
        },
    }


@CASE.action("stop", service_name="case_stop")
def case_stop(case: MediationCase, actor, *, party_id: int, note: str = "") -> dict:
    """A party stops the mediation (a party's right under the 人民调解法; then as
    law key mediation_stop)."""
    party = _party(case, party_id)
    return _failed(case, FailureReason.STOPPED, note, party=party.pk, party_name=party.name)


@CASE.action("fail", service_name="case_fail")
def case_fail(
    case: MediationCase, actor, *, reason: str, routes_told: bool, note: str = ""
) -> dict:
    """调解终止 without agreement (no agreement could be reached, or the time ran
    out): only once the parties were told of the other routes."""
    errors: dict[str, list] = {}
    if reason not in FailureReason.values:
        errors["reason"] = [_("Choose why the mediation ended.")]
    if not routes_told:
        errors["routes_told"] = [
            _("Tell the parties of arbitration, administrative and judicial routes first.")
        ]
    if errors:
        raise InvalidInput(field_errors=errors)
    return _failed(case, reason, note)
