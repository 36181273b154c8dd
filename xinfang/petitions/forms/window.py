"""接待窗口: the window's search form and the form to issue a query code again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..services import IdentityDocument
from .registration import PageForm


class WindowSearchForm(PageForm):
    """Find a person's matters: by the full name, the ID number, the phone (any one)."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=60,
        required=False,
        help_text=_("The whole name, as on the ID card."),
    )
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )


class ReissueForm(PageForm):
    """Issue the query code again, after checking who asks."""

    petitioner = forms.TypedChoiceField(label=_("Who asks"), coerce=int)
    document = forms.ChoiceField(
        label=_("Identity checked against"),
        choices=IdentityDocument.CHOICES,
        initial=IdentityDocument.ID_CARD,
        widget=forms.RadioSelect,
    )
    id_number = forms.CharField(
        label=_("ID number on the card"),
        max_length=30,
        required=False,
        help_text=_("Needed where the matter holds the petitioner's ID number: it must match."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    identity_checked = forms.BooleanField(
        label=_(
            "I have checked that the person in front of me is this petitioner "
            "(or their representative)."
        ),
        required=False,
    )

    def __init__(self, *args, petition, **kwargs):
        super().__init__(*args, **kwargs)
        people = list(petition.petitioners.all())
        self.fields["petitioner"].choices = [(x.pk, x.name) for x in people]
        if len(people) == 1:
            self.fields["petitioner"].initial = people[0].pk

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "petitioner_id": data["petitioner"],
            "document": data["document"],
            "id_number": data["id_number"],
            "identity_checked": bool(data["identity_checked"]),
            "note": data["note"],
        }
