"""登记: the registration form, its petitioner rows, and where a service's errors about them go."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.core import calendar, pii
from xinfang.core.pii import validate_id_number, validate_phone
from xinfang.core.uploads import limits_text
from xinfang.core.widgets import FastSelect
from xinfang.orgs.models import Unit

from ..models import (
    STAFF_CHANNELS,
    Category,
    Channel,
    Purpose,
)
from .choices import accused_unit_choices, blank, category_choices, place_choices, territory_of

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
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, widget=FastSelect)
    place = forms.TypedChoiceField(label=_("Place of the problem"), coerce=int, widget=FastSelect)
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
        widget=FastSelect,
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
    sms_receipt = forms.BooleanField(
        label=_("The petitioner agrees to get the number and the query code by SMS"),
        required=False,
        help_text=_(
            "Sent to the phone numbers given above. Ask first: a shared phone may not be theirs."
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
        self.fields["category"].choices = blank(_("Choose…")) + category_choices()
        self.fields["place"].choices = blank(_("Choose…")) + place_choices(territory)
        self.fields["accused_unit"].choices = blank("—") + accused_unit_choices(territory)
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
            "sms_receipt": bool(data.get("sms_receipt")),
        }


class PetitionerForm(PageForm):
    """One petitioner (信访人); the service checks the ID number and phone."""

    id_warnings: tuple | list = ()  # set by clean_id_number

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

    # The service checks them again; checked here too, so that a wrong ID number or
    # phone is shown with every other error of the form in one submit. A valid
    # number may still deserve a look (an area code in no edition of the table):
    # said beside the field, never a refusal.
    def clean_id_number(self):
        value = (self.cleaned_data.get("id_number") or "").strip()
        if value:
            validate_id_number(value)
        self.id_warnings = pii.id_number_warnings(value) if value else []
        return value

    def clean_phone(self):
        value = (self.cleaned_data.get("phone") or "").strip()
        if value:
            validate_phone(value)
        return value


PetitionerFormSet = forms.formset_factory(PetitionerForm, extra=5, max_num=5, absolute_max=5)


def id_warnings(formset) -> list[str]:
    """The warnings about the ID numbers of the filled-in rows, each naming its
    petitioner (shown after registering: they never stop it)."""
    found = []
    for form in formset.forms:
        for warning in getattr(form, "id_warnings", ()):
            name = (form.cleaned_data or {}).get("name") or ""
            found.append(f"{name}：{warning}" if name else warning)
    return found


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
