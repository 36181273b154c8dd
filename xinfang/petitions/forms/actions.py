"""The forms of the actions on a matter, one per row of workflow.TABLE the pages offer."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from xinfang.core import calendar
from xinfang.core.calendar import Colour
from xinfang.orgs import selectors as org_selectors
from xinfang.orgs.models import Role, Unit

from .. import selectors, workflow
from ..models import (
    ForwardKind,
    Outcome,
    Round,
    Route,
    ServiceMethod,
    outcome_choices,
)
from ..services import territorial_unit
from .choices import accused_unit_choices, blank, responsible_unit_choices
from .registration import PageForm

# --- actions on a matter ------------------------------------------------------------


class ActionForm(PageForm):
    """Every action form carries the version the user saw: a stale page is a conflict."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm_only = False

    def __init__(self, *args, petition, user, **kwargs):
        kwargs.setdefault("initial", {})["version"] = petition.version
        super().__init__(*args, **kwargs)
        self.petition = petition
        self.user = user

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


def _text(label, *, required=True, rows=3):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class ConfirmForm(ActionForm):
    """签收, 受理: nothing to fill in, one button."""

    confirm_only = True


class AcceptForm(ActionForm):
    """受理: still one step, but the handler confirms first (a checkbox beside the
    button, no script): accepting starts the period for the written answer."""

    confirm_box = True
    confirm = forms.BooleanField(
        label=_("I have checked the matter: it is ours to handle, and the period starts today."),
        required=True,
        error_messages={"required": _("Tick the box to confirm the acceptance.")},
    )

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "confirm")}


class ConcludeForm(ActionForm):
    note = _text(_("Note (internal)"), required=False, rows=2)


class NoteForm(ActionForm):
    """听证 start or end; agreeing to a return."""

    note = _text(_("Note (internal)"), required=False, rows=2)


