"""The search page's one box and its filters (GET)."""

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
