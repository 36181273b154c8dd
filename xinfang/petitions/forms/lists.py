"""The filters of the worklist and the supervision list."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.core.calendar import Colour
from xinfang.core.memo import memoized
from xinfang.core.widgets import FastSelect
from xinfang.orgs import selectors as org_selectors
from xinfang.orgs.models import Unit

from ..models import (
    Channel,
    OfficeColourSettings,
    State,
)
from .choices import blank, category_choices, responsible_unit_choices, territory_of
from .registration import PageForm

# --- lists --------------------------------------------------------------------------


class ListFilterForm(PageForm):
    """The filters of the worklist and the supervision list (selectors.FILTERS)."""

    colour = forms.ChoiceField(
        label=_("Colour"),
        required=False,
        choices=blank(_("All")) + list(Colour.choices),
        widget=FastSelect,
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=blank(_("All")) + list(State.choices),
        widget=FastSelect,
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=blank(_("All")) + list(Channel.choices),
        widget=FastSelect,
    )
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    unit = forms.TypedChoiceField(
        label=_("Unit or place"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    date_from = forms.DateField(
        label=_("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("Received until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    q = forms.CharField(
        label=_("Search: number, name, summary or text"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args, user, unit_ids: tuple[int, ...] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_filter_choices()
        self.unit_ids = filter_unit_ids(user) if unit_ids is None else unit_ids
        self.fields["unit"].choices = _unit_filter_choices(self.unit_ids)

    def filters(self) -> dict:
        """The valid filters (a bad value is dropped, and shown as an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: data.get(k) for k in self.fields if data.get(k) not in (None, "")}


# The filters' lists are the same for every page of a list and change a few times
# a year: kept in the process (core.memo, forgotten when a unit or a category
# changes). Built, they were about a fifth of the worklist page's time.


def filter_unit_ids(user) -> tuple[int, ...]:
    """The user's units, primary first (the order their territories are offered)."""
    return tuple(dict.fromkeys(m.unit_id for m in org_selectors.memberships_of(user)))


@memoized()
def _category_filter_choices() -> list:
    return blank(_("All")) + category_choices(whole_branches=True)


@memoized()
def _unit_filter_choices(unit_ids: tuple[int, ...]) -> list:
    """The territories of the user's units, each with its townships and departments."""
    units: list = []
    seen = set()
    by_id = Unit.objects.in_bulk(unit_ids)
    for unit in (by_id[pk] for pk in unit_ids if pk in by_id):
        territory = territory_of(unit)
        if territory.pk in seen:
            continue
        seen.add(territory.pk)
        units.append((territory.pk, territory.name))
        for label, options in responsible_unit_choices(territory):
            units.append((f"{territory.name} · {label}", options))
    return blank(_("All")) + units


# --- the office's four colours --------------------------------------------------------


class ColourSettingsForm(PageForm):
    """四色设置: which clocks colour the office's matters, and when yellow begins."""

    clocks = forms.MultipleChoiceField(
        label=_("Clocks that colour a matter"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (clock, OfficeColourSettings._meta.get_field(field).verbose_name)
            for clock, field in OfficeColourSettings.CLOCK_FIELDS.items()
        ],
        help_text=_(
            "A clock left out never turns the matter yellow or red; the days left are "
            "still shown. Signing for (签收) is a local rule, left out by default."
        ),
    )
    yellow_days = forms.IntegerField(
        label=OfficeColourSettings._meta.get_field("yellow_days").verbose_name,
        min_value=0,
        max_value=60,
        help_text=OfficeColourSettings._meta.get_field("yellow_days").help_text,
    )
    yellow_percent = forms.IntegerField(
        label=OfficeColourSettings._meta.get_field("yellow_percent").verbose_name,
        min_value=0,
        max_value=100,
        help_text=OfficeColourSettings._meta.get_field("yellow_percent").help_text,
    )

    @classmethod
    def initial_of(cls, rules: OfficeColourSettings) -> dict:
        return {
            "clocks": [
                c for c, f in OfficeColourSettings.CLOCK_FIELDS.items() if getattr(rules, f)
            ],
            "yellow_days": rules.yellow_days,
            "yellow_percent": rules.yellow_percent,
        }
