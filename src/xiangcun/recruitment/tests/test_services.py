import pytest

from xiangcun.core.errors import AccessDenied, ApplicationError, NotFoundError
from xiangcun.core.inputs import parse
from xiangcun.recruitment import selectors, services
from xiangcun.recruitment.models import Notice, NoticeStatus, NoticeTransition
from xiangcun.recruitment.schemas import BatchIn
from xiangcun.recruitment.tests.factories import notice_changed, notice_draft, notice_input, notice_published
from xiangcun.regions.models import Village


def _other_county_village(users):
    return Village.objects.filter(code__startswith=users["county2"].region_code).order_by("code").first()


def test_cadre_drafts_a_notice_for_their_village_with_resources(users):
    notice = notice_draft(users)
    assert notice.status == NoticeStatus.DRAFT
    assert notice.county_id == users["county"].region_code
    assert [r.kind for r in notice.resources.all()] == ["pond"]
    assert notice.transitions.get().to_status == NoticeStatus.DRAFT


def test_full_workflow_records_every_transition(users):
    notice = notice_published(users)
    assert notice.status == NoticeStatus.PUBLISHED and notice.published_at is not None
    steps = [(t.from_status, t.to_status, t.actor.username) for t in selectors.notice_transitions(notice)]
    assert steps == [
        ("", "draft", "cadre"),
        ("draft", "submitted", "cadre"),
        ("submitted", "approved", "town"),
        ("approved", "published", "county"),
    ]


def test_min_above_max_is_a_400_naming_the_field_and_nothing_is_saved(users):
    before = Notice.objects.count()
    with pytest.raises(ApplicationError) as exc:
        notice_draft(users, investment_min="100", investment_max="50")
    assert exc.value.status == 400 and exc.value.field == "investment_min"
    assert "投资下限" in exc.value.message
    assert Notice.objects.count() == before


def test_unknown_category_or_kind_is_a_400_naming_the_field(users):
    with pytest.raises(ApplicationError) as exc:
        notice_draft(users, category="casino")
    assert exc.value.field == "category"
    with pytest.raises(ApplicationError) as exc:
        notice_draft(users, kinds_wanted=["wizard"])
    assert exc.value.field == "kinds_wanted" and "wizard" in exc.value.message


def test_cadre_cannot_draft_for_another_village(users):
    other = _other_county_village(users)
    with pytest.raises(AccessDenied):
        notice_draft(users, village_codes=[other.code])


def test_cadre_editing_another_villages_notice_is_403(users):
    # given a notice of a village in another county, drafted by that county's official
    other = _other_county_village(users)
    notice = services.notice_create(
        user=users["county2"],
        notice_in=notice_input(title="临清项目", villages=[other.code], category="coop_farming"),
    )
    # when the demo cadre edits it / then 403 and nothing changed
    with pytest.raises(AccessDenied) as exc:
        services.notice_update(
            user=users["cadre"], notice=notice, notice_in=notice_changed(notice, title="改")
        )
    assert exc.value.status == 403
    assert Notice.objects.get(pk=notice.pk).title == "临清项目"


def test_publishing_an_unapproved_notice_is_a_400(users):
    notice = notice_draft(users)
    services.notice_transition(user=users["cadre"], notice=notice, action="submit")
    with pytest.raises(ApplicationError) as exc:
        services.notice_transition(user=users["county"], notice=notice, action="publish")
    assert exc.value.status == 400 and exc.value.field == "status"
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.SUBMITTED


def test_roles_are_enforced_per_step(users):
    notice = notice_draft(users)
    services.notice_transition(user=users["cadre"], notice=notice, action="submit")
    with pytest.raises(AccessDenied):
        services.notice_transition(user=users["cadre"], notice=notice, action="approve")
    services.notice_transition(user=users["town"], notice=notice, action="approve")
    with pytest.raises(AccessDenied):  # a county notice is published by the county, not the town
        services.notice_transition(user=users["town"], notice=notice, action="publish")
    with pytest.raises(AccessDenied):  # another county's official is out of scope
        services.notice_transition(user=users["county2"], notice=notice, action="publish")


def test_city_level_notices_are_published_by_the_city(users):
    notice = notice_draft(users, level="city")
    services.notice_transition(user=users["cadre"], notice=notice, action="submit")
    services.notice_transition(user=users["town"], notice=notice, action="approve")
    with pytest.raises(AccessDenied):
        services.notice_transition(user=users["county"], notice=notice, action="publish")
    assert (
        services.notice_transition(user=users["city"], notice=notice, action="publish").status == "published"
    )


def test_rejection_needs_a_reason_and_the_cadre_can_resubmit(users):
    notice = notice_draft(users)
    services.notice_transition(user=users["cadre"], notice=notice, action="submit")
    with pytest.raises(ApplicationError) as exc:
        services.notice_transition(user=users["town"], notice=notice, action="reject")
    assert exc.value.field == "reason"
    services.notice_transition(user=users["town"], notice=notice, action="reject", reason="投资区间不清楚")
    notice.refresh_from_db()
    assert notice.status == "rejected" and notice.rejection_reason == "投资区间不清楚"
    services.notice_update(
        user=users["cadre"], notice=notice, notice_in=notice_changed(notice, investment_max="90")
    )
    assert (
        services.notice_transition(user=users["cadre"], notice=notice, action="submit").status == "submitted"
    )
    assert NoticeTransition.objects.filter(
        notice=notice, to_status="rejected", reason="投资区间不清楚"
    ).exists()


