"""The Django side of matching: recommendations, county pairing runs, the pairing workflow, weights,
the CLI and the API. Exactness of top-k and of the assignment is proven by the pure modules' tests."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from xiangcun.core.errors import AccessDenied, ApplicationError
from xiangcun.matching import selectors, services
from xiangcun.matching.models import Pairing, PairingEvent
from xiangcun.partners.tests.factories import partner_verified
from xiangcun.recruitment.tests.factories import notice_published


@pytest.fixture
def pair(users):
    notice = notice_published(users)
    partner = partner_verified(users)
    partner_verified(users, "lisi", name="李四", kind="expert", preferred_counties=["371581"],
                     preferred_categories=["medical_elderly_care"], profile="医养结合专家")  # fmt: skip
    return notice, partner


def test_recommendations_both_ways_are_explained_in_chinese(pair):
    notice, partner = pair
    recs = selectors.partners_for_notice(notice, 5)
    assert recs[0].id == partner.pk and 0 < recs[0].fit <= 1
    assert any(r.startswith("类别一致") for r in recs[0].reasons)
    back = selectors.notices_for_partner(partner, 5)
    assert back[0].id == notice.pk and back[0].fit == pytest.approx(recs[0].fit)


def test_a_declined_pair_is_not_recommended_again(pair, users):
    notice, partner = pair
    pairing = services.pairing_express_interest(user=partner.user, notice=notice)
    services.pairing_transition(
        user=partner.user, pairing=pairing, to_status="withdrawn", reason="资金不到位"
    )
    assert partner.pk not in [r.id for r in selectors.partners_for_notice(notice, 5)]
    assert notice.pk not in [r.id for r in selectors.notices_for_partner(partner, 5)]


def test_county_run_proposes_and_sends_invitations(pair, users):
    notice, partner = pair
    with pytest.raises(AccessDenied):
        services.pairing_run_create(user=users["county2"], county_code=users["county"].region_code)
    run = services.pairing_run_create(user=users["county"], county_code=users["county"].region_code)
    pairs = {(p["notice"], p["partner"]) for p in run.proposal["pairs"]}
    assert (str(notice.pk), str(partner.pk)) in pairs
    created = services.pairing_run_send(user=users["county"], run=run)
    assert [(p.notice_id, p.partner_id, p.status, p.origin) for p in created] == [
        (notice.pk, partner.pk, "intent", "office")
    ]
    with pytest.raises(ApplicationError):
        services.pairing_run_send(user=users["county"], run=run)


def test_pairing_workflow_is_audited_and_role_checked(pair, users):
    notice, partner = pair
    pairing = services.pairing_express_interest(user=partner.user, notice=notice, note="想来考察")
    with pytest.raises(AccessDenied):  # one's own interest is taken into 洽谈 by the village's side
        services.pairing_transition(user=partner.user, pairing=pairing, to_status="negotiating")
    services.pairing_transition(user=users["cadre"], pairing=pairing, to_status="negotiating")
    services.pairing_note_add(
        user=users["cadre"], pairing=pairing, note="现场考察坑塘", meeting_date=dt.date(2026, 4, 2)
    )
    with pytest.raises(AccessDenied):
        services.pairing_transition(user=partner.user, pairing=pairing, to_status="signed")
    with pytest.raises(ApplicationError):
        services.pairing_transition(user=users["county"], pairing=pairing, to_status="performing")
    services.pairing_transition(user=users["county"], pairing=pairing, to_status="signed")
    services.pairing_transition(user=users["county"], pairing=pairing, to_status="performing")
    with pytest.raises(ApplicationError):
        services.pairing_transition(user=users["cadre"], pairing=pairing, to_status="withdrawn")
    with pytest.raises(AccessDenied):
        services.pairing_transition(user=users["county2"], pairing=pairing, to_status="withdrawn", reason="x")
    steps = [
        (e.from_status, e.to_status) for e in PairingEvent.objects.filter(pairing=pairing).order_by("id")
    ]
    assert steps[0] == ("", "intent") and steps[-1] == ("signed", "performing")
    assert PairingEvent.objects.filter(pairing=pairing, meeting_date="2026-04-02").exists()
    assert pairing in selectors.pairing_list_for(users["cadre"])
    assert pairing in selectors.pairing_list_for(partner.user)
    assert pairing not in selectors.pairing_list_for(users["partner"])


def test_weights_are_edited_by_the_city_only_and_validated(users):
    values = {"category": 0.3, "region": 0.1, "capital": 0.15, "kind": 0.15, "form": 0.05, "text": 0.15,
              "resources": 0.1}  # fmt: skip
    with pytest.raises(AccessDenied):
        services.weights_update(user=users["county"], values=values)
    with pytest.raises(ApplicationError) as exc:
        services.weights_update(user=users["city"], values={**values, "text": 0.9})
    assert exc.value.field == "weights"
    services.weights_update(user=users["city"], values=values, threshold=0.4)
    weights, threshold = selectors.weights_current()
    assert weights.category == 0.3 and threshold == 0.4


def test_cli_prints_the_issue_shapes(pair, users):
    notice, partner = pair
    out = StringIO()
    call_command("match", "assign", "--county", users["county"].region_code, "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == {"pairs", "total_fit", "unmatched_notices", "unmatched_partners"}
    assert result["pairs"][0] == {
        "notice": str(notice.pk),
        "partner": str(partner.pk),
        "fit": result["total_fit"],
    }
    out = StringIO()
    call_command("match", "candidates", "--county", users["county"].region_code, "--json", stdout=out)
    assert all(set(c) == {"notice", "partner", "fit"} for c in json.loads(out.getvalue()))
    out = StringIO()
    call_command("match", "assign", "--city", "371500", "--json", stdout=out)
    assert json.loads(out.getvalue())["pairs"]


def test_api_recommendations_pairings_and_weights(pair, client, client_as, users):
    notice, partner = pair
    assert client.get(f"/api/v1/notices/{notice.pk}/recommendations").status_code == 401
    assert client_as("county2").get(f"/api/v1/notices/{notice.pk}/recommendations").status_code == 403
    body = client_as("county").get(f"/api/v1/notices/{notice.pk}/recommendations").json()
    assert body["items"][0]["explanation"] and body["items"][0]["title"] == "张**"
    assert client_as("county").get(f"/api/v1/partners/{partner.pk}/recommendations").status_code == 403
    run = client_as("county").post(
        "/api/v1/pairing/runs", '{"county": "371502"}', content_type="application/json"
    )
    assert run.status_code == 201 and run.json()["pairs"]
    sent = client_as("county").post(f"/api/v1/pairing/runs/{run.json()['id']}/send", "{}",
                                    content_type="application/json")  # fmt: skip
    assert sent.status_code == 200 and sent.json()["count"] == 1
    pk = sent.json()["items"][0]["id"]
    bad = client_as("county").post(f"/api/v1/pairings/{pk}/transition", '{"to_status": "withdrawn"}',
                                   content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["field"] == "reason"
    assert client_as("county").post("/api/v1/pairings/999999/transition", '{"to_status": "signed"}',
                                    content_type="application/json").status_code == 404  # fmt: skip
    assert client_as("county").get("/api/v1/pairings").json()["count"] == 1
    put = client_as("county").put(
        "/api/v1/matching/weights", '{"weights": {}}', content_type="application/json"
    )
    assert put.status_code == 403
    assert Pairing.objects.count() == 1


def test_matching_pages(pair, client_as, users):
    notice, partner = pair
    pairing = services.pairing_express_interest(user=partner.user, notice=notice)
    client = client_as("county")
    assert client.get("/matching/county/").status_code == 200
    assert client.post("/matching/county/", {"county": "371502"}).status_code == 302
    assert client.get("/matching/mine/").status_code == 200
    assert client.get(f"/matching/pairings/{pairing.pk}/").status_code == 200
    assert client_as("county2").get(f"/matching/pairings/{pairing.pk}/").status_code == 403
    client.force_login(partner.user)
    assert "招募" in client.get("/matching/recommendations/").content.decode()
    assert client_as("city").get("/matching/weights/").status_code == 200


def test_demo_build_at_city_scale(users):
    from xiangcun.matching.demo import demo_build
    from xiangcun.partners.models import Partner
    from xiangcun.recruitment.models import Notice

    result = demo_build(scale="city", seed=7)
    assert result.notices == 1083 and result.partners == 5000
    assert Notice.objects.filter(is_demo=True, status="published").count() == 1083
    assert Partner.objects.filter(is_demo=True, status="verified").count() > 4800
    assert Partner.objects.get(user=users["partner"]).status == "verified"


def test_city_demo_has_pairings_at_every_stage_with_their_audit_trail(users):
    from django.db.models import Count

    from xiangcun.matching.demo import demo_build
    from xiangcun.matching.models import Pairing, PairingEvent
    from xiangcun.matching.selectors import pairing_list_for

    demo_build(scale="city", seed=3)
    stages = dict(Pairing.objects.values_list("status").annotate(n=Count("id")))
    assert {"intent", "negotiating", "signed", "performing", "withdrawn"} <= set(stages)
    assert PairingEvent.objects.filter(meeting_date__isnull=False).exists()
    assert pairing_list_for(users["partner"]).count() == 1
    assert pairing_list_for(users["county"]).count() >= 24


def test_matching_pages_answer_unknown_ids_with_404_and_others_records_with_403(client_as, users):
    from xiangcun.matching import services as matching
    from xiangcun.partners.tests.factories import partner_verified
    from xiangcun.recruitment.tests.factories import notice_published

    notice = notice_published(users)
    partner = partner_verified(users, "wuba", name="吴八")
    pairing = matching.pairing_express_interest(user=partner.user, notice=notice)
    county = client_as("county")
    assert county.get("/matching/pairings/999999/").status_code == 404
    assert county.get("/matching/runs/999999/").status_code == 404
    assert county.post("/matching/pairings/999999/step/", {"to_status": "negotiating"}).status_code == 404
    assert county.get(f"/matching/pairings/{pairing.pk}/").status_code == 200
    other = client_as("county2")
    assert other.get(f"/matching/pairings/{pairing.pk}/").status_code == 403
    assert (
        other.post(f"/matching/pairings/{pairing.pk}/step/", {"to_status": "negotiating"}).status_code == 403
    )


def test_county_pairing_page_never_shows_another_countys_runs(pair, client_as, users):
    """东昌府区's administrator asking for 临清市 (371581) sees none of its runs, dates or totals."""
    theirs = services.pairing_run_create(user=users["county2"], county_code="371581")
    ours = services.pairing_run_create(user=users["county"], county_code="371502")
    page = client_as("county").get("/matching/county/?county=371581")
    assert page.status_code == 403
    html = page.content.decode()
    assert f"/matching/runs/{theirs.pk}/" not in html and "历次方案" not in html
    assert client_as("county").post("/matching/county/", {"county": "371581"}).status_code == 403
    assert list(selectors.pairing_run_list_for(users["county"], "371581")) == []
    assert client_as("county").get(f"/matching/runs/{theirs.pk}/").status_code == 403
    assert client_as("county").get(f"/api/v1/pairing/runs/{theirs.pk}").status_code == 403
    own = client_as("county").get("/matching/county/?county=371502").content.decode()
    assert f"/matching/runs/{ours.pk}/" in own and f"/matching/runs/{theirs.pk}/" not in own
    assert f"/matching/runs/{theirs.pk}/" in client_as("county2").get("/matching/county/").content.decode()
    assert client_as("town").get("/matching/county/").status_code == 403


