import pytest

from xiangcun.core import regioncodes
from xiangcun.core.masking import mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(
    ("code", "level", "prefix"),
    [
        ("370000", "province", "37"),
        ("371500", "city", "3715"),
        ("371522", "county", "371522"),
        ("371522100", "town", "371522100"),
        ("371522100201", "village", "371522100201"),
    ],
)
def test_levels_and_prefixes_follow_the_official_code_structure(code, level, prefix):
    assert regioncodes.level_of(code) == level
    assert regioncodes.prefix_of(code) == prefix


def test_contains_is_a_prefix_relation():
    assert regioncodes.contains("371500", "371522100201")
    assert regioncodes.contains("371522", "371522100201")
    assert not regioncodes.contains("371502", "371522100201")
    assert not regioncodes.contains("371522100", "371522101201")


@pytest.mark.parametrize("bad", ["", "3715", "37150", "3715001", "abcdef", "3715221002011"])
def test_malformed_codes_are_rejected(bad):
    assert not regioncodes.is_valid_code(bad)
    with pytest.raises(ValueError):
        regioncodes.level_of(bad)


def test_masking_hides_the_middle_of_identifiers():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
    assert mask_name("张三丰") == "张**"
    assert mask_id_number("370000199001011234") == "3700**********1234"


def test_phones_inside_free_text_are_masked_but_other_numbers_are_not():
    from xiangcun.core.masking import mask_phones_in

    assert mask_phones_in("石志建 13330016197，座机 0635-8888888") == "石志建 133****6197，座机 0635-***8888"
    assert mask_phones_in("投资 123456789012 元") == "投资 123456789012 元"