def test_published_notice_cannot_be_edited(users):
    notice = notice_published(users)
    with pytest.raises(ApplicationError):
        services.notice_update(
            user=users["cadre"], notice=notice, notice_in=notice_changed(notice, title="新")
        )


def test_public_list_filters(users):
    farm = notice_published(users)
    notice_published(users, category="agri_processing", kinds_wanted=["investor"], investment_min="500",
                     investment_max="900", title="预制菜加工车间")  # fmt: skip
    f = selectors.NoticeFilters
    assert farm in selectors.notice_list_public(f(category="farm_stay"))
    assert farm not in selectors.notice_list_public(f(kind="investor"))
    assert farm in selectors.notice_list_public(f(kind="rural_leader"))
    assert farm not in selectors.notice_list_public(f(investment_min=100))
    assert farm in selectors.notice_list_public(f(investment_min=50, investment_max=60))
    assert farm in selectors.notice_list_public(f(q="采摘"))
    assert farm in selectors.notice_list_public(f(county=users["county"].region_code))
    assert farm not in selectors.notice_list_public(f(county=users["county2"].region_code))
    assert not selectors.notice_list_public(f(q="预制菜")).filter(pk=farm.pk).exists()


def test_drafts_are_not_public_but_visible_in_scope(users):
    draft = notice_draft(users)
    assert draft not in selectors.notice_list_public()
    assert draft in selectors.notice_list_for(users["town"])
    assert draft not in selectors.notice_list_for(users["county2"])
    with pytest.raises(AccessDenied):
        selectors.notice_get_for(users["public"], draft.pk)


def test_batch_lists_published_notices_by_county(users):
    batch = services.batch_create(
        user=users["city"], batch_in=parse(BatchIn, {"title": "第一批招募令", "date": "2026-03-01"})
    )
    notice = notice_draft(users)
    services.notice_transition(user=users["cadre"], notice=notice, action="submit")
    services.notice_transition(user=users["town"], notice=notice, action="approve")
    services.notice_transition(user=users["county"], notice=notice, action="publish", batch=batch)
    assert list(selectors.batch_notices(batch)) == [notice]
    with pytest.raises(AccessDenied):
        services.batch_create(
            user=users["county"], batch_in=parse(BatchIn, {"title": "x", "date": "2026-03-01"})
        )


def test_resource_units_are_stored_as_the_ledgers_codes_whatever_way_they_are_written(users):
    from xiangcun.recruitment.tests.factories import notice_draft

    notice = notice_draft(
        users,
        resources=[
            {"kind": "pond", "area": "30", "unit": "亩"},
            {"kind": "idle_building", "area": "800", "unit": "m²"},
            {"kind": "cultural_heritage", "area": "1", "unit": "项"},
            {"kind": "arable_land", "area": "100", "unit": "mu"},
        ],
    )
    assert [r.unit for r in notice.resources.order_by("pk")] == ["mu", "m2", "item", "mu"]
    assert [r.get_unit_display() for r in notice.resources.order_by("pk")] == ["亩", "平方米", "项", "亩"]


def test_notice_get_for_reads_published_notices_but_writes_only_in_region(users):
    notice = notice_published(users)
    assert selectors.notice_get_for(users["public"], notice.pk) == notice
    assert selectors.notice_get_for(users["county"], notice.pk, write=True) == notice
    with pytest.raises(AccessDenied):  # an official of another county
        selectors.notice_get_for(users["county2"], notice.pk, write=True)
    with pytest.raises(AccessDenied):
        selectors.notice_get_for(users["partner"], notice.pk, write=True)
    with pytest.raises(NotFoundError):
        selectors.notice_get_for(users["county"], 999999)


def test_batch_get_for_is_public_to_read_and_the_citys_to_write(users):
    batch = services.batch_create(
        user=users["city"], batch_in=parse(BatchIn, {"title": "批", "date": "2026-03-01"})
    )
    assert selectors.batch_get_for(users["public"], batch.pk) == batch
    assert selectors.batch_get_for(users["city"], batch.pk, write=True) == batch
    with pytest.raises(AccessDenied):
        selectors.batch_get_for(users["county"], batch.pk, write=True)


def test_notice_input_names_the_json_path_and_the_chinese_label(users):
    with pytest.raises(ApplicationError) as exc:
        notice_input(title="x", villages=[users["cadre"].region_code], category="farm_stay",
                     resources=[{"kind": "pond", "area": "-1"}])  # fmt: skip
    assert exc.value.field == "resources[0].area"
    assert "提供的资源第 1 项 · 资源面积" in exc.value.message