def test_notice_recommendations_fragment_is_for_the_notices_officials_only(pair, client, client_as, users):
    """The fragment the notice page loads with htmx: the same list the page showed, only to the
    officials governing the notice's region; an empty 200 fragment for anyone else."""
    from django.urls import reverse

    notice, partner = pair
    url = reverse("matching:notice_recommendations", args=[notice.pk])
    assert url == f"/matching/notices/{notice.pk}/recommendations/"
    page = client_as("county").get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "推荐合伙人" in html and "<html" not in html
    assert f"/partners/{partner.pk}/" in html and "张**" in html and "%" in html
    for who in ("county2", "partner", "public"):
        other = client_as(who).get(url)
        assert other.status_code == 200 and "推荐合伙人" not in other.content.decode()
    client.logout()
    assert "推荐合伙人" not in client.get(url).content.decode()
    assert client_as("county").get("/matching/notices/999999/recommendations/").status_code == 404


def test_access_functions_refuse_out_of_region_officials_and_strangers(pair, users):
    from xiangcun.core.errors import NotFoundError
    from xiangcun.partners.selectors import partner_get_for
    from xiangcun.partners.tests.factories import partner_registered

    notice, partner = pair
    run = services.pairing_run_create(user=users["county"], county_code="371502")
    assert selectors.pairing_run_get_for(users["county"], run.pk, write=True) == run
    assert selectors.pairing_run_get_for(users["city"], run.pk) == run
    for who in ("county2", "town", "partner", "public"):
        with pytest.raises(AccessDenied):
            selectors.pairing_run_get_for(users[who], run.pk)
    with pytest.raises(AccessDenied):
        selectors.pairing_run_get_for(users["cadre"], run.pk, write=True)
    with pytest.raises(NotFoundError):
        selectors.pairing_run_get_for(users["county"], 999999)
    pairing = services.pairing_express_interest(user=partner.user, notice=notice)
    assert selectors.pairing_get_for(partner.user, pairing.pk, write=True) == pairing
    assert selectors.pairing_get_for(users["cadre"], pairing.pk) == pairing
    with pytest.raises(AccessDenied):
        selectors.pairing_get_for(users["county2"], pairing.pk, write=True)
    pending = partner_registered("wangjiu", name="王九")
    assert partner_get_for(users["public"], partner.pk) == partner  # verified partners are public
    with pytest.raises(AccessDenied):
        partner_get_for(users["county"], pending.pk)
    with pytest.raises(AccessDenied):
        partner_get_for(users["county"], partner.pk, write=True)
    assert partner_get_for(users["city"], pending.pk, write=True) == pending
    assert partner_get_for(pending.user, pending.pk, write=True) == pending


