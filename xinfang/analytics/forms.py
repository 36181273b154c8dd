"""The monthly report's forms: draw up a draft (with a one-time token), edit the
commentary (with the version read), issue."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.core.exceptions import InvalidInput
from xinfang.orgs.models import Unit

from . import monthly
from .models import MonthlyReport
from .monthly_permissions import writable_units
from .services import MAX_COMMENTARY


class GenerateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"}),
    )
    # The form's one-time token: a double submit draws one report up.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, initial=uuid.uuid4, max_length=64)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = writable_units(user)
        self.fields["unit"].queryset = units
        if not self.is_bound:
            first = units.first()
            if first is not None:
                self.initial.setdefault("unit", first.pk)
            self.initial.setdefault("month", f"{monthly.last_month():%Y-%m}")

    def clean_month(self):
        try:
            return monthly.parse_month(self.cleaned_data["month"])
        except InvalidInput as exc:
            raise forms.ValidationError(exc.field_errors["month"][0]) from None


class CommentaryForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = MonthlyReport
        fields = ["overview", "problems", "measures"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 6, "maxlength": MAX_COMMENTARY})
            for name in ("overview", "problems", "measures")
        }
        help_texts = {
            "overview": _("One paragraph per line. The figures' summary comes before it."),
        }


class IssueForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
