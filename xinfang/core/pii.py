"""Personal data of petitioners: validation, masking, and the one way to read it.

Lists, exports and timelines show personal data masked. The full value is
shown only through `reveal`, which puts the read on the security record
(SecurityRecord kind PII_READ): who saw whose data, when, from where."""

import datetime as dt
import math
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum import numdb
from stdnum.cn import ric

from .exceptions import RateLimited
from .models import SecurityRecord
from .services import record_security_event

# --- Resident identity card number (居民身份证号码, GB 11643-1999) -------------

_ID_SEPARATORS = re.compile(r"[\s\-]+")


def validate_id_number(value: str) -> str:
    """The 18-character resident ID number in compact upper-case form.

    Checks length, format, the check digit (ISO 7064 MOD 11-2) and that the
    date of birth is a real date not in the future. Raises ValidationError code
    "invalid_id_number".

    The region code is not checked here: people keep the code of their current
    household registration, so a Wugang resident born in 1955 carries 410481, a
    code created in 1990 -- checking it against the table as of the birth date
    refused the elderly. An unknown code is a warning (`id_number_warnings`)."""
    number = _compact_id(value)
    if len(number) != 18:
        raise _invalid_id(_("This is not a valid ID number: it must have 18 characters."))
    if not number[:17].isascii() or not number[:17].isdigit() or number[17] not in "0123456789X":
        raise _invalid_id(
            _("This is not a valid ID number: it must be 17 digits followed by a digit or X.")
        )
    if number[17] != ric.calc_check_digit(number):
        raise _invalid_id(_("This is not a valid ID number: the check digit does not match."))
    try:
        birth_date = ric.get_birth_date(number)
    except stdnum_exceptions.ValidationError:
        birth_date = None
    if birth_date is None or birth_date > timezone.localdate():
        raise _invalid_id(_("This is not a valid ID number: the date of birth in it is not valid."))
    return number


def id_number_warnings(value: str) -> list[str]:
    """What a clerk should check about an ID number that is nevertheless valid.

    Today one thing: a region code that is in no edition of the code table
    (python-stdnum's, which holds codes since 1980 with their years). A code
    that exists but was created after the birth year is normal and says
    nothing. An invalid number gives no warnings: `validate_id_number` says why."""
    try:
        number = validate_id_number(value)
    except ValidationError:
        return []
    if not _region_code_known(number[:6]):
        return [
            str(
                _(
                    "The region code %(code)s in this ID number is not in the code table: "
                    "check the number against the card."
                )
                % {"code": number[:6]}
            )
        ]
    return []


def _region_code_known(code: str) -> bool:
    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    return bool(info.get("county"))


def _compact_id(value) -> str:
    return _ID_SEPARATORS.sub("", unicodedata.normalize("NFKC", str(value or ""))).upper()


def id_number_validator(value: str) -> None:
    """Validator for Django form and model fields and DRF serializer fields."""
    validate_id_number(value)


def _invalid_id(message) -> ValidationError:
    return ValidationError(message, code="invalid_id_number")


# --- Telephone numbers --------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area codes are 010 and 020-029 (three digits) or 0xxx (four digits) for the
# rest; local numbers have 7 or 8 digits and never start with 0 or 1.
_LANDLINE = re.compile(r"(0(?:10|2\d)|0[3-9]\d\d)([2-9]\d{6,7})")
_PHONE_NOISE = re.compile(r"[\s\-()]+")


def validate_phone(value: str) -> str:
    """A mainland mobile or landline number in compact form.

    Mobile: the 11 digits, "13800138000". Landline: area code, one dash, local
    number, "010-62345678" or "0371-6512345" -- the dash is kept because without
    it the split between area code and local number is not obvious to a reader.
    Spaces, dashes, brackets, full-width digits and a +86 / 0086 prefix are
    accepted on input. Raises ValidationError code "invalid_phone"."""
    phone = _parse_phone(value)
    if phone is None:
        raise ValidationError(
            _(
                "Enter a mobile number (11 digits, starting with 1) "
                "or a landline number with its area code, such as 010-62345678."
            ),
            code="invalid_phone",
        )
    return phone


def phone_validator(value: str) -> None:
    """Validator for Django form and model fields and DRF serializer fields."""
    validate_phone(value)


def _parse_phone(value) -> str | None:
    text = _PHONE_NOISE.sub("", unicodedata.normalize("NFKC", str(value or "")))
    international = True
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif len(text) == 13 and text.startswith("86"):
        text = text[2:]
    else:
        international = False
    if not text.isascii() or not text.isdigit():
        return None
    if _MOBILE.fullmatch(text):
        return text
    if international and not text.startswith("0"):
        # From abroad the trunk 0 of the area code is dropped: +86 10 12345678.
        text = "0" + text
    match = _LANDLINE.fullmatch(text)
    if match:
        return f"{match[1]}-{match[2]}"
    return None


