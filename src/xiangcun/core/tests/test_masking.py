"""One masking rule for every phone format (core/masking.py): whatever way a number is written, alone or
inside free text, no seven consecutive digits of it survive."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xiangcun.core.masking import mask_phone, mask_phones_in
from xiangcun.core.tests.test_identity import typed_phones

SEPARATORS = re.compile(r"[\s\-－()（）+＋.\u3000]")


def _digits(text: str) -> str:
    return "".join(
        c for c in text.translate(str.maketrans("０１２３４５６７８９", "0123456789")) if c.isdigit()
    )


def _survivors(number: str, masked: str) -> list[str]:
    """The runs of 7 consecutive digits of ``number`` still readable in ``masked`` (separators ignored)."""
    readable = SEPARATORS.sub("", masked)
    return [number[i : i + 7] for i in range(len(number) - 6) if number[i : i + 7] in readable]


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13912345678", "139****5678"),
        ("139-1234-5678", "139****5678"),
        ("+86 139 1234 5678", "139****5678"),
        ("0635-8231234", "0635-***1234"),
        ("010-62345678", "010-****5678"),
        ("0635-8231234转801", "0635-***1234转801"),
        ("+86 635 8231234", "0635-***1234"),
        ("", ""),
        ("123", "****"),
        ("12345678", "****5678"),
    ],
)
def test_every_phone_format_is_masked(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("石志建 13330016197", "石志建 133****6197"),
        ("电话：0635-8231234，手机 +86 139-1234-5678", "电话：0635-***1234，手机 +86 139-****-5678"),
        ("(0635)8231234 转 801", "(0635)***1234 转 801"),
        ("联系１３９１２３４５６７８王", "联系139****5678王"),
        ("投资 123456789012 元，2026年", "投资 123456789012 元，2026年"),
        ("村委会王主任", "村委会王主任"),
    ],
)
def test_phones_inside_text_are_masked_and_the_rest_left_alone(text: str, masked: str) -> None:
    assert mask_phones_in(text) == masked


@given(typed_phones())
def test_no_seven_digits_of_a_phone_survive_masking(case: tuple[str, str]) -> None:
    typed, stored = case
    number = _digits(stored.split("转")[0])
    assert _survivors(number, mask_phone(typed)) == []
    assert _survivors(number, mask_phone(stored)) == []


def _extension_marked(typed: str, stored: str) -> str:
    """``typed`` with a hyphen before its extension written as 转."""
    if "转" not in stored:
        return typed
    extension = stored.split("转")[1]
    ascii_typed = typed.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if ascii_typed.endswith("-" + extension):
        return typed[: -len(extension) - 1] + "转" + typed[-len(extension) :]
    return typed


WORDS = st.text(st.sampled_from("联系人王主任电话手机村委会：，。 abc"), max_size=8)


@given(st.lists(st.tuples(WORDS, typed_phones()), min_size=1, max_size=3), WORDS)
def test_no_seven_digits_of_any_phone_in_free_text_survive(parts: list, tail: str) -> None:
    # Each phone follows a word (so it never runs into the previous number's digits). An extension
    # after a hyphen would read as part of the number once separators are dropped: those use 转 here.
    parts = [(word, (_extension_marked(typed, stored), stored)) for word, (typed, stored) in parts]
    text = "".join(f"{word}号{typed}" for word, (typed, _) in parts) + tail
    masked = mask_phones_in(text)
    for _, (_, stored) in parts:
        number = _digits(stored.split("转")[0])
        assert _survivors(number, masked) == [], (text, masked)


@given(st.text(st.sampled_from("联系人王主任村委会，。abc 2026年5月")))
def test_text_without_phones_is_unchanged(text: str) -> None:
    assert mask_phones_in(text) == text
