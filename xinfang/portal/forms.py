"""The public forms: plain words, errors next to the field, nothing typed lost.

The forms only check shape (required, lengths, choices); the rules of a matter
(ID numbers, phones, group sizes, uploads by content) are the petition
services', whose field errors the view puts back next to these fields."""

import uuid

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from xinfang.core import pii
from xinfang.core.idempotency import FORM_SENT_BEFORE
from xinfang.core.memo import memoized
from xinfang.core.uploads import max_file_bytes, max_files, request_max_bytes
from xinfang.core.widgets import FastSelect
from xinfang.orgs.models import ACCUSABLE_KINDS, Level, Unit, UnitKind, with_township
from xinfang.petitions.models import Category, Purpose, Rating

MAX_REPRESENTATIVES = 5


@memoized()
def place_choices():
    """The territorial tree as (township, [(id, village), ...]) groups for a select."""
    units = list(
        Unit.objects.filter(kind=UnitKind.TERRITORIAL, is_active=True).order_by(
            "depth", "sort_order", "code"
        )
    )
    by_parent: dict[int | None, list[Unit]] = {}
    for u in units:
        by_parent.setdefault(u.parent_id, []).append(u)
    choices: list = [("", _("Choose the place"))]
    for top in (u for u in units if u.level == Level.CITY):
        choices.append((top.pk, top.name))
        for township in by_parent.get(top.pk, []):
            group = [(township.pk, _("%(name)s (the township itself)") % {"name": township.name})]
            group += [
                (v.pk, with_township(v.name, township.name)) for v in by_parent.get(township.pk, [])
            ]
            choices.append((township.name, group))
    return choices


@memoized()
def accused_unit_choices():
    """The organs a citizen may accuse, grouped by kind: governments of the city,
    townships and villages, departments, petition offices and reception centres."""
    units = Unit.objects.filter(kind__in=ACCUSABLE_KINDS, is_active=True).select_related("parent")
    groups: dict[str, list] = {}
    for u in units.order_by("kind", "depth", "sort_order", "code"):
        label = u.name_with_township
        groups.setdefault(u.kind, []).append((u.pk, label))
    return [("", _("Not known / not a unit"))] + [
        (UnitKind(kind).label, options) for kind, options in groups.items()
    ]


@memoized()
def category_choices():
    cats = list(Category.objects.filter(is_active=True).order_by("sort_order", "code"))
    choices: list = [("", _("Choose what it is about"))]
    for top in (c for c in cats if c.parent_id is None):
        children = [(c.pk, c.name) for c in cats if c.parent_id == top.pk]
        choices.append((top.name, children) if children else (top.pk, top.name))
    return choices


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)]


