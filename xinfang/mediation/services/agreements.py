"""The agreement (调成), putting an oral one in writing, and the follow-up visit."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from xinfang.core.exceptions import Conflict, InvalidInput
from xinfang.core.inputs import date_error

from .. import clocks
from ..models import (
    Agreement,
    AgreementForm,
    AgreementTerm,
    FollowUp,
    JudicialConfirmation,
    MediationCase,
)
from ..workflow import CASE
from .common import not_before, one_year_after, today


def _clean_terms(terms: list[dict]) -> list[dict]:
    cleaned, errors = [], []
    for i, t in enumerate(terms or []):
        text = (t.get("text") or "").strip()
        if not text:
            if any((t.get(k) or "") for k in ("obliged", "how", "due_on")):
                errors.append(_("Term %(n)d: say what is to be done.") % {"n": i + 1})
            continue
        due = t.get("due_on")
        if isinstance(due, str) and due:
            try:
                due = dt.date.fromisoformat(due)
            except ValueError:
                errors.append(_("Term %(n)d: give the date as YYYY-MM-DD.") % {"n": i + 1})
                continue
        if isinstance(due, dt.date) and date_error(due):
            errors.append(_("Term %(n)d: %(error)s") % {"n": i + 1, "error": date_error(due)})
            continue
        cleaned.append(
            {
                "text": text,
                "obliged": (t.get("obliged") or "").strip()[:100],
                "how": (t.get("how") or "").strip()[:200],
                "due_on": due or None,
            }
        )
    if errors:
        raise InvalidInput(field_errors={"terms": errors})
    if not cleaned:
        raise InvalidInput(field_errors={"terms": [_("Give at least one term.")]})
    return cleaned


def agreement_of(case: MediationCase, *, lock: bool = False) -> Agreement:
    qs = Agreement.objects.select_for_update() if lock else Agreement.objects
    agreement = qs.filter(case=case).first()
    if agreement is None:
        raise Conflict(_("This case has no agreement."))
    return agreement


@CASE.action("agreement", service_name="_agreement_record")
def _agreement_record(
    case: MediationCase,
    actor,
    *,
    form: str,
    facts: str,
    issues: str,
    terms: list[dict],
    responsibilities: str = "",
    signed_on: dt.date | None = None,
    effective_on: dt.date | None = None,
) -> dict:
    d = case.dispute
    errors: dict[str, list] = {}
    if form not in AgreementForm.values:
        errors["form"] = [_("Choose a written or an oral agreement.")]
    if not (facts or "").strip():
        errors["facts"] = [_("State the main facts.")]
    if not (issues or "").strip():
        errors["issues"] = [_("State the issues in dispute.")]
    # Each side's responsibility is stated where the parties state one (law key
    # agreement_written: the agreement *may* state it); never required, so nobody types
    # a "no one is at fault" the parties did not say to get past the form.
    now = today()
    signed_on = signed_on or now
    effective_on = effective_on or signed_on
    # Signed within the case (never before mediation started: the days to settle
    # would be negative) and by today; in effect from then, within a year (a
    # far date would open a judicial-confirmation window nobody can compute).
    floor = case.started_on or case.opened_on or d.received_on
    if signed_on > now:
        errors["signed_on"] = [_("The agreement cannot be signed in the future.")]
    elif signed_on < floor:
        errors["signed_on"] = [
            _("The agreement cannot be signed before mediation started (%(date)s).")
            % {"date": floor.isoformat()}
        ]
    if effective_on < signed_on:
        errors["effective_on"] = [_("It cannot take effect before it is signed.")]
    elif effective_on > one_year_after(signed_on):
        errors["effective_on"] = [_("It must take effect within a year of signing.")]
    try:
        clean_terms = _clean_terms(terms)
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    if errors:
        raise InvalidInput(field_errors=errors)
    agreement = Agreement.objects.create(
        case=case,
        form=form,
        facts=facts.strip(),
        issues=issues.strip(),
        responsibilities=(responsibilities or "").strip(),
        signed_on=signed_on,
        effective_on=effective_on,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    AgreementTerm.objects.bulk_create(
        AgreementTerm(agreement=agreement, sort_order=i, **t) for i, t in enumerate(clean_terms)
    )
    window = None
    if form == AgreementForm.WRITTEN:
        window = clocks.judicial_window(effective_on)
        JudicialConfirmation.objects.create(
            agreement=agreement, window_ends_on=window.due, window_provisional=window.provisional
        )
    case.ended_on = signed_on
    d.settled_on = signed_on
    d.settled_level = case.level
    d.closed_on = signed_on
    case.recorded_agreement = agreement
    return {
        "data": {
            "agreement": agreement.pk,
            "form": form,
            "terms": len(clean_terms),
            "level": case.level,
            "window_ends_on": window.due.isoformat() if window else None,
        }
    }


def agreement_record(
    *,
    actor,
    case_id: int,
    form: str,
    facts: str,
    issues: str,
    terms: list[dict],
    responsibilities: str = "",
    signed_on: dt.date | None = None,
    effective_on: dt.date | None = None,
    version: int | None = None,
) -> Agreement:
    """调成: the agreement (law keys agreement_oral, agreement_written: written, or
    oral and recorded; parties, facts, issues, each side's responsibility where
    stated, the terms with how and by when). The dispute is settled at the case's
    level; a written agreement opens the 30-day window for judicial confirmation
    (judicial_confirmation); an oral one can be put in writing later
    (agreement_put_in_writing)."""
    case = _agreement_record(
        actor=actor,
        case_id=case_id,
        form=form,
        facts=facts,
        issues=issues,
        terms=terms,
        responsibilities=responsibilities,
        signed_on=signed_on,
        effective_on=effective_on,
        version=version,
    )
    return case.recorded_agreement


@CASE.action("agreement_written", service_name="_put_in_writing")
def _put_in_writing(case: MediationCase, actor, *, signed_on: dt.date | None = None, note=""):
    agreement = agreement_of(case, lock=True)
    if agreement.form != AgreementForm.ORAL:
        raise Conflict(_("This agreement is already in writing."))
    signed_on = signed_on or today()
    not_before(
        signed_on,
        agreement.signed_on,
        "signed_on",
        _("The written agreement cannot precede the oral one (%(date)s)."),
    )
    oral_on = agreement.signed_on
    agreement.form = AgreementForm.WRITTEN
    agreement.reached_orally_on = oral_on
    agreement.signed_on = signed_on
    agreement.effective_on = signed_on
    agreement.save(update_fields=["form", "reached_orally_on", "signed_on", "effective_on"])
    window = clocks.judicial_window(signed_on)
    JudicialConfirmation.objects.create(agreement=agreement, window_ends_on=window.due)
    case.recorded_agreement = agreement
    return {
        "note": note,
        "data": {
            "agreement": agreement.pk,
            "reached_orally_on": oral_on.isoformat(),
            "signed_on": signed_on.isoformat(),
            "window_ends_on": window.due.isoformat(),
        },
    }


def agreement_put_in_writing(
    *,
    actor,
    case_id: int,
    signed_on: dt.date | None = None,
    note: str = "",
    version: int | None = None,
) -> Agreement:
    """制作书面协议: the recorded oral agreement (agreement_oral) made into the
    written agreement (agreement_written), which judicial confirmation needs
    (judicial_confirmation). The written agreement holds what was recorded, word
    for word: facts, issues, responsibilities and terms are not edited here (a
    different agreement is a new mediation, not a transcription).

    It takes effect when the parties sign it and the committee seals it
    (`signed_on`, default today): the 30-day window for judicial confirmation
    runs from then. The day it was reached orally is kept (reached_orally_on)."""
    case = _put_in_writing(
        actor=actor, case_id=case_id, signed_on=signed_on, note=note, version=version
    )
    return case.recorded_agreement


@CASE.action("follow_up", service_name="_follow_up_record")
def _follow_up_record(
    case: MediationCase,
    actor,
    *,
    result: str,
    on: dt.date | None = None,
    note: str = "",
    performed_terms=(),
) -> dict:
    agreement = agreement_of(case)
    if result not in ("performed", "partly", "not"):
        raise InvalidInput(field_errors={"result": [_("Choose how the terms were performed.")]})
    on = on or today()
    not_before(
        on, agreement.signed_on, "on", _("The follow-up cannot precede the agreement (%(date)s).")
    )
    terms = agreement.terms.filter(performed_on__isnull=True)
    if result == "performed":
        done = list(terms.values_list("pk", flat=True))
    elif result == "partly":
        wanted = {int(getattr(t, "pk", t)) for t in performed_terms or []}
        done = list(terms.filter(pk__in=wanted).values_list("pk", flat=True))
        if not wanted:
            raise InvalidInput(
                field_errors={"performed_terms": [_("Tick the terms that were performed.")]}
            )
    else:
        done = []
    if done:
        AgreementTerm.objects.filter(pk__in=done).update(performed_on=on)
    case.recorded_follow_up = FollowUp.objects.create(
        agreement=agreement,
        on=on,
        result=result,
        note=note or "",
        by=actor if getattr(actor, "pk", None) else None,
    )
    return {
        "note": note,
        "data": {
            "result": result,
            "performed_terms": done,
            "all_performed": not agreement.terms.filter(performed_on__isnull=True).exists(),
        },
    }


def follow_up_record(
    *,
    actor,
    case_id: int,
    result: str,
    on: dt.date | None = None,
    note: str = "",
    performed_terms=(),
    version: int | None = None,
) -> FollowUp:
    """回访: how the terms are being performed. "Performed" marks every term done;
    "partly" marks the terms named."""
    case = _follow_up_record(
        actor=actor,
        case_id=case_id,
        result=result,
        on=on,
        note=note,
        performed_terms=performed_terms,
        version=version,
    )
    return case.recorded_follow_up
