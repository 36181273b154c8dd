"""Forms of the screening, ledger and meeting pages. They parse what was typed; the
rules are the services' (screening.py, meetings.py), whose field errors are put
back next to the fields."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.core import calendar
from xinfang.orgs.models import Unit, UnitKind

from .. import meetings
from ..ledger import OPEN_STATE_CHOICES
from ..models import DisputeType, PartyRole, Risk, Source
from ..screening import Outcome


class PageForm(forms.Form):
    """No colon after labels: the layout sets them apart."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _blank(label) -> list:
    return [("", label)]


# --- the liaison's daily report ----------------------------------------------------------

NIL, FOUND = "nil", "found"


class ReportForm(PageForm):
    report_date = forms.DateField(
        label=_("Screening date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Today, unless you report a day late."),
    )
    status = forms.ChoiceField(
        label=_("What did today's screening find?"),
        choices=[
            (NIL, _("No disputes today (今日无矛盾纠纷)")),
            (FOUND, _("Disputes found")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when you report a day more than a day late: say why."),
    )
    # One per form: a double tap or a resend after a dropped connection carries the
    # same token, and the service answers the report it stored the first time.
    token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_date"].initial = calendar.today
        today = calendar.today()
        self.fields["report_date"].widget.attrs["max"] = today.isoformat()


def split_names(text: str) -> list[str]:
    """Names typed in one box: separated by 、，, ; or spaces."""
    return [n.strip() for n in re.split(r"[、，,；;\s]+", text or "") if n.strip()]


class DisputeForm(PageForm):
    summary = forms.CharField(
        label=_("What is the dispute about?"),
        max_length=200,
        required=False,
        help_text=_("One line: who, what, where."),
    )
    type = forms.ChoiceField(label=_("Type"), required=False)
    applicants = forms.CharField(
        label=_("Party raising it"),
        max_length=300,
        required=False,
        help_text=_("Names; separate several with 、"),
    )
    respondents = forms.CharField(
        label=_("Other party"),
        max_length=300,
        required=False,
        help_text=_("Names; separate several with 、"),
    )
    place = forms.TypedChoiceField(label=_("Place"), coerce=int, required=False)
    risk = forms.ChoiceField(
        label=_("Risk"),
        choices=Risk.choices,
        initial=Risk.LOW,
        widget=forms.RadioSelect,
        required=False,
    )
    outcome = forms.ChoiceField(
        label=_("What happened?"),
        choices=[
            (Outcome.RESOLVED, _("Resolved on the spot")),
            (Outcome.PASSED_UP, _("Passed up to the township today")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    how_resolved = forms.CharField(
        label=_("How was it resolved?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    pass_up_note = forms.CharField(
        label=_("Note for the township"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    FILLED = ("summary", "applicants", "respondents", "how_resolved", "pass_up_note")

    def __init__(self, *args, places: list[Unit] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = _blank(_("Choose…")) + list(DisputeType.choices)
        places = places or []
        self.fields["place"].choices = [(u.pk, u.name) for u in places]
        if places:
            self.fields["place"].initial = places[0].pk
        if len(places) <= 1:
            self.fields["place"].widget = forms.HiddenInput()

    def is_filled(self) -> bool:
        """Anything typed in the row (an untouched spare row is left out)."""
        if not self.is_bound or not self.is_valid():
            return False
        return any((self.cleaned_data.get(k) or "").strip() for k in self.FILLED)

    def service_input(self) -> dict:
        c = self.cleaned_data
        parties = [{"name": n, "role": PartyRole.APPLICANT} for n in split_names(c["applicants"])]
        parties += [
            {"name": n, "role": PartyRole.RESPONDENT} for n in split_names(c["respondents"])
        ]
        return {
            "type": c["type"],
            "risk": c["risk"] or Risk.LOW,
            "summary": c["summary"],
            "place": c["place"],
            "parties": parties,
            "outcome": c["outcome"],
            "how_resolved": c["how_resolved"],
            "pass_up_note": c["pass_up_note"],
        }


class BaseDisputeFormSet(forms.BaseFormSet):
    def __init__(self, *args, places=None, **kwargs):
        self.places = places
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {"places": self.places}


DisputeFormSet = forms.formset_factory(
    DisputeForm, formset=BaseDisputeFormSet, extra=5, max_num=5, absolute_max=5
)

_DISPUTE_KEY = re.compile(r"^disputes\[(\d+)\]\.(\w+)$")
# A service's name for a field and the form's.
_FIELD_OF = {"parties": "applicants", "applicants": "applicants"}


def filled_rows(formset) -> tuple[list[dict], list[int]]:
    """The filled-in disputes for the service, and each one's row in the formset."""
    rows, index = [], []
    for i, form in enumerate(formset.forms):
        if form.is_filled():
            rows.append(form.service_input())
            index.append(i)
    return rows, index


def report_placer(form, formset, rows_index: list[int]):
    """For core.forms.submit: put the report service's errors next to their
    fields (a dispute's on its row of the formset); those with no field go to
    `loose`."""

    def place(key, messages, loose) -> bool:
        match = _DISPUTE_KEY.match(key)
        if match:
            i, name = int(match[1]), _FIELD_OF.get(match[2], match[2])
            row = rows_index[i] if i < len(rows_index) else None
            target = formset.forms[row] if row is not None else None
            if target is not None and name in target.fields:
                for m in messages:
                    target.add_error(name, m)
                return True
        if key in ("nil", "disputes"):
            for m in messages:
                form.add_error("status", m)
            return True
        if key in form.fields:
            for m in messages:
                form.add_error(key, m)
            return True
        loose.extend(messages)
        return True

    return place


# --- the ledger's filters ---------------------------------------------------------------


class LedgerFilterForm(PageForm):
    township = forms.ChoiceField(label=_("Township"), required=False)
    village = forms.ChoiceField(label=_("Village"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    risk = forms.ChoiceField(label=_("Risk"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    date_from = forms.DateField(
        label=_("Received from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("Received to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, townships: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        everything = _blank(_("All"))
        self.fields["township"].choices = everything + [(t.pk, t.name) for t in townships]
        if len(townships) <= 1:
            del self.fields["township"]
        villages = Unit.objects.filter(
            kind=UnitKind.TERRITORIAL,
            level="village",
            is_active=True,
            parent__in=townships,
        ).select_related("parent")
        chosen = (self.data.get("township") or "") if self.is_bound else ""
        if chosen.isascii() and chosen.isdigit():
            villages = villages.filter(parent_id=int(chosen))
        many = len(townships) > 1
        self.fields["village"].choices = everything + [
            (v.pk, f"{v.parent.name} · {v.name}" if many else v.name)
            for v in villages.order_by("parent__sort_order", "parent__code", "sort_order", "code")
        ]
        self.fields["type"].choices = everything + list(DisputeType.choices)
        self.fields["source"].choices = everything + list(Source.choices)
        self.fields["risk"].choices = everything + list(Risk.choices)
        self.fields["state"].choices = everything + OPEN_STATE_CHOICES


# --- the weekly meeting -------------------------------------------------------------------


class MeetingCreateForm(PageForm):
    township = forms.TypedChoiceField(label=_("Township"), coerce=int)
    held_on = forms.DateField(
        label=_("Held on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    chair = forms.CharField(label=_("Chair"), max_length=60, required=False)

    def __init__(self, *args, townships: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [(t.pk, t.name) for t in townships]
        if len(townships) == 1:
            self.fields["township"].widget = forms.HiddenInput()
            self.fields["township"].initial = townships[0].pk
        self.fields["held_on"].initial = calendar.today


class DecisionForm(PageForm):
    classified_type = forms.ChoiceField(label=_("Classified as"), choices=DisputeType.choices)
    body = forms.ChoiceField(label=_("Sent to"))
    responsible_leader = forms.TypedChoiceField(label=_("Responsible leader"), coerce=int)
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=60)
    deadline = forms.DateField(
        label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    decision = forms.CharField(
        label=_("Decision"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, township: Unit, bodies=None, leaders=None, fixed_body=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_body is not None:
            # A case is open at this body: shown, not chosen (a disabled field keeps
            # its initial value whatever is posted).
            field = self.fields["body"]
            field.choices = [(str(fixed_body.pk), fixed_body.name)]
            field.initial = str(fixed_body.pk)
            field.disabled = True
            field.help_text = _(
                "A mediation case is open at this body; the meeting does not move it."
            )
        else:
            self.fields["body"].choices = bodies or meetings.body_choices(township)
        leaders = leaders if leaders is not None else list(meetings.leader_choices(township))
        self.fields["responsible_leader"].choices = _blank(_("Choose…")) + [
            (u.pk, u.get_full_name() or u.get_username()) for u in leaders
        ]
        self.fields["deadline"].widget.attrs["min"] = calendar.today().isoformat()


class MinutesForm(PageForm):
    held_on = forms.DateField(
        label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    chair = forms.CharField(label=_("Chair"), max_length=60, required=False)
    attendees = forms.CharField(
        label=_("Attendees"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
