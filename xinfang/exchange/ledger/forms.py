"""The upload form and the column-mapping form (one choice of column per field,
pre-filled from the source's saved mapping or the usual headers)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models.ledger import LedgerKind
from .fields import fields_of, guess_columns


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Ledger file"),
        help_text=_(
            "An .xlsx workbook (first sheet) or a .csv file (UTF-8 or GBK); the first row names the columns."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    kind = forms.ChoiceField(label=_("The ledger lists"), choices=LedgerKind.choices)
    source = forms.CharField(
        label=_("Source"),
        max_length=60,
        widget=forms.TextInput(attrs={"list": "ledger-sources"}),
        help_text=_(
            "Who kept the ledger, e.g. 市信访局 2016-2020. The column mapping is saved under this name."
        ),
    )


class MappingForm(forms.Form):
    def __init__(self, *args, kind: str, headers: list[str], saved: dict | None = None, **kw):
        super().__init__(*args, **kw)
        guessed = guess_columns(kind, headers, saved)
        choices = [("", _("— not in the file —"))] + [(h, h) for h in headers if h]
        for f in fields_of(kind):
            self.fields[f.name] = forms.ChoiceField(
                label=f.label,
                choices=choices,
                required=False,
                initial=guessed.get(f.name, ""),
                help_text=_("Required") if f.required else "",
            )

    def columns(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if v}
