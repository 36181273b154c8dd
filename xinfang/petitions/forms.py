"""Forms of the staff pages. They parse what was typed; the rules are the services'.

A form turns strings into the values a service takes (a category, a unit, a date,
a number) and offers the choices that make sense on the page. Whether a matter
may be registered, forwarded or replied to is decided by the service, whose
field errors are put back next to the fields (`add_service_errors`).
"""

from __future__ import annotations

import re
from itertools import groupby

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from xinfang.core import calendar
from xinfang.core.calendar import Colour
from xinfang.core.uploads import limits_text
from xinfang.orgs import selectors as org_selectors
from xinfang.orgs.models import Role, Unit, UnitKind

from . import selectors
from .models import (
    STAFF_CHANNELS,
    Category,
    Channel,
    Outcome,
    Purpose,
    Route,
    ServiceMethod,
    State,
)

# --- choices ------------------------------------------------------------------------


def territory_of(unit: Unit) -> Unit:
    """The nearest territorial unit at or above `unit` (a reception centre's city)."""
    found = (
        Unit.objects.filter(kind=UnitKind.TERRITORIAL, descendant_links__descendant=unit)
        .order_by("descendant_links__distance")
        .first()
    )
    return found or unit


def place_choices(territory: Unit) -> list:
    """Territorial units of the territory, one <optgroup> per township."""
    units = list(
        Unit.objects.filter(
            kind=UnitKind.TERRITORIAL, is_active=True, ancestor_links__ancestor=territory
        ).order_by("depth", "sort_order", "code")
    )
    heads = {u.pk: u for u in units if u.parent_id == territory.pk}
    groups: dict[int, list] = {pk: [(pk, head.name)] for pk, head in heads.items()}
    for u in units:
        if u.pk != territory.pk and u.pk not in heads and u.parent_id in groups:
            groups[u.parent_id].append((u.pk, f"{heads[u.parent_id].name} · {u.name}"))
    return [(territory.pk, territory.name)] + [
        (heads[pk].name, options) for pk, options in groups.items()
    ]


def category_choices(*, whole_branches: bool = False) -> list:
    """Second-level categories grouped by the first level (<optgroup>); with
    `whole_branches` (filters) the first level itself is offered too."""
    rows = Category.objects.filter(is_active=True).select_related("parent")
    tops = {c.pk: c for c in rows if c.parent_id is None}
    leaves = sorted(
        (c for c in rows if c.parent_id in tops),
        key=lambda c: (tops[c.parent_id].sort_order, tops[c.parent_id].code, c.sort_order, c.code),
    )
    choices = []
    for parent_id, children in groupby(leaves, key=lambda c: c.parent_id):
        top = tops[parent_id]
        options = [(c.pk, c.name) for c in children]
        if whole_branches:
            options.insert(0, (top.pk, _("All of “%(name)s”") % {"name": top.name}))
        choices.append((top.name, options))
    return choices


def responsible_unit_choices(territory: Unit, *, accused: Unit | None = None) -> list:
    """The units a matter is forwarded to: the townships and departments of the
    territory; never, for an accusation, the accused unit or one under it."""
    units = Unit.objects.filter(
        parent=territory,
        kind__in=[UnitKind.TERRITORIAL, UnitKind.DEPARTMENT],
        is_active=True,
    ).order_by("kind", "sort_order", "code")
    if accused is not None:
        units = units.exclude(ancestor_links__ancestor=accused)
    groups = {UnitKind.TERRITORIAL: [], UnitKind.DEPARTMENT: []}
    for u in units:
        groups[u.kind].append((u.pk, u.name))
    return [(UnitKind(kind).label, options) for kind, options in groups.items() if options]


def accused_unit_choices(territory: Unit) -> list:
    units = Unit.objects.filter(
        ancestor_links__ancestor=territory,
        kind__in=[UnitKind.TERRITORIAL, UnitKind.DEPARTMENT, UnitKind.PETITION_OFFICE],
        is_active=True,
    ).order_by("kind", "depth", "sort_order", "code")
    choices = []
    for kind, group in groupby(units, key=lambda u: u.kind):
        choices.append((UnitKind(kind).label, [(u.pk, u.name) for u in group]))
    return choices


def _blank(label) -> list:
    return [("", label)]


# --- registration -------------------------------------------------------------------


