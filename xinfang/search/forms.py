"""The search page's one box and its filters (GET)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "aria-label": _("Search")}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All"))] + list(Kind.choices), required=False
    )
    state = forms.CharField(label=_("State"), max_length=30, required=False)
    date_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


# How a found matter is related to the one on the page: "same" is the merge (并案).
MARK_CHOICES = [
    ("repeat", _("Repeat (重复信访)")),
    ("related", _("Related")),
    ("same", _("The same matter (merge into it)")),
]


def new_token() -> str:
    return str(uuid.uuid4())


class MarkForm(forms.Form):
    """Mark a found matter (on a matter's page); the token makes a double submit one mark."""

    other = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    kind = forms.ChoiceField(label=_("Relation"), choices=MARK_CHOICES)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, initial=new_token)


class UnmarkForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