class ForwardForm(ActionForm):
    """转送 or 交办 (with a handling requirement and a report-back date), the lead
    unit preselected from the problem's place, and the 协办 units."""

    kind = forms.ChoiceField(
        label=_("Forward as"),
        choices=ForwardKind.choices,
        initial=ForwardKind.TRANSFER,
        widget=forms.RadioSelect,
    )
    responsible_unit = forms.TypedChoiceField(label=_("Responsible (lead) unit"), coerce=int)
    reason = _text(
        _("Why another unit than the one of the problem's place"), required=False, rows=2
    )
    handling_requirement = _text(_("Handling requirement (交办)"), required=False, rows=3)
    report_back_due = forms.DateField(
        label=_("Report back by (交办)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    assisting_units = forms.TypedMultipleChoiceField(
        label=_("Assisting units (协办)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They see the matter and add their contribution; the lead unit answers."),
    )
    note = _text(_("Note (internal)"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        p = self.petition
        territory = p.office.parent or p.office
        accused = p.accused_unit if p.accusation else None
        units = responsible_unit_choices(territory, accused=accused)
        self.fields["responsible_unit"].choices = blank(_("Choose…")) + units
        self.fields["assisting_units"].choices = [
            (pk, name) for _group, options in units for pk, name in options
        ]
        self.home = territorial_unit(p)
        if self.home is not None:
            self.fields["responsible_unit"].initial = self.home.pk
            self.fields["reason"].help_text = _(
                "The problem is in %(unit)s: a reason is needed to send it elsewhere."
            ) % {"unit": self.home.name}

    def clean_responsible_unit(self):
        return Unit.objects.filter(pk=self.cleaned_data["responsible_unit"]).first()

    def clean_assisting_units(self):
        return list(Unit.objects.filter(pk__in=self.cleaned_data["assisting_units"]))


class ReportBackForm(ActionForm):
    """交办: the unit's report to the office that assigned the matter."""

    report = _text(_("What the unit did (report to the petition office)"), rows=4)


class DeclineForm(ActionForm):
    """不予受理, with the route the petitioner is told to take (诉访分离)."""

    route = forms.ChoiceField(label=_("Route given"), choices=Route.choices)
    reason = _text(_("Reason (told to the petitioner)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = blank(_("Choose…")) + list(Route.choices)


class ReasonForm(ActionForm):
    """退回, 回避."""

    reason = _text(_("Reason"))


class ReturnForm(ActionForm):
    """退回: the unit's objection, with detailed reasons (信访工作条例 Art. 23(3))."""

    reason = _text(_("Detailed reasons: why the matter is not within your unit's remit"), rows=4)


class ReturnRefuseForm(ActionForm):
    """The petition office refuses a return, with its reason for the unit."""

    reason = _text(_("Reason (told to the unit)"))


class ExtendForm(ActionForm):
    days = forms.IntegerField(label=_("Days"), min_value=1, widget=forms.NumberInput())
    reason = _text(_("Reason (told to the petitioner)"))


class SameFactsForm(ActionForm):
    """不再受理, or not the same facts: the office's decision, with its reasons."""

    note = _text(_("What the comparison found (internal)"), rows=2)


class ListForm(ActionForm):
    """挂牌督办: list red, yellow or blue, or clear the listing."""

    colour = forms.ChoiceField(
        label=_("Listed colour"),
        required=False,
        choices=[("", _("Not listed"))]
        + [(c, label) for c, label in Colour.choices if c != Colour.GREEN],
    )
    note = _text(_("Note (internal)"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colour"].initial = self.petition.listing


class ContributeForm(ActionForm):
    """协办: what the assisting unit found or did, for the lead unit and the office."""

    note = _text(_("Your unit's contribution"), rows=3)


class ChaseForm(ActionForm):
    note = _text(_("What is chased"), rows=2)


class OwnForm(ActionForm):
    plan = _text(_("Plan (one case, one plan)"))


class MergeForm(ActionForm):
    into = forms.CharField(label=_("Number of the matter to merge into"), max_length=40)
    note = _text(_("Note (internal)"), required=False, rows=2)

    def clean_into(self):
        number = self.cleaned_data["into"].strip()
        into = selectors.visible_petitions(self.user).filter(number=number).first()
        if into is None:
            raise forms.ValidationError(_("No matter you can see has this number."))
        return into


class SetAccusedForm(ActionForm):
    """The petition office names or corrects the accused (信访工作条例 Art. 30)."""

    accusation = forms.BooleanField(label=_("Accusation"), required=False)
    accused_unit = forms.TypedChoiceField(
        label=_("Accused unit"), coerce=int, required=False, empty_value=None
    )
    accused_user = forms.CharField(
        label=_("Accused person's user name (staff)"),
        max_length=150,
        required=False,
        help_text=_("If the accused is a staff member of this system: they will never see it."),
    )
    accused_name = forms.CharField(label=_("Accused person"), max_length=60, required=False)
    note = _text(_("Note (internal)"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        p = self.petition
        territory = p.office.parent or p.office
        self.fields["accused_unit"].choices = blank("—") + accused_unit_choices(territory)
        self.fields["accusation"].initial = p.accusation
        self.fields["accused_unit"].initial = p.accused_unit_id
        self.fields["accused_user"].initial = (
            p.accused_user.get_username() if p.accused_user_id else ""
        )
        self.fields["accused_name"].initial = p.accused_name

    def clean_accused_unit(self):
        pk = self.cleaned_data["accused_unit"]
        return Unit.objects.filter(pk=pk).first() if pk else None

    def clean_accused_user(self):
        name = self.cleaned_data["accused_user"].strip()
        if not name:
            return None
        user = get_user_model().objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active user has this user name."))
        return user


class ShareIdentityForm(ActionForm):
    """Release the accuser's identity to the unit handling the matter, or withdraw it."""

    share = forms.TypedChoiceField(
        label=_("Accuser's identity"),
        choices=[
            ("1", _("Release to the responsible unit")),
            ("0", _("Keep with the petition office")),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    note = _text(_("Why (on the record)"), rows=2)


class ServiceForm(ActionForm):
    """送达: how and when the written answer reached the petitioner."""

    method = forms.ChoiceField(label=_("How it was served"), choices=ServiceMethod.choices)
    served_on = forms.DateField(
        label=_("Received by the petitioner on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("By post: the date on the signed return receipt."),
    )
    note = _text(_("Note (internal)"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["served_on"].initial = calendar.today
        if not self.petition.electronic_service:
            self.fields["method"].choices = [
                (v, label) for v, label in ServiceMethod.choices if v != ServiceMethod.ELECTRONIC
            ]


class AssignForm(ActionForm):
    handler = forms.TypedChoiceField(label=_("Handler"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.petition.responsible_unit
        members = (
            org_selectors.unit_members(user=self.user, unit=unit).filter(role=Role.HANDLER)
            if unit is not None
            else []
        )
        self.handlers = {m.user_id: m.user for m in members}
        self.fields["handler"].choices = blank(_("Choose…")) + [
            (pk, u.get_full_name() or u.get_username()) for pk, u in self.handlers.items()
        ]

    def clean_handler(self):
        return self.handlers.get(self.cleaned_data["handler"])


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "forward": ForwardForm,
    "decline_intake": DeclineForm,
    "sign": ConfirmForm,
    "return": ReturnForm,
    "return_agree": NoteForm,
    "return_refuse": ReturnRefuseForm,
    "accept": AcceptForm,
    "decline": DeclineForm,
    "assign": AssignForm,
    "declare_interest": ReasonForm,
    "report_back": ReportBackForm,
    "contribute": ContributeForm,
    "extend": ExtendForm,
    "hearing_start": NoteForm,
    "hearing_end": NoteForm,
    "conclude": ConcludeForm,
    "list": ListForm,
    "chase": ChaseForm,
    "own": OwnForm,
    "merge": MergeForm,
    "set_accused": SetAccusedForm,
    "share_identity": ShareIdentityForm,
    "record_service": ServiceForm,
    "no_longer_accepted": SameFactsForm,
    "not_the_same": SameFactsForm,
}


# --- the sign-off of a written opinion (签发) -------------------------------------------


class DraftForm(PageForm):
    """The draft of a written opinion: the fields the answer states (信访工作条例
    Art. 32). Saving keeps an incomplete draft; submitting checks it (the service)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    request = _text(_("The petitioner's request"), required=False, rows=2)
    facts = _text(_("Facts found and reasons"), required=False, rows=4)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, required=False)
    text = _text(_("Opinion (told to the petitioner)"), required=False, rows=5)
    legal_basis = _text(
        _("Legal basis (the laws, regulations and policies applied)"), required=False, rows=2
    )

    def __init__(self, *args, petition, draft=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if draft is not None:
            initial.update(draft.content(), version=draft.version)
        else:
            initial["request"] = petition.request or petition.summary
        super().__init__(*args, **kwargs)
        round_ = draft.round if draft is not None else workflow.STATE_ROUND.get(petition.state)
        outcomes = outcome_choices(round_ or Round.OPINION)
        self.fields["outcome"].choices = blank(_("Choose…")) + list(outcomes.choices)
        if outcomes is not Outcome:
            self.fields["outcome"].label = _("Review outcome")

    def content(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class DecisionForm(PageForm):
    """The unit head's decision on a submitted draft, with a comment (required to
    send it back)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = _text(_("Comment (required to send it back)"), required=False, rows=3)

    def __init__(self, *args, draft, **kwargs):
        kwargs.setdefault("initial", {})["version"] = draft.version
        super().__init__(*args, **kwargs)


class DraftStepForm(PageForm):
    """Issue or withdraw: nothing to fill in."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, draft, **kwargs):
        kwargs.setdefault("initial", {})["version"] = draft.version
        super().__init__(*args, **kwargs)
