"""ID numbers, credit codes and phone numbers (core/identity.py): the check characters catch every
single wrong character and every swap of neighbours; phones typed every way people type them come out
in one form."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from xiangcun.core import identity
from xiangcun.core.identity import (
    ID_CHECK,
    USCC_CHARS,
    IdentityError,
    id_check_char,
    id_number_problem,
    normalise_phone,
    normalise_valid_id_number,
    parse_phone,
    resident_id_problem,
    uscc_check_char,
    uscc_problem,
)

TODAY = dt.date(2026, 12, 1)


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(sorted(identity.PROVINCES)))
    rest = draw(st.text("0123456789", min_size=4, max_size=4))
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.text("0123456789", min_size=3, max_size=3))
    body = f"{province}{rest}{born:%Y%m%d}{sequence}"
    return body + id_check_char(body)


@st.composite
def credit_codes(draw: st.DrawFn) -> str:
    authority = draw(st.sampled_from(sorted(identity.USCC_AUTHORITIES)))
    kind = draw(st.sampled_from(USCC_CHARS))
    area = draw(st.text("0123456789", min_size=6, max_size=6))
    organisation = draw(st.text(USCC_CHARS, min_size=9, max_size=9))
    body = f"{authority}{kind}{area}{organisation}"
    return body + uscc_check_char(body)


def test_known_numbers_pass_the_check():
    assert resident_id_problem("11010519491231002X", today=TODAY) is None  # the standard's example
    assert id_check_char("37150219900101123") == "4"
    for code in ("91350100M000100Y43", "9144030071526726XG", "91110000802100433B"):
        assert uscc_problem(code) is None


@given(resident_ids())
def test_a_resident_id_with_its_check_digit_is_valid(value: str) -> None:
    assert resident_id_problem(value, today=TODAY) is None
    assert id_number_problem(value, today=TODAY) is None


@given(resident_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_every_single_wrong_character_of_a_resident_id_is_caught(value: str, at: int, char: str) -> None:
    assume(value[at] != char and (at == 17 or char != "X"))
    wrong = value[:at] + char + value[at + 1 :]
    assert resident_id_problem(wrong, today=TODAY) is not None


@given(resident_ids(), st.integers(0, 15))
def test_every_swap_of_neighbouring_digits_is_caught(value: str, at: int) -> None:
    assume(value[at] != value[at + 1])
    swapped = value[:at] + value[at + 1] + value[at] + value[at + 2 :]
    problem = resident_id_problem(swapped, today=TODAY)
    assert problem is not None


@given(credit_codes())
def test_a_credit_code_with_its_check_character_is_valid(value: str) -> None:
    assert uscc_problem(value) is None
    assert id_number_problem(value, today=TODAY) is None


@given(credit_codes(), st.integers(0, 17), st.sampled_from(USCC_CHARS))
def test_every_single_wrong_character_of_a_credit_code_is_caught(value: str, at: int, char: str) -> None:
    assume(value[at] != char)
    assert uscc_problem(value[:at] + char + value[at + 1 :]) is not None


@given(credit_codes(), st.integers(0, 16))
def test_every_swap_of_neighbouring_characters_of_a_credit_code_is_caught(value: str, at: int) -> None:
    assume(value[at] != value[at + 1])
    assert uscc_problem(value[:at] + value[at + 1] + value[at] + value[at + 2 :]) is not None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("123", "18 位"),
        ("371502199013011236", "出生日期 19901301 不存在"),
        ("371502199002301234", "出生日期 19900230 不存在"),
        ("371502189901011234", "不合理"),
        ("371502202701011234", "不合理"),
        ("991502199001011234", "地址码 991502"),
        ("371502199001011235", "校验位"),
        ("370102880101123", "15 位"),
        ("91350100M000100Y44", "校验位"),
        ("ZZ350100M000100Y43", "统一社会信用代码"),
    ],
)
def test_bad_id_numbers_say_what_is_wrong(value: str, reason: str) -> None:
    with pytest.raises(IdentityError) as exc:
        normalise_valid_id_number(value, today=TODAY)
    assert reason in exc.value.message_zh
    assert exc.value.message_en and exc.value.message_en != exc.value.message_zh


def test_id_numbers_are_normalised_before_the_check():
    assert normalise_valid_id_number(" 3715 0219 9001 0112 34 ", today=TODAY) == "371502199001011234"
    assert normalise_valid_id_number("11010519491231002x", today=TODAY) == "11010519491231002X"
    assert (
        normalise_valid_id_number("９１３５０１００Ｍ０００１００Ｙ４３", today=TODAY) == "91350100M000100Y43"
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13912345678", "13912345678"),
        ("139-1234-5678", "13912345678"),
        ("139 1234 5678", "13912345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("(+86)139-1234-5678", "13912345678"),
        ("0086-13912345678", "13912345678"),
        ("8613912345678", "13912345678"),
        ("１３９１２３４５６７８", "13912345678"),
        ("＋８６ １３９－１２３４－５６７８", "13912345678"),
        ("0635-8231234", "0635-8231234"),
        ("(0635)8231234", "0635-8231234"),
        ("（0635）8231234", "0635-8231234"),
        ("0635 823 1234", "0635-8231234"),
        ("06358231234", "0635-8231234"),
        ("010-6234-5678", "010-62345678"),
        ("02162345678", "021-62345678"),
        ("+86 635 8231234", "0635-8231234"),
        ("+86 10 62345678", "010-62345678"),
        ("0635-8231234转801", "0635-8231234转801"),
        ("0635-8231234-801", "0635-8231234转801"),
        ("0635-8231234 ext. 801", "0635-8231234转801"),
        ("０６３５－８２３１２３４", "0635-8231234"),
        ("", ""),
    ],
)
def test_phones_are_stored_in_one_form(typed: str, stored: str) -> None:
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    ["123", "1391234567", "139123456789", "12912345678", "0635-123", "06358231234801", "13912345678转1",
     "电话13912345678", "0000-8231234", "0635-0231234"],
)  # fmt: skip
def test_what_is_no_phone_number_is_refused(typed: str) -> None:
    with pytest.raises(IdentityError):
        normalise_phone(typed)


SEPARATORS = st.sampled_from(["", " ", "-", "－", " - ", "\u3000"])
PREFIXES = st.sampled_from(["", "+86 ", "+86-", "0086 ", "(+86) ", "＋８６ "])
FULL = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def typed_phones(draw: st.DrawFn) -> tuple[str, str]:
    """A phone number typed some way, and its stored form."""
    full_width = draw(st.booleans())
    if draw(st.booleans()):
        number = "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))
        a, b = draw(SEPARATORS), draw(SEPARATORS)
        typed = f"{draw(PREFIXES)}{number[:3]}{a}{number[3:7]}{b}{number[7:]}"
        stored = number
    else:
        area = draw(st.sampled_from(["010", "021", "029", "0635", "0531", "0755"]))
        local = draw(st.sampled_from("23456789")) + draw(st.text("0123456789", min_size=6, max_size=7))
        extension = draw(st.one_of(st.just(""), st.text("0123456789", min_size=1, max_size=6)))
        international = draw(st.booleans())
        written_area = area[1:] if international else draw(st.sampled_from([area, f"({area})"]))
        typed = ("+86 " if international else "") + written_area + draw(SEPARATORS) + local
        if extension:
            typed += draw(st.sampled_from(["转", " 转 ", "-", " ext ", "#", "分机"])) + extension
        stored = f"{area}-{local}" + (f"转{extension}" if extension else "")
    return (typed.translate(FULL) if full_width else typed), stored


@given(typed_phones())
def test_every_way_of_typing_a_phone_gives_its_stored_form(case: tuple[str, str]) -> None:
    typed, stored = case
    assert normalise_phone(typed) == stored
    assert normalise_phone(stored) == stored  # the stored form reads back as itself
    assert parse_phone(stored).formatted == stored


def test_the_check_tables_are_the_standards():
    assert identity.ID_WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    assert ID_CHECK == "10X98765432"
    assert identity.USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(USCC_CHARS) == 31 and not set("IOSVZ") & set(USCC_CHARS)
