import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import translation

from xinfang.core import pii
from xinfang.core.models import SecurityRecord
from xinfang.core.pii import (
    id_number_validator,
    id_number_warnings,
    mask_id_number,
    mask_name,
    mask_phone,
    phone_validator,
    reveal,
    validate_id_number,
    validate_phone,
)

VALID_ID = "11010519491231002X"  # the GB 11643-1999 sample


@pytest.mark.parametrize(
    "given",
    [
        VALID_ID,
        "11010519491231002x",
        " 110105 19491231 002X ",
        "１１０１０５１９４９１２３１００２Ｘ",
    ],
)
def test_a_valid_id_number_is_returned_compact_and_upper_case(given):
    assert validate_id_number(given) == VALID_ID


def test_an_id_number_ending_in_a_digit_is_valid():
    assert validate_id_number("440305199202291231") == "440305199202291231"


def _message(error: ValidationError) -> str:
    with translation.override("en"):
        return str(error.messages[0])


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("110105194912310021", "check digit"),
        ("11010519491231002", "18 characters"),
        ("11010519491231002X1", "18 characters"),
        ("1101051949123100AX", "17 digits"),
        ("11010519491231002Y", "17 digits"),
        ("110105194913310021", "date of birth"),  # month 13, check digit right
        ("440305199002291237", "date of birth"),  # 29 February 1990
        ("110105209901010020", "date of birth"),  # in the future
        ("", "18 characters"),
    ],
)
def test_an_invalid_id_number_is_refused_with_the_reason(given, says):
    with pytest.raises(ValidationError) as caught:
        validate_id_number(given)
    assert caught.value.code == "invalid_id_number"
    assert says in _message(caught.value)