def test_weights_page_shows_the_chinese_label_not_the_json_path(client_as):
    post = {"category": "abc", "region": "0.15", "capital": "0.15", "kind": "0.15", "form": "0.05",
            "text": "0.2", "resources": "0.1", "threshold": "0.5"}  # fmt: skip
    page = client_as("city").post("/matching/weights/", post, follow=True)
    html = page.content.decode()
    assert "项目类别：" in html and "weights.category" not in html
    post.update(category="0.3")
    html = client_as("city").post("/matching/weights/", post, follow=True).content.decode()
    assert "各项权重之和必须等于 1" in html
    post.update(category="0.2")
    assert client_as("city").post("/matching/weights/", post).status_code == 302
    assert client_as("county").get("/matching/weights/").status_code == 403


def test_pairing_step_page_flashes_a_refused_step_and_leaves_403_to_the_middleware(pair, client_as, users):
    notice, partner = pair
    pairing = services.pairing_express_interest(user=partner.user, notice=notice)
    url = f"/matching/pairings/{pairing.pk}/step/"
    county = client_as("county")
    page = county.post(url, {"to_status": "withdrawn"}, follow=True)
    assert page.redirect_chain[-1][1] == 302 and "退出须填写理由" in page.content.decode()
    note = county.post(f"/matching/pairings/{pairing.pk}/note/", {"note": "现场考察"}, follow=True)
    assert "考察或洽谈日期：必填" in note.content.decode()
    assert county.post(url, {"to_status": "negotiating"}).status_code == 302
    county.force_login(partner.user)
    assert county.post(url, {"to_status": "signed"}).status_code == 403
    assert Pairing.objects.get(pk=pairing.pk).status == "negotiating"