class PageForm(forms.Form):
    """No colon after labels: the layout sets them apart."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks their kind and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.pdf,.heic"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class RegistrationForm(PageForm):
    """登记: what the clerk takes down from a letter, visit, call or mailbox letter."""

    registering_unit = forms.TypedChoiceField(label=_("Registering unit"), coerce=int)
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c.value, c.label) for c in STAFF_CHANNELS],
        widget=forms.RadioSelect,
        initial=Channel.VISIT,
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"), choices=Purpose.choices, widget=forms.RadioSelect
    )
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    place = forms.TypedChoiceField(label=_("Place of the problem"), coerce=int)
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    people_count = forms.IntegerField(
        label=_("Number of people"), min_value=1, initial=1, widget=forms.NumberInput()
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=200,
        help_text=_("One line: who, what, where."),
    )
    content = forms.CharField(label=_("Full text"), widget=forms.Textarea(attrs={"rows": 6}))
    request = forms.CharField(
        label=_("What is asked for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    collective = forms.BooleanField(label=_("Collective (5 or more people)"), required=False)
    cross_level = forms.BooleanField(label=_("Cross-level"), required=False)
    repeat = forms.BooleanField(label=_("Repeat"), required=False)
    accusation = forms.BooleanField(label=_("Accusation"), required=False)
    accused_unit = forms.TypedChoiceField(
        label=_("Accused unit"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Only for an accusation. It will never see the matter."),
    )
    accused_name = forms.CharField(label=_("Accused person"), max_length=60, required=False)
    electronic_service = forms.BooleanField(
        label=_("The petitioner accepts written answers electronically"),
        required=False,
        help_text=_(
            "Opening the answer on the portal with the query code then counts as receiving it."
        ),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    # A petition raised from a dispute whose mediation failed (the dispute's id).
    from_dispute = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FLAGS = ("collective", "cross_level", "repeat", "accusation")

    def __init__(self, *args, registering_units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in registering_units}
        self.fields["registering_unit"].choices = [(u.pk, u.name) for u in registering_units]
        self.fields["registering_unit"].initial = registering_units[0].pk
        if len(registering_units) == 1:
            self.fields["registering_unit"].widget = forms.HiddenInput()
        territory = territory_of(registering_units[0])
        self.fields["category"].choices = _blank(_("Choose…")) + category_choices()
        self.fields["place"].choices = _blank(_("Choose…")) + place_choices(territory)
        self.fields["accused_unit"].choices = _blank("—") + accused_unit_choices(territory)
        self.fields["received_on"].initial = calendar.today
        self.fields["attachments"].help_text = limits_text()

    def clean_category(self):
        return Category.objects.filter(pk=self.cleaned_data["category"]).first()

    def clean_place(self):
        return Unit.objects.filter(pk=self.cleaned_data["place"]).first()

    def clean_accused_unit(self):
        pk = self.cleaned_data.get("accused_unit")
        return Unit.objects.filter(pk=pk).first() if pk else None

    def service_fields(self) -> dict:
        """The keyword arguments of services.petition_register this form gives."""
        data = self.cleaned_data
        return {
            "registering_unit": self.units[data["registering_unit"]],
            "channel": data["channel"],
            "purpose": data["purpose"],
            "category": data["category"],
            "place": data["place"],
            "received_on": data["received_on"],
            "people_count": data["people_count"],
            "summary": data["summary"],
            "content": data["content"],
            "request": data["request"],
            # Only what the clerk ticked: the service suggests the rest.
            "flags": {name: True for name in self.FLAGS if data.get(name)},
            "accused_unit": data["accused_unit"],
            "accused_name": data["accused_name"],
            "electronic_service": bool(data.get("electronic_service")),
        }


class PetitionerForm(PageForm):
    """One petitioner (信访人); the service checks the ID number and phone."""

    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    is_representative = forms.BooleanField(label=_("Representative"), required=False)


PetitionerFormSet = forms.formset_factory(PetitionerForm, extra=5, max_num=5, absolute_max=5)


def petitioner_rows(formset) -> tuple[list[dict], list[int]]:
    """The filled-in rows for the service, and each one's row number in the formset."""
    rows, index = [], []
    for i, form in enumerate(formset.forms):
        if form.has_changed() and any(
            form.cleaned_data.get(k) for k in ("name", "id_number", "phone", "address")
        ):
            rows.append(dict(form.cleaned_data))
            index.append(i)
    return rows, index


_PETITIONER_KEY = re.compile(r"^petitioners\[(\d+)\]\.(\w+)$")


def petitioner_placer(formset, rows_index=None):
    """A core.forms.submit placer: a service's error about a petitioner row
    (`petitioners[i].field`) goes beside that field of the formset's row `i` (rows
    left blank are skipped, `rows_index` maps back); one about the petitioners
    as a whole is loose (shown above the rows). Returns whether it placed it."""

    def place(key: str, messages, loose: list) -> bool:
        match = _PETITIONER_KEY.match(key)
        if match:
            i, name = int(match[1]), match[2]
            row = rows_index[i] if rows_index and i < len(rows_index) else i
            target = formset.forms[row] if row < len(formset.forms) else None
            if target is not None and name in target.fields:
                for m in messages:
                    target.add_error(name, m)
                return True
        if key == "petitioners":
            loose.extend(messages)
            return True
        return False

    return place