def with_check_digit(first17: str) -> str:
    """The ID number with its ISO 7064 MOD 11-2 check digit, computed here
    independently of the code under test."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def test_the_check_digit_helper_agrees_with_the_standard_sample():
    assert with_check_digit("11010519491231002") == VALID_ID


@pytest.mark.parametrize("born", ["19550101", "19850615", "19891231"])
def test_a_wugang_resident_born_before_the_city_code_existed_is_valid(born):
    # 410481 (舞钢市) exists since 1990; people keep the code of their current
    # registration, so an older person's card carries it too (issue 11).
    number = with_check_digit(f"410481{born}001")
    assert validate_id_number(number) == number
    assert id_number_warnings(number) == []


def test_an_unknown_region_code_is_a_warning_not_a_refusal():
    number = with_check_digit("99010519491231002")
    assert validate_id_number(number) == number
    with translation.override("en"):
        warnings = id_number_warnings(number)
    assert len(warnings) == 1 and "990105" in warnings[0] and "code table" in warnings[0]
    with translation.override("zh-hans"):
        assert "地区代码" in id_number_warnings(number)[0]


def test_an_invalid_id_number_has_no_warnings_only_its_refusal():
    assert id_number_warnings("110105194912310021") == []
    assert id_number_warnings("") == []


@pytest.mark.django_db
def test_repeat_detection_finds_a_person_born_before_their_region_code(register, travel):
    travel("2026-11-02")
    number = with_check_digit("41048119550101001")
    person = {"name": "王秀英", "id_number": number, "phone": "13912345678"}
    first = register(petitioners=[person])
    spaced = f"{number[:6]} {number[6:14]} {number[14:].lower()}"
    again = register(petitioners=[{**person, "id_number": spaced}])
    assert first.petitioners.get().id_number == number
    assert not first.repeat and again.repeat


def test_the_id_number_message_is_translated():
    with pytest.raises(ValidationError) as caught:
        validate_id_number("110105194912310021")
    with translation.override("en"):
        english = str(caught.value.messages[0])
    assert english == "This is not a valid ID number: the check digit does not match."


def test_the_validators_work_on_a_django_form_field():
    from django import forms

    class PersonForm(forms.Form):
        id_number = forms.CharField(validators=[id_number_validator])
        phone = forms.CharField(validators=[phone_validator])

    assert PersonForm({"id_number": VALID_ID, "phone": "13800138000"}).is_valid()
    form = PersonForm({"id_number": "110105194912310021", "phone": "12345"})
    assert not form.is_valid()
    assert form.errors.as_data()["id_number"][0].code == "invalid_id_number"
    assert form.errors.as_data()["phone"][0].code == "invalid_phone"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("13800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("008613800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１９９１２３４５６７８", "19912345678"),
        ("010-62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("(010) 6234 5678", "010-62345678"),
        ("021-6123456", "021-6123456"),
        ("0371-65123456", "0371-65123456"),
        ("037165123456", "0371-65123456"),
        ("+86 371 65123456", "0371-65123456"),
    ],
)
def test_a_valid_phone_number_is_returned_compact(given, expected):
    assert validate_phone(given) == expected


@pytest.mark.parametrize(
    "given",
    [
        "",
        "1380013800",  # 10 digits
        "138001380001",  # 12 digits
        "12800138000",  # no mobile prefix 12
        "23800138000",
        "010-1234567890",
        "010-0234567",  # local numbers do not start with 0 or 1
        "010-12345678",
        "0371-123456",  # too short
        "138-0013-800a",
        "٣٨٠٠١٣٨٠٠٠١",  # Arabic-Indic digits are digits, but not a phone number here
    ],
)
def test_an_invalid_phone_number_is_refused(given):
    with pytest.raises(ValidationError) as caught:
        validate_phone(given)
    assert caught.value.code == "invalid_phone"
    assert "area code" in _message(caught.value)


def test_an_id_number_is_masked_but_for_the_first_three_and_last_four():
    assert mask_id_number("41048119900612301X") == "410***********301X"
    assert mask_id_number(VALID_ID) == "110***********002X"


def test_masking_a_short_id_number_hides_all_of_it():
    assert mask_id_number("1234567") == "*******"


def test_a_mobile_number_is_masked_in_the_middle():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138 1234 5678") == "138****5678"


def test_a_landline_number_keeps_the_area_code_and_last_two_digits():
    assert mask_phone("010-62345678") == "010-******78"
    assert mask_phone("0371-6512345") == "0371-*****45"


def test_something_that_is_not_a_phone_number_is_still_masked():
    assert mask_phone("12345") == "***45"
    assert mask_phone("12") == "**"


def test_a_name_keeps_the_surname_only():
    assert mask_name("张三") == "张*"
    assert mask_name("张小三") == "张**"
    assert mask_name("欧阳娜娜") == "欧阳**"
    assert mask_name("欧阳修") == "欧阳*"
    assert mask_name("欧阳") == "欧*"
    assert mask_name("Li Lei") == "L*****"


def test_a_one_character_name_is_masked_entirely():
    assert mask_name("张") == "*"


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone, mask_name])
@pytest.mark.parametrize("empty", [None, ""])
def test_masks_are_safe_on_nothing(mask, empty):
    assert mask(empty) == ""


@pytest.mark.django_db
def test_revealing_personal_data_puts_the_read_on_the_security_record(make_person):
    clerk = make_person("clerk")
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    value = reveal(
        user=clerk,
        request=request,
        target="petition:42/petitioner:1",
        field="id_number",
        value=VALID_ID,
    )
    assert value == VALID_ID
    record = SecurityRecord.objects.get()
    assert record.kind == SecurityRecord.Kind.PII_READ
    assert record.user == clerk
    assert record.username == clerk.get_username()
    assert record.ip_address == "10.1.2.3"
    assert record.target == "petition:42/petitioner:1"
    assert record.detail == {"field": "id_number"}
    assert VALID_ID not in str(record.detail)


@pytest.mark.django_db
def test_every_reveal_is_recorded_even_of_the_same_value(make_person):
    clerk = make_person("clerk")
    for _ in range(2):
        pii.reveal(user=clerk, target="petition:42", field="phone", value="13800138000")
    assert SecurityRecord.objects.filter(kind=SecurityRecord.Kind.PII_READ).count() == 2
