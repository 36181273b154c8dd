"""Judicial confirmation (司法确认) of a written agreement: the application, the ruling."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from xinfang.core import law
from xinfang.core.exceptions import Conflict, InvalidInput

from ..models import JudicialConfirmation, MediationCase
from ..workflow import CASE
from .agreements import agreement_of
from .common import not_before, required, today


def _confirmation(agreement) -> JudicialConfirmation | None:
    return JudicialConfirmation.objects.select_for_update().filter(agreement=agreement).first()


@CASE.action("judicial_applied", service_name="_judicial_apply")
def _judicial_apply(
    case: MediationCase, actor, *, court: str, applied_on: dt.date | None = None, note: str = ""
) -> dict:
    agreement = agreement_of(case)
    jc = _confirmation(agreement)
    if jc is None:
        # An oral agreement: a court confirms a written one (judicial_confirmation).
        raise Conflict(
            _(
                "This is an oral agreement; a court confirms only a written one. "
                "Put it in writing first (Make the written agreement), then record "
                "the application."
            )
        )
    if jc.applied_on:
        raise Conflict(_("The application was already recorded."))
    court = required(court, "court", _("Name the court applied to."))
    applied_on = applied_on or today()
    not_before(
        applied_on,
        agreement.effective_on,
        "applied_on",
        _("The agreement had not taken effect then (it took effect on %(date)s)."),
    )
    if applied_on > jc.window_ends_on:
        raise Conflict(
            _(
                "Too late: the parties could apply for judicial confirmation until "
                "%(date)s (30 days after the agreement took effect, %(law)s). "
                "They may still sue on the agreement or make a new one."
            )
            % {"date": jc.window_ends_on.isoformat(), "law": law.cite("judicial_confirmation")}
        )
    jc.applied_on = applied_on
    jc.court = court[:100]
    jc.note = note or ""
    jc.save(update_fields=["applied_on", "court", "note"])
    case.recorded_confirmation = jc
    return {"note": note, "data": {"court": jc.court, "applied_on": applied_on.isoformat()}}


def judicial_apply(
    *,
    actor,
    case_id: int,
    court: str,
    applied_on: dt.date | None = None,
    note: str = "",
    version: int | None = None,
) -> JudicialConfirmation:
    """The parties' joint application for judicial confirmation, within 30 days
    of the written agreement taking effect (law key judicial_confirmation); an oral
    agreement is refused, pointing to agreement_put_in_writing."""
    case = _judicial_apply(
        actor=actor,
        case_id=case_id,
        court=court,
        applied_on=applied_on,
        note=note,
        version=version,
    )
    return case.recorded_confirmation


@CASE.action("judicial_ruling", service_name="_judicial_ruling")
def _judicial_ruling(
    case: MediationCase,
    actor,
    *,
    ruling: str,
    ruling_on: dt.date | None = None,
    ruling_number: str = "",
    note: str = "",
) -> dict:
    jc = _confirmation(agreement_of(case))
    if jc is None or not jc.applied_on:
        raise Conflict(_("Record the application before the ruling."))
    if jc.ruling:
        raise Conflict(_("The ruling was already recorded."))
    if ruling not in ("confirmed", "rejected"):
        raise InvalidInput(field_errors={"ruling": [_("Choose confirmed or not confirmed.")]})
    ruling_on = ruling_on or today()
    not_before(
        ruling_on,
        jc.applied_on,
        "ruling_on",
        _("The ruling cannot precede the application (%(date)s)."),
    )
    jc.ruling = ruling
    jc.ruling_on = ruling_on
    jc.ruling_number = (ruling_number or "")[:60]
    if note:
        jc.note = f"{jc.note}\n{note}".strip()
    jc.save(update_fields=["ruling", "ruling_on", "ruling_number", "note"])
    case.recorded_confirmation = jc
    return {
        "note": note,
        "data": {"ruling": ruling, "ruling_on": ruling_on.isoformat(), "number": jc.ruling_number},
    }


def judicial_ruling(
    *,
    actor,
    case_id: int,
    ruling: str,
    ruling_on: dt.date | None = None,
    ruling_number: str = "",
    note: str = "",
    version: int | None = None,
) -> JudicialConfirmation:
    """The court's ruling on the application: confirmed valid or not."""
    case = _judicial_ruling(
        actor=actor,
        case_id=case_id,
        ruling=ruling,
        ruling_on=ruling_on,
        ruling_number=ruling_number,
        note=note,
        version=version,
    )
    return case.recorded_confirmation
