"""The supervision pages' forms: field shapes only; every rule is the services'."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import ChaseKind, ListingColour


class ListingForm(forms.Form):
    matter = forms.CharField(
        label=_("Matter or dispute number"),
        max_length=40,
        help_text=_("The number of a petition matter, or of a dispute on a township's ledger."),
    )
    colour = forms.ChoiceField(label=_("Colour"), choices=ListingColour.choices)
    reason = forms.CharField(label=_("Why it is listed"), widget=forms.Textarea(attrs={"rows": 3}))
    demand = forms.CharField(
        label=_("What the unit must do"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    report_by = forms.DateField(
        label=_("Report by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Blank: red the same day, yellow within 2 days, blue within 3."),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, initial=uuid.uuid4)


class _Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ChaseForm(_Versioned):
    kind = forms.ChoiceField(label=pgettext_lazy("chase", "Letter"), choices=ChaseKind.choices)
    demand = forms.CharField(label=_("What is demanded"), widget=forms.Textarea(attrs={"rows": 3}))
    report_by = forms.DateField(
        label=_("Report by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ReportForm(_Versioned):
    text = forms.CharField(label=_("What the unit did"), widget=forms.Textarea(attrs={"rows": 3}))


class RecolourForm(_Versioned):
    colour = forms.ChoiceField(label=_("Colour"), choices=ListingColour.choices)
    note = forms.CharField(label=_("Why"), max_length=300)


class DelistForm(_Versioned):
    note = forms.CharField(
        label=_("Why the listing ends"), widget=forms.Textarea(attrs={"rows": 2})
    )


ACTION_FORMS = {
    "chase": ChaseForm,
    "report": ReportForm,
    "recolour": RecolourForm,
    "delist": DelistForm,
}
