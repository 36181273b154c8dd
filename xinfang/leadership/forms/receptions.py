"""Forms of the reception pages: input only, no rules (the services hold them)."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.petitions.models import Purpose

from ..models import ReceptionKind
from ..services.receptions import MAX_PEOPLE


class _Once(forms.Form):
    """A create with a one-time token (its idempotency key, core.forms.submit_once)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", str(uuid.uuid4()))


class ScheduleForm(_Once):
    leader = forms.TypedChoiceField(label=_("Leader"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=ReceptionKind.choices)
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time_from = forms.TimeField(
        label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    time_to = forms.TimeField(
        label=_("Until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    unit = forms.TypedChoiceField(label=_("Where"), coerce=int)
    place = forms.CharField(label=_("Address or room"), max_length=120, required=False)
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    public = forms.BooleanField(label=_("On the public calendar"), required=False, initial=True)
    held = forms.BooleanField(label=_("Already held (record it now)"), required=False)

    def __init__(self, *args, leaders, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [
            (m.user_id, f"{m.user.first_name or m.user.username} · {m.unit.name}") for m in leaders
        ]
        self.fields["unit"].choices = [(u.pk, u.name_with_township) for u in units]


class HoldForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class BatchForm(_Once):
    people_count = forms.IntegerField(
        label=_("People"), min_value=1, max_value=MAX_PEOPLE, initial=1
    )
    name = forms.CharField(label=_("Petitioner or representative"), max_length=60, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    matters = forms.CharField(
        label=_("Matters raised"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RegisterForm(_Once):
    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    place = forms.TypedChoiceField(label=_("Place of the problem"), coerce=int)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices, initial="appeal")
    summary = forms.CharField(label=_("Summary"), max_length=200)

    def __init__(self, *args, categories, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [
            (c.pk, f"{c.parent.name} / {c.name}" if c.parent_id else c.name) for c in categories
        ]
        self.fields["place"].choices = [(u.pk, u.name_with_township) for u in places]


class LinkForm(forms.Form):
    number = forms.CharField(label=_("Number of the matter"), max_length=40)