# --- lists --------------------------------------------------------------------------


class ListFilterForm(PageForm):
    """The filters of the worklist and the supervision list (selectors.FILTERS)."""

    colour = forms.ChoiceField(
        label=_("Colour"), required=False, choices=_blank(_("All")) + list(Colour.choices)
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=_blank(_("All")) + list(State.choices)
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=_blank(_("All")) + list(Channel.choices)
    )
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None
    )
    unit = forms.TypedChoiceField(
        label=_("Unit or place"), required=False, coerce=int, empty_value=None
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
        label=_("Number or summary"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _blank(_("All")) + category_choices(whole_branches=True)
        units: list = []
        seen = set()
        for m in org_selectors.memberships_of(user):
            territory = territory_of(m.unit)
            if territory.pk in seen:
                continue
            seen.add(territory.pk)
            units.append((territory.pk, territory.name))
            for label, options in responsible_unit_choices(territory):
                units.append((f"{territory.name} · {label}", options))
        self.fields["unit"].choices = _blank(_("All")) + units

    def filters(self) -> dict:
        """The valid filters (a bad value is dropped, and shown as an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: data.get(k) for k in self.fields if data.get(k) not in (None, "")}


# --- actions on a matter ------------------------------------------------------------


class ActionForm(PageForm):
    """Every action form carries the version the user saw: a stale page is a conflict."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm_only = False

    def __init__(self, *args, petition, user, **kwargs):
        kwargs.setdefault("initial", {})["version"] = petition.version
        super().__init__(*args, **kwargs)
        self.petition = petition
        self.user = user

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


def _text(label, *, required=True, rows=3):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class ConfirmForm(ActionForm):
    """签收, 受理: nothing to fill in, one button."""

    confirm_only = True


class ConcludeForm(ActionForm):
    note = _text(_("Note (internal)"), required=False, rows=2)


class NoteForm(ActionForm):
    """听证 start or end; agreeing to a return."""

    note = _text(_("Note (internal)"), required=False, rows=2)


class ForwardForm(ActionForm):
    responsible_unit = forms.TypedChoiceField(label=_("Responsible unit"), coerce=int)
    note = _text(_("Note (internal)"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        territory = self.petition.office.parent or self.petition.office
        accused = self.petition.accused_unit if self.petition.accusation else None
        self.fields["responsible_unit"].choices = _blank(_("Choose…")) + responsible_unit_choices(
            territory, accused=accused
        )

    def clean_responsible_unit(self):
        return Unit.objects.filter(pk=self.cleaned_data["responsible_unit"]).first()


class DeclineForm(ActionForm):
    """不予受理, with the route the petitioner is told to take (诉访分离)."""

    route = forms.ChoiceField(label=_("Route given"), choices=Route.choices)
    reason = _text(_("Reason (told to the petitioner)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = _blank(_("Choose…")) + list(Route.choices)


class ReasonForm(ActionForm):
    """退回, 回避."""

    reason = _text(_("Reason"))


class ReturnForm(ActionForm):
    """退回: the unit's objection, with detailed reasons (信访工作条例 Art. 23(3))."""

    reason = _text(_("Detailed reasons: why the matter is not within your unit's remit"), rows=4)


class ReturnRefuseForm(ActionForm):
    """The petition office refuses a return, with its reason for the unit."""

    reason = _text(_("Reason (told to the unit)"))


class ExtendForm(ActionForm):
    days = forms.IntegerField(label=_("Days"), min_value=1, widget=forms.NumberInput())
    reason = _text(_("Reason (told to the petitioner)"))


class OpinionForm(ActionForm):
    """处理意见, 复查意见, 复核意见: what the written opinion must state (信访工作条例
    Art. 32): the petitioner's request, the facts found and the reasons, the
    opinion, and its legal basis in substance (not only the procedural articles)."""

    request = _text(_("The petitioner's request"), rows=2)
    facts = _text(_("Facts found and reasons"), rows=4)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    text = _text(_("Opinion (told to the petitioner)"), rows=5)
    legal_basis = _text(_("Legal basis (the laws, regulations and policies applied)"), rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = _blank(_("Choose…")) + list(Outcome.choices)
        self.fields["request"].initial = self.petition.request or self.petition.summary


class SameFactsForm(ActionForm):
    """不再受理, or not the same facts: the office's decision, with its reasons."""

    note = _text(_("What the comparison found (internal)"), rows=2)


class ListForm(ActionForm):
    """挂牌督办: list red, yellow or blue, or clear the listing."""

    colour = forms.ChoiceField(
        label=_("Listed colour"),
        required=False,
        choices=[("", _("Not listed"))]
        + [(c, label) for c, label in Colour.choices if c != Colour.GREEN],
    )
    note = _text(_("Note (internal)"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colour"].initial = self.petition.listing


class ChaseForm(ActionForm):
    note = _text(_("What is chased"), rows=2)


class OwnForm(ActionForm):
    plan = _text(_("Plan (one case, one plan)"))


class MergeForm(ActionForm):
    into = forms.CharField(label=_("Number of the matter to merge into"), max_length=40)
    note = _text(_("Note (internal)"), required=False, rows=2)

    def clean_into(self):
        number = self.cleaned_data["into"].strip()
        into = selectors.visible_petitions(self.user).filter(number=number).first()
        if into is None:
            raise forms.ValidationError(_("No matter you can see has this number."))
        return into


class SetAccusedForm(ActionForm):
    """The petition office names or corrects the accused (信访工作条例 Art. 30)."""

    accusation = forms.BooleanField(label=_("Accusation"), required=False)
    accused_unit = forms.TypedChoiceField(
        label=_("Accused unit"), coerce=int, required=False, empty_value=None
    )
    accused_user = forms.CharField(
        label=_("Accused person's user name (staff)"),
        max_length=150,
        required=False,
        help_text=_("If the accused is a staff member of this system: they will never see it."),
    )
    accused_name = forms.CharField(label=_("Accused person"), max_length=60, required=False)
    note = _text(_("Note (internal)"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        p = self.petition
        territory = p.office.parent or p.office
        self.fields["accused_unit"].choices = _blank("—") + accused_unit_choices(territory)
        self.fields["accusation"].initial = p.accusation
        self.fields["accused_unit"].initial = p.accused_unit_id
        self.fields["accused_user"].initial = (
            p.accused_user.get_username() if p.accused_user_id else ""
        )
        self.fields["accused_name"].initial = p.accused_name

    def clean_accused_unit(self):
        pk = self.cleaned_data["accused_unit"]
        return Unit.objects.filter(pk=pk).first() if pk else None

    def clean_accused_user(self):
        name = self.cleaned_data["accused_user"].strip()
        if not name:
            return None
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active user has this user name."))
        return user


class ShareIdentityForm(ActionForm):
    """Release the accuser's identity to the unit handling the matter, or withdraw it."""

    share = forms.TypedChoiceField(
        label=_("Accuser's identity"),
        choices=[
            ("1", _("Release to the responsible unit")),
            ("0", _("Keep with the petition office")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    note = _text(_("Why (on the record)"), rows=2)


class ServiceForm(ActionForm):
    """送达: how and when the written answer reached the petitioner."""

    method = forms.ChoiceField(label=_("How it was served"), choices=ServiceMethod.choices)
    served_on = forms.DateField(
        label=_("Received by the petitioner on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("By post: the date on the signed return receipt."),
    )
    note = _text(_("Note (internal)"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["served_on"].initial = calendar.today
        if not self.petition.electronic_service:
            self.fields["method"].choices = [
                (v, label) for v, label in ServiceMethod.choices if v != ServiceMethod.ELECTRONIC
            ]


class AssignForm(ActionForm):
    handler = forms.TypedChoiceField(label=_("Handler"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.petition.responsible_unit
        members = (
            org_selectors.unit_members(user=self.user, unit=unit).filter(role=Role.HANDLER)
            if unit is not None
            else []
        )
        self.handlers = {m.user_id: m.user for m in members}
        self.fields["handler"].choices = _blank(_("Choose…")) + [
            (pk, u.get_full_name() or u.get_username()) for pk, u in self.handlers.items()
        ]

    def clean_handler(self):
        return self.handlers.get(self.cleaned_data["handler"])


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "forward": ForwardForm,
    "decline_intake": DeclineForm,
    "sign": ConfirmForm,
    "return": ReturnForm,
    "return_agree": NoteForm,
    "return_refuse": ReturnRefuseForm,
    "accept": ConfirmForm,
    "decline": DeclineForm,
    "assign": AssignForm,
    "declare_interest": ReasonForm,
    "extend": ExtendForm,
    "reply": OpinionForm,
    "review_reply": OpinionForm,
    "re_review_reply": OpinionForm,
    "hearing_start": NoteForm,
    "hearing_end": NoteForm,
    "conclude": ConcludeForm,
    "list": ListForm,
    "chase": ChaseForm,
    "own": OwnForm,
    "merge": MergeForm,
    "set_accused": SetAccusedForm,
    "share_identity": ShareIdentityForm,
    "record_service": ServiceForm,
    "no_longer_accepted": SameFactsForm,
    "not_the_same": SameFactsForm,
}