def test_the_review_is_sorted_filtered_and_ticks_nothing_until_asked(pair, client_as, users):
    notice_published(users, title="第二个招募令：果蔬采摘与民宿", category="agri_processing")
    partner_verified(users, "wangwu", name="王五", kind="expert", profile="农产品加工技术专家")
    run = services.pairing_run_create(user=users["county"], county_code=users["county"].region_code)
    client = client_as("county")
    page = client.get(f"/matching/runs/{run.pk}/")
    rows = page.context["rows"]
    assert len(rows) >= 2 and rows[0]["fit"] > rows[-1]["fit"]
    assert [r["fit"] for r in rows] == sorted((r["fit"] for r in rows), reverse=True)
    assert " checked" not in page.content.decode().split('<form method="post"', 1)[1]
    best = rows[0]["percent"]
    ticked = client.get(f"/matching/runs/{run.pk}/", {"above": best}).context["rows"]
    assert all(r["ticked"] == (r["percent"] >= best) for r in ticked) and ticked[0]["ticked"]
    other_kind = client.get(f"/matching/runs/{run.pk}/", {"kind": "no-such-kind"}).context["rows"]
    assert other_kind == []
    town = rows[0]["town"].code
    assert all(
        r["town"].code == town
        for r in client.get(f"/matching/runs/{run.pk}/", {"town": town}).context["rows"]
    )
    # Sending with nothing ticked sends nothing and keeps the proposal open.
    response = client.post(f"/matching/runs/{run.pk}/send/", {})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.invitations_sent is False and not Pairing.objects.filter(run=run).exists()
    assert "请至少勾选一个组合" in client.get(f"/matching/runs/{run.pk}/").content.decode()


