"""The review chain: who reviews (复查) and who re-reviews (复核) a matter.

Review goes to the organ one level above the one that answered (信访工作条例
Art. 35), re-review to the organ one level above the reviewer (Art. 36): the
nearest territorial unit strictly above, so a department's answer (市人社局) is
reviewed by its government (市人民政府), a township's by the city. The same
organ never appears twice. Above the top of this system's tree the organ is
outside it (a county-level city's superior is the prefecture-level city's
government): the matter then records that organ by name, taken from the top
unit's `superior_organ_name` (set in the admin), and leaves the system's
handling (docs/architecture.md, "The review chain").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from xinfang.orgs.models import Unit, UnitKind
from xinfang.orgs.selectors import unit_above


def organ_above(unit: Unit | None) -> Unit | None:
    """The nearest territorial unit strictly above `unit`; None at the top of the tree."""
    if unit is None:
        return None
    # Not orgs.selectors.unit_above(include_self=False): it filters the distance in
    # a second .filter() on the multi-valued link, a join of its own, so "strictly
    # above" matches any unit with some descendant link (reported to orgs).
    return (
        Unit.objects.filter(
            kind=UnitKind.TERRITORIAL,
            descendant_links__descendant=unit,
            descendant_links__distance__gt=0,
        )
        .order_by("descendant_links__distance")
        .first()
    )


def outside_organ_name(unit: Unit) -> str:
    """The name of the organ above the top of the tree that holds `unit`, as an
    official document writes it (always in the default language, Chinese)."""
    top = unit_above(unit, parent__isnull=True)
    name = (top.superior_organ_name if top is not None else "").strip()
    if name:
        return name
    with translation.override(settings.LANGUAGE_CODE):
        return _("the people's government one level up")


@dataclass(frozen=True)
class NextOrgan:
    """Where the next round goes: a unit of this system, or an organ outside it."""

    unit: Unit | None
    name: str

    @property
    def outside(self) -> bool:
        return self.unit is None


def next_organ(unit: Unit) -> NextOrgan:
    """The organ that reviews an answer `unit` gave (or re-reviews its review)."""
    above = organ_above(unit)
    if above is not None:
        return NextOrgan(above, above.organ_name)
    return NextOrgan(None, outside_organ_name(unit))
