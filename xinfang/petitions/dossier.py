"""The matter's file (卷宗) for an organ outside this system, as one ZIP.

When review or re-review goes above the top of the tree (chain.py) the organ
that does it is not connected to the system; the petition office sends it the
file: a PDF with the facts, the petitioners and the whole timeline, every
written notice as its own PDF, and the attachments as they were received.

Personal data is masked as everywhere; a user who may reveal it (may_reveal)
may ask for it in full, and then every value shown is put on the security
record (pii.reveal), one read per field of each petitioner. An accuser's
identity stays out unless the user may see it (信访工作条例 Art. 30).
"""

from __future__ import annotations

import io
import re
import zipfile

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from xinfang.core import calendar, pii
from xinfang.core.documents import Section, chinese_date, render_pdf

from . import notices, selectors, timeline
from .models import Petition, PetitionEvent, State


def has_outside_organ(p: Petition) -> bool:
    return bool(p.review_outside or p.re_review_outside)


def _safe(name: str) -> str:
    """A file name inside the ZIP: no folders, no control characters."""
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", name or "").strip(" .")
    return name[:120] or "file"


def _petitioner_rows(p: Petition, *, user, request, reveal: bool) -> list[str]:
    if not selectors.may_see_identity(user, p):
        return [_("The accuser's identity stays with the petition office.")]
    full = reveal and selectors.may_reveal(user, p)
    rows = []
    for person in p.petitioners.all():
        target = f"petition:{p.pk}:petitioner:{person.pk}"
        values = {}
        for field in ("id_number", "phone"):
            value = getattr(person, field)
            if full and value:
                value = pii.reveal(
                    user=user, request=request, target=target, field=field, value=value
                )
            elif field == "id_number":
                value = pii.mask_id_number(value)
            else:
                value = pii.mask_phone(value)
            values[field] = value or "—"
        rows.append(
            _("%(name)s; ID number %(id)s; phone %(phone)s; address %(address)s")
            % {
                "name": person.name,
                "id": values["id_number"],
                "phone": values["phone"],
                "address": person.address or "—",
            }
        )
    return rows or [_("No petitioner named.")]


def _event_line(e: PetitionEvent) -> str:
    when = calendar.to_local_date(e.at).isoformat()
    label = e.label
    unit = f" · {e.actor_unit.name}" if e.actor_unit_id else ""
    line = f"{when} {label}{unit}: {timeline.public_line(e)}".rstrip(": ")
    if e.note and e.note.strip() != (e.public_text or "").strip():
        line += " " + _("(note: %(note)s)") % {"note": e.note.strip()}
    return line


def dossier_pdf(p: Petition, *, user, request, reveal: bool) -> bytes:
    organ = p.re_review_outside or p.review_outside
    facts = [
        (_("Matter number"), p.number),
        (_("Received on"), chinese_date(p.received_on)),
        (_("Channel"), p.get_channel_display()),
        (_("Purpose"), p.get_purpose_display()),
        (_("Category"), str(p.category)),
        (_("Place"), p.place.name),
        (_("Petition office"), p.office.organ_name),
        (_("Responsible unit"), p.responsible_unit.organ_name if p.responsible_unit_id else "—"),
    ]
    if p.opinion_issued_on:
        facts.append(
            (_("Opinion"), f"{p.get_opinion_outcome_display()} {chinese_date(p.opinion_issued_on)}")
        )
    if p.review_unit_id:
        facts.append((_("Review unit"), p.review_unit.organ_name))
    if p.review_issued_on:
        facts.append(
            (
                _("Review opinion"),
                f"{p.get_review_outcome_display()} {chinese_date(p.review_issued_on)}",
            )
        )
    facts.append((_("Organ asked next (outside this system)"), organ or "—"))
    facts.append((_("State in this system"), str(State(p.state).label)))
    sections = [
        Section(heading=_("Facts"), fields=facts),
        Section(heading=_("Summary"), paragraphs=[p.summary]),
        Section(heading=_("Full text"), paragraphs=p.content.splitlines() or [p.content]),
    ]
    if p.request:
        sections.append(Section(heading=_("What is asked for"), paragraphs=[p.request]))
    sections.append(
        Section(
            heading=_("Petitioners"),
            paragraphs=_petitioner_rows(p, user=user, request=request, reveal=reveal),
        )
    )
    events = selectors.timeline(user=user, petition=p)
    sections.append(Section(heading=_("Timeline"), paragraphs=[_event_line(e) for e in events]))
    today = calendar.today()
    return render_pdf(
        title=_("File of petition matter %(number)s") % {"number": p.number},
        issuer=p.office.organ_name,
        number=p.number,
        recipient=organ,
        sections=sections,
        issued_on=today,
        seal=False,
        footer=_("Matter %(number)s") % {"number": p.number},
    )


def dossier_zip(p: Petition, *, user, request, reveal: bool) -> bytes:
    """The ZIP: 卷宗.pdf, notices/…pdf, attachments/…; raises FontUnavailable
    (503) where no Chinese font is installed."""
    buffer = io.BytesIO()
    with translation.override(settings.LANGUAGE_CODE):
        summary = dossier_pdf(p, user=user, request=request, reveal=reveal)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(_safe(_("File %(number)s.pdf") % {"number": p.number}), summary)
            for i, n in enumerate(notices.notices_for(p, public=False, user=user), start=1):
                content = notices.notice_pdf(p, n.event_id, public=False, user=user)
                zf.writestr(f"notices/{i:02d}-{_safe(n.title)}.pdf", content)
            for i, att in enumerate(p.attachments.all(), start=1):
                with att.file.open("rb") as f:
                    zf.writestr(f"attachments/{i:02d}-{_safe(att.name)}", f.read())
    return buffer.getvalue()


def dossier_filename(p: Petition) -> tuple[str, str]:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", f"file-{p.number}.zip")
    return ascii_name, _("File %(number)s.zip") % {"number": p.number}