# --- Masks --------------------------------------------------------------------

# 复姓: the surname is kept whole, so "欧阳娜娜" reads "欧阳**", not "欧***".
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 "
    "端木 独孤 南宫 西门 申屠 澹台 呼延 闻人 太史 万俟 司空 拓跋 百里 东郭 钟离 "
    "公冶 濮阳 淳于 单于 赫连 第五 公羊 左丘 谷梁 仲孙 叔孙 鲜于 闾丘 亓官".split()
)


def mask_id_number(value: str | None) -> str:
    """First 3 and last 4 characters kept: "410***********123X"."""
    text = _ID_SEPARATORS.sub("", str(value or "")).upper()
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_phone(value: str | None) -> str:
    """Mobile: "138****5678". Landline: area code and last 2 digits, "010-******78".
    Anything else: all but the last 2 characters masked."""
    if not value:
        return ""
    phone = _parse_phone(value)
    if phone is None:
        text = _PHONE_NOISE.sub("", str(value))
        return "*" * max(len(text) - 2, 0) + text[-2:] if len(text) > 2 else "*" * len(text)
    if "-" not in phone:
        return phone[:3] + "****" + phone[-4:]
    area, local = phone.split("-")
    return f"{area}-{'*' * (len(local) - 2)}{local[-2:]}"


def mask_name(value: str | None) -> str:
    """Surname kept, one * per other character: "张*", "张**", "欧阳**"."""
    text = str(value or "").strip()
    if len(text) <= 1:
        return "*" * len(text)
    keep = 2 if text[:2] in COMPOUND_SURNAMES and len(text) > 2 else 1
    return text[:keep] + "*" * (len(text) - keep)


# --- Reading ------------------------------------------------------------------


# Fired once per window when a user is first refused for reading too much;
# core.signals tells the administrators (core.notify), which pii cannot import.
reveals_refused = Signal()


def reveal(*, user, request=None, target: str, field: str, value: str) -> str:
    """Return `value` unmasked, putting the read on the security record first.

    Every display of a full ID number, phone number or name goes through here;
    `target` names whose data it is (e.g. "petition:2026-000123/petitioner:1"),
    `field` which item ("id_number", "phone", ...). A user who has already read
    PII_REVEAL_LIMIT items within PII_REVEAL_WINDOW_MINUTES is refused
    (RateLimited, 429): that is someone copying a register, not handling a
    matter."""
    _check_reveal_rate(user=user, request=request)
    record_security_event(
        kind=SecurityRecord.Kind.PII_READ,
        request=request,
        user=user,
        target=target,
        detail={"field": field},
    )
    return value


def _check_reveal_rate(*, user, request) -> None:
    if not getattr(user, "is_authenticated", False):
        return
    limit = settings.PII_REVEAL_LIMIT
    window = dt.timedelta(minutes=settings.PII_REVEAL_WINDOW_MINUTES)
    now = timezone.now()
    reads = SecurityRecord.objects.filter(
        kind=SecurityRecord.Kind.PII_READ, user=user, at__gt=now - window
    )
    count = reads.count()
    if count < limit:
        return
    told = SecurityRecord.objects.filter(
        kind=SecurityRecord.Kind.PII_REFUSED, user=user, at__gt=now - window
    ).exists()
    record_security_event(
        kind=SecurityRecord.Kind.PII_REFUSED,
        request=request,
        user=user,
        detail={"reads": count, "minutes": settings.PII_REVEAL_WINDOW_MINUTES},
    )
    if not told:
        transaction.on_commit(
            lambda: reveals_refused.send(
                sender=SecurityRecord,
                user=user,
                reads=count,
                minutes=settings.PII_REVEAL_WINDOW_MINUTES,
            )
        )
    # Reads become possible again when enough of them have left the window.
    freed_at = reads.order_by("at").values_list("at", flat=True)[count - limit] + window
    error = RateLimited(
        _(
            "You have shown personal data %(count)d times in the last %(minutes)d minutes. "
            "Showing more is paused for a while, and the administrator has been told. "
            "If your work needs more, ask the administrator."
        )
        % {"count": count, "minutes": settings.PII_REVEAL_WINDOW_MINUTES}
    )
    error.retry_after = max(1, math.ceil((freed_at - now).total_seconds()))
    raise error