def test_the_review_offers_the_stable_pairing_beside_max_fit(users, client_as, monkeypatch):
    from types import SimpleNamespace

    import numpy as np

    # two notices and two partners whose fits make the options differ: village A and partner X fit
    # best (0.9), yet max-fit pairs A–Y and B–X (0.8 + 0.8) — A and X would both rather work together
    a = notice_published(users, title="甲村：坑塘养殖")
    b = notice_published(users, title="乙村：果蔬采摘", category="agri_processing")
    x = partner_verified(users)
    y = partner_verified(users, "wangwu", name="王五", kind="expert", profile="农产品加工技术专家")
    index = SimpleNamespace(notice_ids=[str(a.pk), str(b.pk)], partner_ids=[str(x.pk), str(y.pk)])
    fits = np.array([[0.9, 0.8], [0.8, 0.0]])
    monkeypatch.setattr(services, "county_matrix", lambda code: (index, fits))
    run = services.pairing_run_create(user=users["county"], county_code=users["county"].region_code)
    assert run.proposal["blocking_pairs"] == 1 and run.stable_proposal["blocking_pairs"] == 0
    assert run.stable_proposal["total_fit"] == pytest.approx(0.9)
    assert run.total_fit == pytest.approx(1.6)

    client = client_as("county")
    page = client.get(f"/matching/runs/{run.pk}/")
    html = page.content.decode()
    assert "稳定配对" in html and "互相更合适而未配对的组合" in html and page.context["method"] == "max_fit"
    stable = client.get(f"/matching/runs/{run.pk}/", {"method": "stable"})
    assert [(r["notice"].pk, r["partner"].partner.pk) for r in stable.context["rows"]] == [(a.pk, x.pk)]
    assert 'name="method" value="stable"' in stable.content.decode()

    sent = client.post(f"/matching/runs/{run.pk}/send/", {"method": "stable", "pair": [f"{a.pk}:{x.pk}"]})
    assert sent.status_code == 302
    run.refresh_from_db()
    assert run.invitations_sent and run.method == "stable"
    assert list(Pairing.objects.filter(run=run).values_list("notice_id", "partner_id")) == [(a.pk, x.pk)]
    # once sent, the page shows the pairing that was sent, whatever is asked for
    assert client.get(f"/matching/runs/{run.pk}/", {"method": "max_fit"}).context["method"] == "stable"


def test_sending_a_pair_of_the_other_option_invites_nobody(users, monkeypatch):
    from types import SimpleNamespace

    import numpy as np

    a = notice_published(users, title="甲村：坑塘养殖")
    b = notice_published(users, title="乙村：果蔬采摘", category="agri_processing")
    x = partner_verified(users)
    y = partner_verified(users, "wangwu", name="王五", kind="expert", profile="农产品加工技术专家")
    index = SimpleNamespace(notice_ids=[str(a.pk), str(b.pk)], partner_ids=[str(x.pk), str(y.pk)])
    monkeypatch.setattr(services, "county_matrix", lambda code: (index, np.array([[0.9, 0.8], [0.8, 0.0]])))
    run = services.pairing_run_create(user=users["county"], county_code=users["county"].region_code)
    # A–Y is in the max-fit proposal only: sent under "stable" it is not invited
    assert (
        services.pairing_run_send(
            user=users["county"], run=run, pairs=[(str(a.pk), str(y.pk))], method="stable"
        )
        == []
    )
    with pytest.raises(ApplicationError):
        services.pairing_run_send(user=users["county"], run=run, method="fastest")
