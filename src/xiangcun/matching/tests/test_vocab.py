"""The shared vocabulary (xiangcun.core.vocab)."""

from __future__ import annotations

import pytest

from xiangcun.core import vocab
from xiangcun.core.errors import ApplicationError


def test_seed_lists_are_complete_and_in_order() -> None:
    assert [t.zh for t in vocab.PROJECT_CATEGORIES] == [
        "农产品加工",
        "文旅研学",
        "合作社种植",
        "农家乐",
        "小吃街",
        "特色产业链",
        "乡村振兴示范片区",
        "医养中心",
        "其他",
    ]
    assert [t.zh for t in vocab.PARTNER_KINDS] == [
        "企业家",
        "创业者",
        "金融投资业者",
        "专家学者",
        "创业团队",
        "种养大户",
        "农村致富带头人",
        "技术能手",
        "非遗传承人",
    ]
    assert [t.zh for t in vocab.COOPERATION_FORMS] == ["资金合作", "技术入股", "专业服务"]
    assert len(vocab.RESOURCE_KINDS) == 10


@pytest.mark.parametrize(
    "terms", [vocab.PROJECT_CATEGORIES, vocab.PARTNER_KINDS, vocab.COOPERATION_FORMS, vocab.RESOURCE_KINDS]
)
def test_codes_are_unique_ascii_identifiers(terms: tuple[vocab.Term, ...]) -> None:
    codes = vocab.codes(terms)
    assert len(set(codes)) == len(codes)
    for term in terms:
        assert term.code.isascii() and term.code.isidentifier() and term.code.islower()
        assert term.zh and term.en


def test_lookups() -> None:
    assert vocab.PROJECT_CATEGORIES[0] == ("agri_processing", "农产品加工", "Agricultural processing")
    assert vocab.label("kind", "heritage_inheritor") == "非遗传承人"
    assert vocab.label("form", "capital", "en") == "Capital cooperation"
    assert vocab.index_of("category", "other") == 8
    assert vocab.choices(vocab.COOPERATION_FORMS)[1] == ("tech_equity", "技术入股")


def test_unknown_code_is_a_chinese_application_error_naming_the_field() -> None:
    with pytest.raises(ApplicationError) as info:
        vocab.index_of("category", "casino")
    assert info.value.field == "category"
    assert "未知的项目类别代码" in info.value.message
    assert isinstance(info.value, ValueError)