class SubmitForm(forms.Form):
    WHO_CHOICES = [
        ("person", _("Myself (one person)")),
        ("group", _("A group: we send representatives")),
    ]
    who = forms.ChoiceField(
        label=_("Who brings the matter"),
        choices=WHO_CHOICES,
        initial="person",
        widget=forms.RadioSelect,
    )
    people_count = forms.IntegerField(
        label=_("How many people in all"),
        min_value=1,
        max_value=100000,
        initial=1,
        help_text=_("For a group: everyone concerned, not only the representatives."),
    )
    purpose = forms.ChoiceField(
        label=_("What kind of matter"),
        choices=[("", _("Choose one"))] + list(Purpose.choices),
        help_text=_(
            "A suggestion for the government; an accusation against an official or "
            "unit (kept confidential); or an appeal or request about your own affairs."
        ),
    )
    category = forms.TypedChoiceField(
        label=_("What it is about"), coerce=int, choices=[], widget=FastSelect
    )
    place = forms.TypedChoiceField(
        label=_("Where the problem is"), coerce=int, choices=[], widget=FastSelect
    )
    # An accusation (检举控告): whom it accuses. It never reaches them (Art. 30).
    accused_unit = forms.TypedChoiceField(
        label=_("Which unit you accuse (if any)"),
        coerce=int,
        widget=FastSelect,
        required=False,
        empty_value=None,
        choices=[],
        help_text=_(
            "Only for an accusation. The matter is kept from this unit and everyone in it."
        ),
    )
    accused_name = forms.CharField(
        label=_("Whom you accuse (name and post, if known)"),
        max_length=60,
        required=False,
        help_text=_("Only for an accusation. This person will not see your matter."),
    )
    summary = forms.CharField(
        label=_("In one sentence"),
        max_length=200,
        help_text=_("For example: the wages for March to June have not been paid."),
    )
    content = forms.CharField(
        label=_("What happened"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("When, where, who was involved, what you have already tried."),
    )
    request = forms.CharField(
        label=_("What you ask for"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachments = MultipleFileField(
        label=_("Photos or documents (optional)"),
        required=False,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the petition offices and the units that handle my matter use "
            "my name, ID number, phone and address for this matter only."
        ),
        error_messages={
            "required": _("We need your consent to handle your personal data for this matter.")
        },
    )
    electronic_service = forms.BooleanField(
        label=_(
            "Send me the written answers here: when I open an answer with my query code, "
            "it counts as received that day."
        ),
        required=False,
        help_text=_(
            "The 30 days to ask for review then run from the day you open it. Without "
            "this, answers come by post or in person."
        ),
    )
    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["place"].choices = place_choices()
        self.fields["accused_unit"].choices = accused_unit_choices()
        self.fields["attachments"].widget.attrs.update(
            {
                "data-max-bytes": max_file_bytes(),
                "data-max-files": max_files(),
                # The whole request's limit, less room for the form's own fields.
                "data-max-total": request_max_bytes() - 256 * 1024,
                "data-too-big": _("This file is larger than the limit:"),
                "data-too-much": _(
                    "All the files together are too large; send fewer or smaller ones."
                ),
                "data-too-many": _("Too many files: choose at most this many:"),
                "accept": "image/*,application/pdf",
            }
        )
        self.fields["attachments"].help_text = _(
            "Up to %(n)d files, each at most %(mb)d MB: photos (JPG, PNG, GIF, WebP, HEIC) "
            "or PDF. Files are checked by their content."
        ) % {"n": max_files(), "mb": max_file_bytes() // (1024 * 1024)}

    def sent_before(self) -> None:
        """This form was already sent with other content (Back, edit, send): its
        one conflict. Say so in a person's words instead of the API's (which speak
        of idempotency keys), and give the form a new token so that it can be sent
        as a new matter."""
        self.errors[NON_FIELD_ERRORS] = self.error_class([FORM_SENT_BEFORE])
        self.data = self.data.copy()
        self.data["submission_token"] = uuid.uuid4().hex


class PetitionerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    id_number = forms.CharField(
        label=_("ID card number"),
        max_length=40,
        required=False,
        help_text=_("18 digits or letters; helps us find your earlier matters."),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        required=False,
        help_text=_("We send the query code to this number by SMS."),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    id_warnings: tuple | list = ()  # set by clean_id_number

    def clean_id_number(self):
        """What to check about a valid number (an area code in no table) is said,
        never refused: people keep the code of their registration."""
        value = self.cleaned_data.get("id_number", "")
        self.id_warnings = pii.id_number_warnings(value) if value else []
        return value


class BasePetitionerFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        named = [f for f in self.forms if f.cleaned_data.get("name")]
        if not named:
            raise forms.ValidationError(_("Give at least one name."))


PetitionerFormSet = forms.formset_factory(
    PetitionerForm,
    formset=BasePetitionerFormSet,
    extra=MAX_REPRESENTATIVES,
    max_num=MAX_REPRESENTATIVES,
    validate_max=True,
)


# How long a look-up form's page may stand before its POST is no longer answered
# with the matter: the session's idle limit (a resend from a shared browser's
# history, once the session that showed the matter has ended, shows nothing).
_ISSUED_SALT = "xinfang.portal.track.issued"


def issued_stamp() -> str:
    """A signed time for the look-up form's page: when it was shown."""
    return signing.TimestampSigner(salt=_ISSUED_SALT).sign("track")


class TrackForm(forms.Form):
    """The query code, and when the form's page was shown (`issued`, signed).

    The matter is the answer to this POST (no redirect), so a browser's history
    holds the POST: Back and "resend" on a shared computer send the same code
    again. The stamp bounds that: a form older than the session's idle limit is
    not answered with the matter, and "forget the code on this device" changes
    the CSRF token, so a resend after it is refused outright. A request without
    the field was made by hand, by someone who typed the code: nothing to guard."""

    issued = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    code = forms.CharField(
        label=_("Query code"),
        max_length=60,
        help_text=_("13 letters and digits, as on your receipt or SMS. Spaces do not matter."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["issued"] = issued_stamp()

    def clean_issued(self):
        value = self.cleaned_data["issued"]
        if value:
            try:
                signing.TimestampSigner(salt=_ISSUED_SALT).unsign(
                    value, max_age=settings.SESSION_COOKIE_AGE
                )
            except signing.BadSignature:
                raise forms.ValidationError(PAGE_EXPIRED, code="expired") from None
        return value


PAGE_EXPIRED = _(
    "This page was open too long, or it was sent again from the browser's history. "
    "Type the query code again."
)


class EvaluationForm(forms.Form):
    unit_rating = forms.ChoiceField(
        label=_("The unit that answered"), choices=Rating.choices, widget=forms.RadioSelect
    )
    office_rating = forms.ChoiceField(
        label=_("The petition office"), choices=Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReviewRequestForm(forms.Form):
    reasons = forms.CharField(
        label=_("Why you ask"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say what in the answer you think is wrong, and why."),
    )
