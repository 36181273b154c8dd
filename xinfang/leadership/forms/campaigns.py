"""The forms of backlog campaigns (信访积案攻坚) and their weekly bulletins."""

from __future__ import annotations

import datetime as dt
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.core import calendar
from xinfang.orgs.models import Unit

from ..permissions import campaigns as policy
from ..services.campaigns import MAX_OPEN_DAYS
from .ownership import PlanForm


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name of the campaign"), max_length=100)
    office = forms.ModelChoiceField(label=_("Running office"), queryset=Unit.objects.none())
    starts_on = forms.DateField(
        label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}))
    open_days = forms.IntegerField(
        label=_("Open longer than (days)"),
        required=False,
        min_value=1,
        max_value=MAX_OPEN_DAYS,
        help_text=_("Counted from the day the matter was received. Empty: not a rule."),
    )
    rule_repeat = forms.BooleanField(label=_("Repeat petitions"), required=False)
    rule_group = forms.BooleanField(label=_("Group petitions (5 or more people)"), required=False)
    rule_cross_level = forms.BooleanField(label=_("Petitions that skipped a level"), required=False)
    # The form's one-time token: a double submit sets up one campaign.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, initial=uuid.uuid4, max_length=64)
    bulletin_prefix = forms.CharField(
        label=_("Bulletin number prefix"),
        max_length=12,
        required=False,
        help_text=_("E.g. 舞信督; empty: derived from the office's territory."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        offices = policy.offices_to_run(user)
        self.fields["office"].queryset = offices
        if not self.is_bound:
            first = offices.first()
            if first is not None:
                self.initial.setdefault("office", first.pk)
            self.initial.setdefault("starts_on", calendar.today())


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class ConfirmForm(forms.Form):
    """Keep or drop each proposed matter, in one step with a confirmation."""

    keep = forms.MultipleChoiceField(
        label=_("Matters kept on the list"), required=False, widget=forms.CheckboxSelectMultiple
    )
    confirmed = forms.BooleanField(
        label=_("I have checked the list: the ticked matters are listed, the others dropped."),
        required=False,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (
                str(m.pk),
                " · ".join([m.petition.number, m.petition.summary, "、".join(m.rule_labels())]),
            )
            for m in matters
        ]
        if not self.is_bound:
            self.initial["keep"] = [str(m.pk) for m in matters]


class AssignForm(PlanForm):
    """The plan's fields (case ownership) for one listed matter of the campaign."""

    def __init__(self, *args, petition, user, **kwargs):
        super().__init__(*args, petition=petition, user=user, **kwargs)
        if not self.is_bound:
            self.initial["target_date"] = calendar.today() + dt.timedelta(days=30)


class IssueForm(forms.Form):
    year = forms.IntegerField(label=_("Year (ISO)"), min_value=2000, max_value=2100)
    week = forms.IntegerField(label=_("Week (ISO)"), min_value=1, max_value=53)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            iso = calendar.today().isocalendar()
            self.initial.update({"year": iso.year, "week": iso.week})


ACTION_FORMS = {"propose": NoteForm, "close": NoteForm, "issue_bulletin": IssueForm}
