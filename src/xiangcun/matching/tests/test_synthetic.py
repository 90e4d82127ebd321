"""The synthetic generator: deterministic, valid, varied."""

from __future__ import annotations

from collections import Counter

from xiangcun.matching import synthetic
from xiangcun.matching.scoring import NoticeFacts, PartnerFacts

COUNTIES = synthetic.LIAOCHENG_COUNTIES


def test_same_seed_same_data_other_seed_other_data() -> None:
    a = synthetic.generate(COUNTIES, 50, 50, seed=1)
    assert a == synthetic.generate(COUNTIES, 50, 50, seed=1)
    assert a.notices != synthetic.generate(COUNTIES, 50, 50, seed=2).notices
    # each side has its own stream: more partners does not change the notices
    assert synthetic.generate(COUNTIES, 50, 80, seed=1).notices == a.notices


def test_facts_are_valid_and_varied() -> None:
    data = synthetic.generate(COUNTIES, 400, 400, seed=0)
    notices = [n.facts() for n in data.notices]
    partners = [p.facts() for p in data.partners]
    assert all(isinstance(n, NoticeFacts) for n in notices)
    assert all(isinstance(p, PartnerFacts) for p in partners)
    assert len({n.id for n in notices}) == 400
    assert len(Counter(n.category for n in notices)) == 9
    assert len(Counter(p.kind for p in partners)) == 9
    assert len({n.county_code for n in notices}) == len(COUNTIES)
    assert len({n.text for n in notices}) == 400
    assert sum(1 for p in partners if not p.preferred_counties) > 0
    for n in data.notices:
        if n.investment_min is not None and n.investment_max is not None:
            assert n.investment_min <= n.investment_max
        assert n.title.endswith("招募合伙人")
    assert any("非遗传承人" in p.text for p in data.partners if p.kind == "heritage_inheritor")


def test_villages_are_used_in_turn() -> None:
    villages = [("371522001", "张庄村", "371522"), ("371525002", "李楼村", "371525")]
    notices = synthetic.generate_notices(COUNTIES, 5, seed=0, villages=villages)
    assert [n.village_name for n in notices] == ["张庄村", "李楼村", "张庄村", "李楼村", "张庄村"]
    assert notices[1].county_name == "冠县"
