"""Forms of the dispute and case pages. They parse input; the services decide."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.core import pii
from xinfang.orgs.models import Level

from ..models import AgreementForm, DisputeState, DisputeType, FailureReason, Risk, Source

DATE = forms.DateInput(attrs={"type": "date"})
ROUTES = (
    ("centre", _("The mediation centre of its level")),
    ("committee", _("The professional committee of its type")),
)


def _blank(choices, label):
    return [("", label), *choices]


class DisputeFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=_blank([("open", _("Open")), *DisputeState.choices], _("All")),
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=_blank(DisputeType.choices, _("All"))
    )
    level = forms.ChoiceField(
        label=_("Level where it arose"), required=False, choices=_blank(Level.choices, _("All"))
    )
    body = forms.TypedChoiceField(
        label=_("Mediation body"), required=False, coerce=int, empty_value=None
    )
    q = forms.CharField(label=_("Number or words"), required=False, max_length=60)

    def __init__(self, *args, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = _blank([(b.pk, b.name) for b in bodies], _("All"))

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class PartyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    is_organisation = forms.BooleanField(label=_("Organisation"), required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=18, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)


class DisputeRegisterForm(forms.Form):
    """受理: a direct application at a centre, or a court or police referral."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)
    source = forms.ChoiceField(
        label=_("Source"),
        choices=[(s, Source(s).label) for s in (Source.APPLICATION, Source.COURT, Source.POLICE)],
        widget=forms.RadioSelect,
        initial=Source.APPLICATION,
    )
    received_by = forms.TypedChoiceField(label=_("Received by"), coerce=int)
    place = forms.TypedChoiceField(label=_("Where it arose"), coerce=int)
    type = forms.ChoiceField(label=_("Type"), choices=DisputeType.choices)
    risk = forms.ChoiceField(label=_("Risk"), choices=Risk.choices, initial=Risk.LOW)
    referral_ref = forms.CharField(
        label=_("Referral reference"),
        required=False,
        max_length=60,
        help_text=_("For a court or police referral: their file number."),
    )
    summary = forms.CharField(label=_("Summary"), max_length=200)
    details = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    route_now = forms.BooleanField(
        label=_("Route it now to the mediation centre of its level"), required=False
    )

    def __init__(self, *args, units=(), places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_by"].choices = [(u.pk, u.name) for u in units]
        self.fields["place"].choices = [
            (
                u.pk,
                f"{u.parent.name} · {u.name}" if u.level == Level.VILLAGE and u.parent else u.name,
            )
            for u in places
        ]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", str(uuid.uuid4()))


class RouteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    to = forms.ChoiceField(
        label=_("Send to"), choices=ROUTES, widget=forms.RadioSelect, initial="centre"
    )
    body = forms.TypedChoiceField(
        label=_("Or choose the body"), required=False, coerce=int, empty_value=None
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, bodies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = _blank([(b.pk, b.name) for b in bodies], "—")


class EscalateForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("Why this level cannot settle it"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CaseOpenForm(forms.Form):
    mediators = forms.TypedMultipleChoiceField(
        label=_("Mediators"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, roster=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediators"].choices = [(m.pk, m.name) for m in roster]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConsentForm(forms.Form):
    party = forms.IntegerField(widget=forms.HiddenInput)
    consented = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("1", _("Consents")), ("0", _("Refuses"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    how = forms.ChoiceField(
        label=_("How"),
        choices=[("written", _("In writing")), ("oral", _("Orally, recorded"))],
        initial="written",
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class MediatorsForm(forms.Form):
    mediators = forms.TypedMultipleChoiceField(
        label=_("Mediators"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, roster=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediators"].choices = [
            (m.pk, f"{m.name} ({_('full-time') if m.full_time else _('part-time')}, {m.caseload})")
            for m in roster
        ]


class SessionForm(forms.Form):
    held_at = forms.DateTimeField(
        label=_("Held at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=100)
    present = forms.CharField(label=_("Present"), help_text=_("Names, separated by 、 or commas."))
    signed_by = forms.CharField(
        label=_("Signed by"), help_text=_("Names of those present who signed the record.")
    )
    record = forms.CharField(label=_("Record (调解笔录)"), widget=forms.Textarea(attrs={"rows": 5}))


class ExtendForm(forms.Form):
    agreed_by = forms.TypedMultipleChoiceField(
        label=_("Parties who agree"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_by"].choices = [(p.pk, p.name) for p in parties]


class StopForm(forms.Form):
    party = forms.TypedChoiceField(label=_("Party who stops it"), coerce=int)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = [(p.pk, p.name) for p in parties]


class FailForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why it ended"),
        choices=[
            (r, FailureReason(r).label)
            for r in (FailureReason.NO_AGREEMENT, FailureReason.DEADLINE)
        ],
    )
    routes_told = forms.BooleanField(
        label=_("The parties were told of arbitration, administrative and judicial routes"),
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


TERM_ROWS = 4


class AgreementRecordForm(forms.Form):
    form = forms.ChoiceField(
        label=_("Form"), choices=AgreementForm.choices, widget=forms.RadioSelect, initial="written"
    )
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 3}))
    issues = forms.CharField(label=_("Issues in dispute"), widget=forms.Textarea(attrs={"rows": 2}))
    responsibilities = forms.CharField(
        label=_("Each side's responsibility"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DATE)
    effective_on = forms.DateField(label=_("Takes effect on"), required=False, widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(TERM_ROWS):
            self.fields[f"term_{i}_text"] = forms.CharField(label=_("Term"), required=False)
            self.fields[f"term_{i}_obliged"] = forms.CharField(
                label=_("Who performs it"), required=False, max_length=100
            )
            self.fields[f"term_{i}_how"] = forms.CharField(
                label=_("How"), required=False, max_length=200
            )
            self.fields[f"term_{i}_due_on"] = forms.DateField(
                label=_("By"), required=False, widget=DATE
            )

    def term_rows(self):
        return [
            [self[f"term_{i}_{k}"] for k in ("text", "obliged", "how", "due_on")]
            for i in range(TERM_ROWS)
        ]

    def service_fields(self) -> dict:
        c = self.cleaned_data
        terms = [
            {
                "text": c.get(f"term_{i}_text", ""),
                "obliged": c.get(f"term_{i}_obliged", ""),
                "how": c.get(f"term_{i}_how", ""),
                "due_on": c.get(f"term_{i}_due_on"),
            }
            for i in range(TERM_ROWS)
        ]
        fields = {k: c[k] for k in ("form", "facts", "issues", "responsibilities")}
        fields.update({k: c[k] for k in ("signed_on", "effective_on") if c.get(k)})
        return {**fields, "terms": terms}


class FollowUpForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[
            ("performed", _("Performed")),
            ("partly", _("Partly performed")),
            ("not", _("Not performed")),
        ],
    )
    performed_terms = forms.TypedMultipleChoiceField(
        label=_("Terms performed"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    on = forms.DateField(label=_("On"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False)

    def __init__(self, *args, terms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["performed_terms"].choices = [
            (t.pk, t.text) for t in terms if not t.performed_on
        ]


class JudicialApplyForm(forms.Form):
    court = forms.CharField(label=_("Court"), max_length=100, initial="舞钢市人民法院")
    applied_on = forms.DateField(label=_("Applied on"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False)


class PutInWritingForm(forms.Form):
    """制作书面协议: the recorded oral agreement, word for word, signed and sealed."""

    signed_on = forms.DateField(
        label=_("Signed and sealed on"),
        required=False,
        widget=DATE,
        help_text=_("Empty: today. The written agreement takes effect on this day."),
    )
    note = forms.CharField(label=_("Note"), required=False)


class JudicialRulingForm(forms.Form):
    ruling = forms.ChoiceField(
        label=_("Ruling"),
        choices=[("confirmed", _("Confirmed valid")), ("rejected", _("Not confirmed"))],
    )
    ruling_on = forms.DateField(label=_("Ruling on"), required=False, widget=DATE)
    ruling_number = forms.CharField(label=_("Ruling number"), required=False, max_length=60)
    note = forms.CharField(label=_("Note"), required=False)


class DivertForm(forms.Form):
    """优先调解 from a petition's page: the other side and where it goes."""

    type = forms.ChoiceField(label=_("Type of dispute"), choices=DisputeType.choices)
    respondent = forms.CharField(label=_("The other party"), max_length=100)
    respondent_phone = forms.CharField(label=_("Their phone"), required=False, max_length=20)
    to = forms.ChoiceField(label=_("Send to"), choices=ROUTES, initial="centre")
    note = forms.CharField(label=_("Note"), required=False)


class MediatorForm(forms.Form):
    """A roster entry (调解员): add one, or correct one (`editing`: the phone is
    never sent back in full; left blank it stays as it is)."""

    name = forms.CharField(label=_("Name"), max_length=60)
    full_time = forms.TypedChoiceField(
        label=_("Full- or part-time"),
        choices=[("1", _("Full-time")), ("0", _("Part-time"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    speciality = forms.CharField(label=_("Speciality"), required=False, max_length=100)
    user = forms.TypedChoiceField(
        label=_("Staff account"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("A staff member of this body who mediates: their cases show on their page."),
    )

    def __init__(self, *args, members=(), editing=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.members = {u.pk: u for u in members}
        self.fields["user"].choices = _blank(
            [(u.pk, u.get_full_name() or u.get_username()) for u in members], _("None")
        )
        self.editing = editing
        if editing is not None:
            if editing.phone:
                self.fields["phone"].help_text = _(
                    "On file: %(phone)s. Leave blank to keep it."
                ) % {"phone": pii.mask_phone(editing.phone)}
                self.fields["clear_phone"] = forms.BooleanField(
                    label=_("Remove the phone number"), required=False
                )
            if not self.is_bound:
                self.initial.update(
                    {
                        "name": editing.name,
                        "full_time": "1" if editing.full_time else "0",
                        "speciality": editing.speciality,
                        "user": editing.user_id,
                    }
                )

    def service_fields(self) -> dict:
        c = self.cleaned_data
        fields = {
            "name": c["name"],
            "full_time": c["full_time"],
            "speciality": c["speciality"],
            "user": self.members.get(c["user"]) if c.get("user") else None,
        }
        if self.editing is None:
            fields["phone"] = c["phone"]
        elif c.get("clear_phone"):
            fields["phone"] = ""
        elif c["phone"]:
            fields["phone"] = c["phone"]
        return fields

    def clean_user(self):
        pk = self.cleaned_data.get("user")
        if pk is not None and pk not in self.members:
            raise forms.ValidationError(_("Link only a staff member of this body."))
        return pk
