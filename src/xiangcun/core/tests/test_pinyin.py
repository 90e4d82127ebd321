from xiangcun.core.pinyin import initials


def test_initials_of_a_village_name() -> None:
    assert initials("张家庄村") == "zjzc"


def test_initials_keep_latin_letters_and_digits_lowercase() -> None:
    assert initials("A区3号") == "aq3h"
