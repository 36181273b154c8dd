"""回执: the receipt a petitioner takes from the window when a matter is registered
from a letter, a visit, a call or the mailbox, or when the query code is issued
again. It holds the number, the query code, the date and what happens next.

The query code is a credential and is stored nowhere but on the matter: a
receipt with the code is printed only in the short time after registration or a
re-issue (views.window keeps that allowance in the session); the stub the window
keeps (A4, the lower half) never carries the code."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from xinfang.core import law
from xinfang.core.documents import ReceiptPart, chinese_date, render_receipt_pdf
from xinfang.core.querycode import format_query_code

from .models import Petition

PAGES = ("A4", "A5")


def _names(p: Petition) -> str:
    names = [x.name for x in p.petitioners.all()]
    if p.people_count > len(names):
        return _("%(names)s and others, %(count)d people") % {
            "names": "、".join(names),
            "count": p.people_count,
        }
    return "、".join(names)


def receipt_pdf(
    p: Petition,
    *,
    page: str = "A4",
    track_url: str = "",
    clerk_name: str = "",
    reissued_on: dt.date | None = None,
) -> bytes:
    """The receipt of matter `p` with its current query code, as a PDF on `page`
    (A4: receipt and stub; A5: the receipt alone). `reissued_on`: a receipt
    for a code issued again (the old code no longer works)."""
    with translation.override(settings.LANGUAGE_CODE):
        issuer = (p.registering_unit or p.office).name
        issued_on = reissued_on or p.received_on
        facts = [
            (_("Matter number"), p.number),
            (_("Petitioner"), _names(p)),
            (_("Channel"), p.get_channel_display()),
            (_("Received on"), chinese_date(p.received_on)),
        ]
        if reissued_on:
            facts.append((_("Query code issued again on"), chinese_date(reissued_on)))
        track = track_url or _("the public pages of this service")
        next_steps = [
            _(
                "Your matter has been registered. Within 15 days the petition office "
                "forwards it to the unit responsible or hands it over to be handled, and the "
                "unit that accepts it tells you in writing (%(basis)s)."
            )
            % {"basis": law.cite("forward", "accept_forwarded")},
            _(
                "With the query code you can follow the matter at %(url)s or at a query "
                "terminal in a reception hall. The code is the only key to the matter: "
                "keep it to yourself."
            )
            % {"url": track},
            _(
                "If you lose the code, come to the reception window with your ID card: a "
                "new code is issued and the old one stops working."
            ),
        ]
        if reissued_on:
            next_steps.insert(0, _("The query code given before no longer works."))
        receipt = ReceiptPart(
            title=_("Receipt of a petition matter"),
            rows=facts,
            highlight=(_("Query code"), format_query_code(p.query_code)),
            paragraphs=next_steps,
        )
        stub = ReceiptPart(
            title=_("Receipt of a petition matter (stub)"),
            rows=[
                *facts,
                (_("Summary"), p.summary),
                (_("Registered by"), clerk_name),
            ],
            paragraphs=[_("The petitioner has received the receipt with the query code.")],
            signatures=[_("Petitioner's signature")],
        )
        parts = [receipt, stub] if page == "A4" else [receipt]
        return render_receipt_pdf(
            issuer=issuer,
            parts=parts,
            issued_on=issued_on,
            page=page,
            cut_label=_("Cut here"),
        )


def receipt_filename(p: Petition, page: str) -> tuple[str, str]:
    """(ASCII file name, full file name) for the download."""
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", f"receipt-{p.number}-{page}.pdf")
    with translation.override(settings.LANGUAGE_CODE):
        return ascii_name, f"{_('Receipt')}-{p.number}-{page}.pdf"
