"""The API's input and output shapes (documented by drf-spectacular)."""

import json

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from rest_framework import serializers

from xinfang.orgs.models import Unit

from ..choices import ANSWER_OUTCOMES
from ..models import (
    Category,
    Channel,
    ForwardKind,
    Purpose,
    Rating,
    Route,
    ServiceMethod,
    State,
)

User = get_user_model()


# --- input ---------------------------------------------------------------------


class PetitionerIn(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_representative = serializers.BooleanField(required=False, default=False)


class JSONListField(serializers.ListField):
    """A list that may also arrive as a JSON string (multipart form with files)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                raise serializers.ValidationError(_("Not valid JSON.")) from None
        return super().to_internal_value(data)


class MatterIn(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Purpose.choices)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True))
    place = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    summary = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=20000)
    request = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    people_count = serializers.IntegerField(min_value=1, max_value=100000, default=1)
    petitioners = JSONListField(child=PetitionerIn(), min_length=1, max_length=50)
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class PublicSubmitIn(MatterIn):
    channel = serializers.ChoiceField(
        choices=[(c, Channel(c).label) for c in (Channel.ONLINE, Channel.MOBILE, Channel.WECHAT)],
        default=Channel.ONLINE,
    )
    consent = serializers.BooleanField()
    # An accusation (检举控告) may name whom it accuses; it never reaches them (Art. 30).
    accused_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True), required=False, allow_null=True
    )
    accused_name = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    electronic_service = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Written answers count as received when opened with the query code.",
    )

    def validate_consent(self, value):
        if not value:
            raise serializers.ValidationError(
                _("We need your consent to handle your personal data for this matter.")
            )
        return value


class StaffRegisterIn(MatterIn):
    electronic_service = serializers.BooleanField(required=False, default=False)
    channel = serializers.ChoiceField(
        choices=[
            (c, Channel(c).label)
            for c in (Channel.LETTER, Channel.VISIT, Channel.PHONE, Channel.MAILBOX)
        ]
    )
    registering_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True)
    )
    received_on = serializers.DateField(required=False)
    collective = serializers.BooleanField(required=False)
    cross_level = serializers.BooleanField(required=False)
    repeat = serializers.BooleanField(required=False)
    accusation = serializers.BooleanField(required=False)
    accused_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True), required=False, allow_null=True
    )
    accused_name = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )


class EvaluationIn(serializers.Serializer):
    unit_rating = serializers.ChoiceField(choices=Rating.choices)
    office_rating = serializers.ChoiceField(choices=Rating.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReviewRequestIn(serializers.Serializer):
    reasons = serializers.CharField(max_length=5000)


class ActionIn(serializers.Serializer):
    """Fields of the staff actions; each action reads the ones it needs."""

    version = serializers.IntegerField(
        min_value=1,
        help_text="The version of the matter the client saw; required: a stale one answers "
        "409, a missing one 428.",
    )
    responsible_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(), required=False
    )
    # forward: 转送 or 交办 (with a requirement and a report-back date), 协办 units
    kind = serializers.ChoiceField(choices=ForwardKind.choices, required=False)
    handling_requirement = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    report_back_due = serializers.DateField(required=False, allow_null=True)
    assisting_units = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True), many=True, required=False
    )
    # report_back (交办)
    report = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    handler = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False
    )
    into = serializers.CharField(
        max_length=40, required=False, help_text="number or id of the matter to merge into"
    )
    route = serializers.ChoiceField(choices=Route.choices, required=False)
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    days = serializers.IntegerField(required=False, min_value=1, max_value=365)
    # reply: Outcome; review_reply, re_review_reply: ReviewOutcome (维持/撤销/变更)
    outcome = serializers.ChoiceField(choices=ANSWER_OUTCOMES, required=False)
    text = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    # reply, review_reply, re_review_reply: the written opinion's content (Art. 32)
    request = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    facts = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    legal_basis = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    colour = serializers.ChoiceField(
        choices=["", "red", "yellow", "blue"], required=False, allow_blank=True
    )
    plan = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    # set_accused, share_identity (the petition office; 信访工作条例 Art. 30)
    accusation = serializers.BooleanField(required=False)
    accused_unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(is_active=True), required=False, allow_null=True
    )
    accused_user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    accused_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    share = serializers.BooleanField(required=False)
    # record_service (送达)
    method = serializers.ChoiceField(choices=ServiceMethod.choices, required=False)
    served_on = serializers.DateField(required=False)


class RevealIn(serializers.Serializer):
    petitioner = serializers.IntegerField()
    field = serializers.ChoiceField(choices=["id_number", "phone", "address"])


# --- output ---------------------------------------------------------------------


class PetitionRowOut(serializers.Serializer):
    """One matter in a list (documentation of petition_row)."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    summary = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    state_label = serializers.CharField()
    colour = serializers.ChoiceField(choices=["red", "yellow", "blue", "green"])
    due_date = serializers.DateField(allow_null=True)
    days_left = serializers.IntegerField(allow_null=True)
    due_provisional = serializers.BooleanField()
    version = serializers.IntegerField()


class PetitionPageOut(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = PetitionRowOut(many=True)
    colour_counts = serializers.DictField(child=serializers.IntegerField())


class PetitionDetailOut(PetitionRowOut):
    """A matter with its masked petitioners, timeline and the actions open to the user."""

    petitioners = serializers.ListField(child=serializers.DictField())
    identity_withheld = serializers.BooleanField(
        help_text="An accusation whose accuser's identity stays with the petition office: "
        "petitioners is empty."
    )
    accused = serializers.DictField(allow_null=True)
    events = serializers.ListField(child=serializers.DictField())
    actions = serializers.ListField(child=serializers.CharField())
