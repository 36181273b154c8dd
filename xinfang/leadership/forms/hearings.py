"""The forms of hearings (群众评议 / 听证): scheduling with its participants, and
one per move of a hearing. Business rules stay in services.hearings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.core import calendar

from ..models import ParticipantRole

DATE = {"type": "date"}


class HearingForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    place = forms.CharField(label=_("Venue"), max_length=120)
    host = forms.CharField(label=_("Host"), max_length=60)
    topic = forms.CharField(
        label=_("Question put to the hearing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("date", calendar.today())


class ParticipantForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", "—"), *ParticipantRole.choices], required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    affiliation = forms.CharField(label=_("Unit or title"), max_length=120, required=False)


ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=6, max_num=60)


def participant_rows(formset) -> list[dict]:
    """The rows a person filled in (a row with neither name nor role is left out)."""
    return [
        f.cleaned_data
        for f in formset.forms
        if f.cleaned_data and (f.cleaned_data.get("name") or f.cleaned_data.get("role"))
    ]


class InviteForm(ParticipantForm):
    name = forms.CharField(label=_("Name"), max_length=60)
    role = forms.ChoiceField(label=_("Role"), choices=ParticipantRole.choices)


class RescheduleForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    place = forms.CharField(label=_("Venue"), max_length=120, required=False)
    host = forms.CharField(label=_("Host"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), required=False)


class HoldForm(forms.Form):
    """Who came and what each said (one checkbox and one view per participant), the
    conclusion and the day it was held."""

    held_on = forms.DateField(
        label=_("Held on"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.people = list(participants)
        self.rows = []
        for person in self.people:
            attended = forms.BooleanField(label=_("Attended"), required=False, initial=True)
            view = forms.CharField(
                label=_("View of %(name)s") % {"name": person.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"attended_{person.pk}"] = attended
            self.fields[f"view_{person.pk}"] = view
        if not self.is_bound:
            self.initial.setdefault("held_on", calendar.today())

    def person_rows(self):
        return [
            (person, self[f"attended_{person.pk}"], self[f"view_{person.pk}"])
            for person in self.people
        ]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"],
            "conclusion": data["conclusion"],
            "attendance": [
                {
                    "id": person.pk,
                    "attended": data.get(f"attended_{person.pk}", False),
                    "view": data.get(f"view_{person.pk}", ""),
                }
                for person in self.people
            ],
        }


class IssueForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"), widget=forms.Textarea(attrs={"rows": 2})
    )


MOVE_FORMS = {
    "invite": InviteForm,
    "reschedule": RescheduleForm,
    "hold": HoldForm,
    "issue": IssueForm,
    "cancel": CancelForm,
}
