import math

from xinfang.core import querycode
from xinfang.core.querycode import (
    ALPHABET,
    format_query_code,
    new_query_code,
    normalise_query_code,
)


def test_the_alphabet_has_no_symbols_that_are_confused_over_the_phone():
    assert len(ALPHABET) == len(set(ALPHABET)) == 31
    assert not set("0O1IL") & set(ALPHABET)


def test_a_new_code_has_at_least_64_bits_of_entropy():
    code = new_query_code()
    assert len(code) == 13
    assert len(code) * math.log2(len(ALPHABET)) >= 64


def test_new_codes_use_only_the_alphabet_and_all_of_it():
    codes = [new_query_code() for _ in range(1000)]
    assert len(set(codes)) == 1000
    symbols = set("".join(codes))
    assert symbols == set(ALPHABET)


def test_new_codes_come_from_the_secrets_module(monkeypatch):
    monkeypatch.setattr(querycode.secrets, "choice", lambda seq: seq[-1])
    assert new_query_code() == "Z" * 13


def test_a_new_code_is_already_canonical():
    code = new_query_code()
    assert normalise_query_code(code) == code


def test_normalising_tolerates_case_spaces_and_dashes():
    assert normalise_query_code("abcd efgh-jkm np") == "ABCDEFGHJKMNP"
    assert normalise_query_code("  ABCD.EFGH.JKMNP\n") == "ABCDEFGHJKMNP"
    assert normalise_query_code("abcd–efgh—jkmnp") == "ABCDEFGHJKMNP"  # en and em dash


def test_normalising_folds_full_width_input_from_a_chinese_input_method():
    assert normalise_query_code("ＡＢＣＤ－ＥＦＧＨ－ＪＫＭＮＰ") == "ABCDEFGHJKMNP"
    assert normalise_query_code("ａｂｃｄ\u3000ｅｆｇｈ。ｊｋｍｎｐ") == "ABCDEFGHJKMNP"


def test_normalising_refuses_the_wrong_length():
    assert normalise_query_code("ABCDEFGHJKMN") is None
    assert normalise_query_code("ABCDEFGHJKMNPQ") is None
    assert normalise_query_code("") is None
    assert normalise_query_code("A" * 1000) is None


def test_normalising_refuses_symbols_outside_the_alphabet():
    assert normalise_query_code("ABCDEFGHJKMN0") is None
    assert normalise_query_code("ABCDEFGHJKMNO") is None
    assert normalise_query_code("ABCDEFGHJKMN1") is None
    assert normalise_query_code("abcdefghjkmnl") is None
    assert normalise_query_code("ABCDEFGHJKMNI") is None
    assert normalise_query_code("ABCDEFGHJKMN/") is None


def test_normalising_something_that_is_not_text_gives_none():
    assert normalise_query_code(None) is None


def test_a_code_is_shown_in_groups_of_four_four_five():
    assert format_query_code("ABCDEFGHJKMNP") == "ABCD-EFGH-JKMNP"


def test_a_shown_code_reads_back_to_the_same_code():
    code = new_query_code()
    assert normalise_query_code(format_query_code(code)) == code


def test_formatting_something_that_is_not_a_code_leaves_it_alone():
    assert format_query_code("not a code") == "not a code"
