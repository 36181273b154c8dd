"""The forms of case ownership: the plan, and one per move of the plan."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Membership, Role, Unit, UnitKind
from xinfang.petitions import permissions as petition_policy

from ..models import Resolution

User = get_user_model()


class LeaderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.first_name or obj.get_username()


def leaders_for(petition):
    """The leaders who may own this matter (a leader's membership reaching it)."""
    ids = Membership.objects.filter(role=Role.LEADER).values_list("user_id", flat=True)
    users = User.objects.filter(pk__in=ids, is_active=True).order_by("first_name", "username")
    return [u.pk for u in users if petition_policy.may_see(u, petition)]


class UnitChoice(forms.ModelChoiceField):
    """A unit by the name people know it by: a village with its township (四个孙寨村)."""

    def label_from_instance(self, obj):
        return obj.name_with_township


# The units that answer for resolving a matter: governments and their departments,
# petition offices; not the mediation bodies or the reception centres.
RESPONSIBLE_KINDS = (UnitKind.TERRITORIAL, UnitKind.DEPARTMENT, UnitKind.PETITION_OFFICE)


class PlanForm(forms.Form):
    owner = LeaderChoice(label=_("Owning leader"), queryset=User.objects.none())
    unit = UnitChoice(label=_("Responsible unit"), queryset=Unit.objects.none())
    person = forms.CharField(label=_("Responsible person"), max_length=60)
    measures = forms.CharField(
        label=_("Measures (化解措施)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    standard = forms.CharField(
        label=_("Resolution standard"), widget=forms.Textarea(attrs={"rows": 2})
    )
    target_date = forms.DateField(
        label=_("Target date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, petition, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(pk__in=leaders_for(petition))
        units = [u for u in (petition.responsible_unit_id, petition.office_id) if u]
        self.fields["unit"].queryset = (
            Unit.objects.filter(is_active=True, kind__in=RESPONSIBLE_KINDS)
            .select_related("parent")
            .order_by("depth", "sort_order", "code")
        )
        if not self.is_bound:
            self.initial.setdefault("owner", user.pk)
            if units:
                self.initial.setdefault("unit", units[0])


class ProgressForm(forms.Form):
    note = forms.CharField(label=_("What moved"), widget=forms.Textarea(attrs={"rows": 3}))


class ReviseForm(forms.Form):
    measures = forms.CharField(
        label=_("Measures (化解措施)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    standard = forms.CharField(label=_("Resolution standard"), required=False)
    person = forms.CharField(label=_("Responsible person"), max_length=60, required=False)
    target_date = forms.DateField(
        label=_("Target date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), required=False)


class HandoverForm(forms.Form):
    owner = LeaderChoice(label=_("New owning leader"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, petition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(pk__in=leaders_for(petition))


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(label=_("How it was resolved"), choices=Resolution.choices)
    note = forms.CharField(
        label=_("How it was resolved, in words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(forms.Form):
    note = forms.CharField(label=_("Why it came back"), widget=forms.Textarea(attrs={"rows": 2}))


MOVE_FORMS = {
    "progress": ProgressForm,
    "revise": ReviseForm,
    "handover": HandoverForm,
    "resolve": ResolveForm,
    "reopen": ReopenForm,
}
