"""Only the actions a user may take: for every role and every state of notices, partners, pairings,
agreements, guarantees and funding rounds, a button the page shows is a step the service takes, and a
step it refuses has no button (``<entity>_actions_for`` against the service itself); a step done says
what happened and what comes next; and walking every detail page as every demo role, submitting every
form it shows, never meets a 403.

The objects are built once for the module (tests/actions_world.py) and every attempt runs in a
savepoint that is rolled back, so that each role meets the same states."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation

from tests.actions_world import COUNTY_A, FIGURES, World, build
from xiangcun.core.errors import ApplicationError
from xiangcun.core.inputs import parse

ROLES = ("city", "county", "county2", "town", "cadre", "partner", "public")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from xiangcun.accounts.models import User

    with django_db_blocker.unblock(), transaction.atomic():
        users = {u.username: u for u in User.objects.filter(is_demo=True)}
        yield users, build(users)
        transaction.set_rollback(True)


class _Undo(Exception):
    pass


def succeeds(action: Callable[[], Any]) -> bool:
    """Whether ``action`` (a service call) goes through; nothing it writes is kept."""
    try:
        with transaction.atomic():
            action()
            raise _Undo
    except _Undo:
        return True
    except ApplicationError:
        return False


def fresh(row: Any) -> Any:
    return type(row).objects.get(pk=row.pk)


def readers(users: dict[str, Any], w: World, key: str) -> Iterator[tuple[str, Any]]:
    """Every demo role, the anonymous visitor and the partner account party to the object."""
    for name in ROLES:
        yield name, users[name]
    yield "anonymous", AnonymousUser()
    if w.owners.get(key) is not None:
        yield "own", w.owners[key]


def keys(w: World, kind: str) -> list[str]:
    return [k for k in w.objects if k.startswith(kind + ".")]


def compare(shown: bool, done: bool, where: str, wrong: list[str], tally: dict[str, int]) -> None:
    if shown != done:
        wrong.append(
            f"{where}: button {'shown' if shown else 'hidden'}, service {'takes' if done else 'refuses'} it"
        )
    tally["shown" if shown else "hidden"] += 1


def _verdict(wrong: list[str], tally: dict[str, int], *, at_least: int) -> None:
    assert not wrong, "\n".join(wrong)
    # the comparison is effective: many steps were offered (and taken), many refused (and hidden)
    assert tally["shown"] >= at_least and tally["hidden"] >= at_least, tally


# --------------------------------------------------------------------------------------------------
# Role × state: what the page offers is what the service does
# --------------------------------------------------------------------------------------------------
def test_notice_buttons_are_the_steps_the_service_takes(world, db):  # type: ignore[no-untyped-def]
    from xiangcun.recruitment import selectors, services

    users, w = world
    wrong: list[str] = []
    tally = {"shown": 0, "hidden": 0}
    for key in keys(w, "notice"):
        for who, user in readers(users, w, key):
            shown = selectors.notice_actions_for(user, fresh(w[key]))
            for code in selectors.STEPS:
                done = succeeds(
                    lambda user=user, key=key, code=code: services.notice_transition(
                        user=user, notice=fresh(w[key]), action=code, reason="测试理由"
                    )
                )
                compare(code in shown, done, f"{who} · {key} · {code}", wrong, tally)
    _verdict(wrong, tally, at_least=12)


def test_partner_decisions_are_the_city_offices_on_profiles_awaiting_them(world, db):  # type: ignore[no-untyped-def]
    from xiangcun.partners import selectors, services

    users, w = world
    wrong: list[str] = []
    tally = {"shown": 0, "hidden": 0}
    for key in keys(w, "partner"):
        for who, user in readers(users, w, key):
            shown = selectors.partner_actions_for(user, fresh(w[key]))
            for code, verified in (("verify", True), ("refuse", False)):
                done = succeeds(
                    lambda user=user, key=key, verified=verified: services.partner_verify(
                        user=user, partner=fresh(w[key]), verified=verified, reason="测试理由"
                    )
                )
                compare(code in shown, done, f"{who} · {key} · {code}", wrong, tally)
    _verdict(wrong, tally, at_least=3)


def test_pairing_buttons_are_the_steps_of_the_party_who_sees_them(world, db):  # type: ignore[no-untyped-def]
    from xiangcun.matching import selectors, services
    from xiangcun.matching.models import PairingStatus

    users, w = world
    wrong: list[str] = []
    tally = {"shown": 0, "hidden": 0}
    targets = [s for s in PairingStatus.values if s != PairingStatus.INTENT]
    for key in keys(w, "pairing"):
        for who, user in readers(users, w, key):
            shown = {a.value for a in selectors.pairing_actions_for(user, fresh(w[key]))}
            for target in targets:
                done = succeeds(
                    lambda user=user, key=key, target=target: services.pairing_transition(
                        user=user, pairing=fresh(w[key]), to_status=target, reason="测试理由"
                    )
                )
                compare(target in shown, done, f"{who} · {key} · → {target}", wrong, tally)
    _verdict(wrong, tally, at_least=20)


def _agreement_attempts(agreement: Any) -> dict[str, Callable[[Any], Any]]:
    """Each action of an agreement's page as the service call its form makes."""
    from xiangcun.agreements import services
    from xiangcun.agreements.schemas import AgreementIn, AnswerIn, BackfillIn, ObjectionIn, SettlementIn
    from xiangcun.agreements.tests.factories import agreement_data, step

    def transition(to_status: str, **facts: Any) -> Callable[[Any], Any]:
        return lambda user: services.agreement_transition(
            user=user, agreement=fresh(agreement), step=step(to_status, **facts)
        )

    def answer(user: Any) -> Any:
        objection = agreement.objections.filter(answered_at__isnull=True).first()
        if objection is None:
            raise ApplicationError("没有待答复的异议")
        return services.objection_answer(
            user=user, objection=objection, answer=AnswerIn(answer="经核实，保底合理", outcome="dismissed")
        )

    return {
        "approve": transition(
            "approved",
            assembly_date="2024-01-05",
            assembly_attendees=30,
            assembly_present=25,
            assembly_votes_for=22,
        ),
        "publicize": transition("publicized"),
        "sign": transition("signed"),
        "in_force": transition("in_force"),
        "end": transition("ended", reason="测试终止"),
        "backfill": lambda user: services.agreement_backfill(
            user=user,
            agreement=fresh(agreement),
            record=parse(BackfillIn, {"publicity_start": "2024-01-10", "reason": "纸质公示已张贴"}),
        ),
        "objection": lambda user: services.objection_record(
            user=user,
            agreement=fresh(agreement),
            objection=ObjectionIn(raised_by="村民乙", content="分红太少"),
        ),
        "answer": answer,
        "settle": lambda user: services.settlement_run(
            user=user,
            agreement=fresh(agreement),
            settlement=parse(SettlementIn, {"year": 2024, "profit": "120000"}),
        ),
        "edit": lambda user: services.agreement_update(
            user=user,
            agreement=fresh(agreement),
            draft=parse(AgreementIn, agreement_data(agreement.village_id, title="按钮测试改名")),
        ),
    }


def test_agreement_buttons_are_the_steps_the_workflow_takes(world, db):  # type: ignore[no-untyped-def]
    from xiangcun.agreements import selectors

    users, w = world
    wrong: list[str] = []
    tally = {"shown": 0, "hidden": 0}
    for key in keys(w, "agreement"):
        for who, user in readers(users, w, key):
            shown = selectors.agreement_actions_for(user, fresh(w[key]))
            for code, attempt in _agreement_attempts(w[key]).items():
                done = succeeds(lambda attempt=attempt, user=user: attempt(user))
                compare(code in shown, done, f"{who} · {key} · {code}", wrong, tally)
    _verdict(wrong, tally, at_least=20)


def test_signing_waits_for_the_end_of_the_objection_period_and_the_answers(world, db):  # type: ignore[no-untyped-def]
    from xiangcun.agreements import selectors

    users, w = world
    county = users["county"]
    assert "sign" not in selectors.agreement_actions_for(county, fresh(w["agreement.publicizing"]))
    assert "sign" not in selectors.agreement_actions_for(county, fresh(w["agreement.objected"]))
    assert "sign" in selectors.agreement_actions_for(county, fresh(w["agreement.publicized_over"]))
    waiting = selectors.agreement_actions_for(users["cadre"], fresh(w["agreement.publicizing"])).status
    deadline = fresh(w["agreement.publicizing"]).objection_deadline
    assert str(waiting) == f"公示中，异议期至 {deadline:%Y-%m-%d}：期满且无异议后由县级或市级管理员确认签署"
    assert str(selectors.agreement_actions_for(county, fresh(w["agreement.objected"])).status) == (
        "公示期已满，尚有未答复的异议：答复后方可签署"
    )


def test_guarantee_payments_are_recorded_by_the_villages_officials(world, db):  # type: ignore[no-untyped-def]
    from xiangcun.agreements import selectors, services
    from xiangcun.agreements.schemas import GuaranteePaidIn

    users, w = world
    agreement = fresh(w["agreement.in_force"])
    row = next(r for r in selectors.guarantees_due(users["county"]) if r.agreement.pk == agreement.pk)
    wrong: list[str] = []
    tally = {"shown": 0, "hidden": 0}
    for who, user in readers(users, w, "agreement.in_force"):
        shown = "pay" in selectors.guarantee_actions_for(user, row)
        paid = GuaranteePaidIn(year=row.year, amount=row.amount, paid_on=timezone.localdate())
        done = succeeds(
            lambda user=user, paid=paid: services.guarantee_payment_record(
                user=user, agreement=fresh(agreement), payment=paid
            )
        )
        compare(shown, done, f"{who} · guarantee {row.year}", wrong, tally)
    _verdict(wrong, tally, at_least=3)


def test_funding_steps_are_the_city_offices_and_filing_the_countys(world, db):  # type: ignore[no-untyped-def]
    from xiangcun.funding import selectors, services
    from xiangcun.funding.schemas import FiguresIn

    users, w = world
    spare = w["agreement.in_force_spare"]
    wrong: list[str] = []
    tally = {"shown": 0, "hidden": 0}
    for key in keys(w, "round"):
        for who, user in readers(users, w, key):
            row = fresh(w[key])
            shown = selectors.round_actions_for(
                user, row, can_apply=bool(selectors.application_candidates_for(user, row))
            )
            unverified = row.applications.filter(verified=False).first()
            attempts: dict[str, Callable[[], Any]] = {
                "select": lambda user=user, row=row: services.round_select(
                    user=user, funding_round=fresh(row)
                ),
                "publish": lambda user=user, row=row: services.round_publish(
                    user=user, funding_round=fresh(row)
                ),
                "apply": lambda user=user, row=row: services.application_submit(
                    user=user, funding_round=fresh(row), agreement=spare, figures=parse(FiguresIn, FIGURES)
                ),
            }
            if unverified is not None:
                attempts["verify"] = lambda user=user, application=unverified: services.application_verify(
                    user=user, application=application
                )
            for code, attempt in attempts.items():
                compare(code in shown, succeeds(attempt), f"{who} · {key} · {code}", wrong, tally)
    _verdict(wrong, tally, at_least=5)


# --------------------------------------------------------------------------------------------------
# Labels, confirmations, who acts next
# --------------------------------------------------------------------------------------------------
def test_buttons_are_named_by_the_verb_and_irreversible_steps_ask_first(world, db, client_as):  # type: ignore[no-untyped-def]
    _, w = world
    page = client_as("county").get(f"/agreements/{w['agreement.approved'].pk}/").content.decode()
    assert re.search(
        r'class="primary" data-action="publicize" data-confirm="确认进入公示？[^"]+">进入公示</button>', page
    )
    assert ">公示中</button>" not in page and ">已签署</button>" not in page
    page = client_as("county").get(f"/matching/pairings/{w['pairing.negotiating'].pk}/").content.decode()
    assert re.search(r'class="primary" data-action="sign" data-confirm="[^"]+">确认签约</button>', page)
    assert re.search(r'class="danger" data-action="withdraw" data-confirm="[^"]+">退出对接</button>', page)
    # the cadre may withdraw but not sign: told who signs instead
    page = client_as("cadre").get(f"/matching/pairings/{w['pairing.negotiating'].pk}/").content.decode()
    assert "确认签约</button>" not in page and "进入“签约”" not in page
    assert '<p class="action-status">洽谈中：谈妥后由县级或市级管理员确认签约</p>' in page
    # the invited partner accepts or declines (declining asks first and takes a reason)
    client = Client()
    client.force_login(w.owners["pairing.invited"])
    page = client.get(f"/matching/pairings/{w['pairing.invited'].pk}/").content.decode()
    assert 'data-action="accept">接受邀请</button>' in page
    assert re.search(r'class="secondary" data-action="decline" data-confirm="[^"]+">谢绝邀请</button>', page)
    assert 'placeholder="谢绝理由"' in page
    # a notice awaiting the town: the town approves or returns it, the cadre is told who acts
    page = client_as("town").get(f"/notices/{w['notice.submitted'].pk}/").content.decode()
    assert 'data-action="approve">批准</button>' in page and 'data-action="reject">退回修改</button>' in page
    page = client_as("cadre").get(f"/notices/{w['notice.submitted'].pk}/").content.decode()
    assert "批准</button>" not in page and '<p class="action-status">等待乡镇管理员审核</p>' in page
    page = client_as("county").get(f"/notices/{w['notice.approved'].pk}/").content.decode()
    assert re.search(r'data-action="publish" data-confirm="确认发布该招募令？[^"]+">发布</button>', page)
    # the draft whose deadline is today: no 提交审核, and why
    page = client_as("cadre").get(f"/notices/{w['notice.late_draft'].pk}/").content.decode()
    assert "提交审核</button>" not in page and "修改截止日期后方可提交审核" in page


def test_the_confirmation_is_asked_by_site_js_from_the_data_attribute() -> None:
    from pathlib import Path

    script = (Path(__file__).resolve().parent.parent / "src/xiangcun/web/static/web/site.js").read_text()
    assert 'getAttribute("data-confirm")' in script and "window.confirm(question)" in script
    assert "ev.preventDefault()" in script.split('addEventListener("submit"', 1)[1].split("});", 1)[0]


# --------------------------------------------------------------------------------------------------
# A step done says what happened and what comes next
# --------------------------------------------------------------------------------------------------
def _flash(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_a_step_done_says_what_happened_and_what_comes_next(world, db, client_as):  # type: ignore[no-untyped-def]
    from xiangcun.core.tests.clock import server_date

    _, w = world
    approved = w["agreement.approved"]
    with server_date(dt.date(2026, 12, 3)):  # a Thursday: the fifth working day is next Wednesday
        response = client_as("county").post(
            f"/agreements/{approved.pk}/step/",
            {"to_status": "publicized", "expected_status": "approved"},
            follow=True,
        )
    assert _flash(response) == ["已进入公示，公示期至 2026-12-09（5 个工作日）。期满且无异议后可确认签署。"]

    notice = w["notice.draft"]
    response = client_as("cadre").post(
        f"/notices/{notice.pk}/transition/", {"action": "submit", "expected_status": "draft"}, follow=True
    )
    assert _flash(response) == ["已提交乡镇审核。乡镇管理员批准后，由县级管理员发布。"]
    response = client_as("town").post(
        f"/notices/{w['notice.approved_city'].pk}/transition/",
        {"action": "reject", "reason": "面积不清", "expected_status": "approved"},
        follow=True,
    )
    assert _flash(response) == ["已退回修改，退回理由已告知起草人。修改后可重新提交审核。"]

    response = client_as("county").post(
        f"/matching/pairings/{w['pairing.negotiating'].pk}/step/",
        {"to_status": "signed", "expected_status": "negotiating"},
        follow=True,
    )
    assert _flash(response) == ["已确认签约。下一步：起草合作协议，经村民代表大会通过并公示后签署。"]

    response = client_as("city").post(
        f"/partners/{w['partner.pending'].pk}/verify/",
        {"decision": "verify", "expected_status": "pending"},
        follow=True,
    )
    assert _flash(response) == ["已通过核验。该合伙人的资料已公开，可参与匹配并收到推荐的招募令。"]

    with server_date(dt.date(2026, 12, 3)):
        response = client_as("city").post(
            f"/funding/{w['round.selected'].pk}/publish/", {"expected_status": "selected"}, follow=True
        )
    assert _flash(response) == ["已发布公示，公示期至 2026-12-09（5 个工作日）。"]

    # a refused step says why, and no success
    response = client_as("county").post(
        f"/agreements/{w['agreement.publicizing'].pk}/step/",
        {"to_status": "signed", "expected_status": "publicized"},
        follow=True,
    )
    assert response.status_code == 200 and all("已签署" not in m for m in _flash(response))
    assert any("期满后方可签署" in m for m in _flash(response))


def test_the_messages_are_in_english_on_an_english_page(world, db):  # type: ignore[no-untyped-def]
    from xiangcun.agreements import selectors as agreements
    from xiangcun.matching import selectors as matching

    _, w = world
    with translation.override("en"):
        assert str(matching.pairing_step_done(matching.PAIRING_STEPS["sign"])).startswith(
            "Signing confirmed."
        )
        assert str(matching.PAIRING_STEPS["decline"].button.label) == "Decline the invitation"
        text = str(agreements.agreement_step_done(fresh(w["agreement.publicizing"])))
        assert text.startswith("The public notice has started and runs until ") and "5 working days" in text


# --------------------------------------------------------------------------------------------------
# Contacts from 洽谈 on: the partner reaches the village, the village and its officials the partner
# --------------------------------------------------------------------------------------------------
def _reads() -> list[tuple[Any, ...]]:
    from xiangcun.accounts.models import PersonalDataRead

    return list(
        PersonalDataRead.objects.order_by("id").values_list(
            "reader__username", "record_model", "record_pk", "purpose"
        )
    )


def test_from_negotiation_on_each_side_sees_the_other_in_full_and_every_view_is_logged(world, db):  # type: ignore[no-untyped-def]
    from xiangcun.accounts.models import PersonalDataRead
    from xiangcun.matching.selectors import PURPOSE_PAIRING_PARTNER, PURPOSE_PAIRING_VILLAGE

    users, w = world
    pairing = fresh(w["pairing.negotiating"])
    village, partner = pairing.notice.village, pairing.partner
    assert village.contact_phone and partner.phone
    url = f"/matching/pairings/{pairing.pk}/contact/"
    own = Client()
    own.force_login(w.owners["pairing.negotiating"])

    # The pairing's page shows the other side masked, with the way to see it in full
    page = own.get(f"/matching/pairings/{pairing.pk}/").content.decode()
    assert village.contact_phone not in page and village.contact_phone[-4:] in page
    assert f'hx-get="{url}"' in page and "显示联系方式" in page
    assert PersonalDataRead.objects.count() == 0

    # The partner sees the village's contact cadre in full: one row of the read log
    shown = own.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert village.contact_phone in shown and village.contact_name in shown
    assert _reads() == [(partner.user.username, "regions.village", village.code, PURPOSE_PAIRING_VILLAGE)]

    # The village's cadre and the officials whose region holds it see the partner in full, each logged
    for name in ("cadre", "town", "county", "city"):
        client = Client()
        client.force_login(users[name])
        shown = client.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert partner.phone in shown and partner.name in shown, name
        assert _reads()[-1] == (name, "partners.partner", str(partner.pk), PURPOSE_PAIRING_PARTNER)
    row = PersonalDataRead.objects.order_by("-id").first()
    assert row is not None and row.subject_id == partner.user_id and set(row.fields) >= {"name", "phone"}
    assert PersonalDataRead.objects.count() == 5

    # Everyone else is refused, and nothing is logged for them
    for name in ("county2", "partner", "public"):
        client = Client()
        client.force_login(users[name])
        assert client.get(url).status_code == 403, name
    assert Client().get(url).status_code in (302, 401)
    assert PersonalDataRead.objects.count() == 5

    # Without JavaScript the link is a small page of its own, in full and logged the same
    page = own.get(url)
    assert (
        page.status_code == 200
        and "<html" in page.content.decode()
        and village.contact_phone in page.content.decode()
    )
    assert PersonalDataRead.objects.count() == 6


def test_before_negotiation_and_after_a_withdrawal_the_contacts_stay_masked(world, db):  # type: ignore[no-untyped-def]
    from xiangcun.accounts.models import PersonalDataRead

    users, w = world
    for key in ("pairing.intent", "pairing.invited", "pairing.withdrawn"):
        pairing = fresh(w[key])
        url = f"/matching/pairings/{pairing.pk}/contact/"
        village, partner = pairing.notice.village, pairing.partner
        own = Client()
        own.force_login(w.owners[key])
        shown = own.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert village.contact_phone not in shown and village.contact_phone[-4:] in shown, key
        assert "显示联系方式" not in shown
        county = Client()
        county.force_login(users["county"])
        shown = county.get(url, HTTP_HX_REQUEST="true").content.decode()
        assert partner.phone not in shown and partner.phone[-4:] in shown, key
    invited = Client()
    invited.force_login(w.owners["pairing.invited"])
    page = invited.get(f"/matching/pairings/{w['pairing.invited'].pk}/").content.decode()
    assert "对接进入洽谈后，双方可在本页查看对方的姓名和电话。" in page
    assert PersonalDataRead.objects.count() == 0


def test_signed_and_performing_pairings_keep_the_contacts_open(world, db):  # type: ignore[no-untyped-def]
    users, w = world
    for key in ("pairing.signed", "pairing.performing"):
        pairing = fresh(w[key])
        client = Client()
        client.force_login(users["cadre"])
        assert (
            pairing.partner.phone in client.get(f"/matching/pairings/{pairing.pk}/contact/").content.decode()
        )


def test_the_contacts_never_reach_a_public_page(world, db, client):  # type: ignore[no-untyped-def]
    _, w = world
    pairing = fresh(w["pairing.negotiating"])
    for url in (
        f"/notices/{pairing.notice_id}/",
        f"/villages/{pairing.notice.village_id}/",
        f"/partners/{pairing.partner_id}/",
        "/notices/",
    ):
        text = client.get(url).content.decode()
        assert pairing.partner.phone not in text and pairing.notice.village.contact_phone not in text, url


# --------------------------------------------------------------------------------------------------
# Walking the pages: no button leads to a 403
# --------------------------------------------------------------------------------------------------
class _Forms(HTMLParser):
    """The POST forms inside <main>: their action, fields and submit buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.in_main = False
        self.form: dict[str, Any] | None = None
        self.select: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "main":
            self.in_main = True
        if not self.in_main:
            return
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.form = {"action": a.get("action", ""), "fields": [], "buttons": []}
            self.forms.append(self.form)
        elif self.form is None:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind == "submit":
                self.form["buttons"].append((a.get("name", ""), a.get("value", ""), a.get("value", "")))
            elif kind not in ("file",):
                self.form["fields"].append({"tag": "input", **a, "type": kind})
        elif tag == "textarea":
            self.form["fields"].append({"tag": "textarea", **a})
        elif tag == "select":
            self.select = {"tag": "select", **a, "options": []}
            self.form["fields"].append(self.select)
        elif tag == "option" and self.select is not None:
            self.select["options"].append(a.get("value", ""))
        elif tag == "button" and a.get("type", "submit") == "submit":
            self.form["buttons"].append((a.get("name", ""), a.get("value", ""), a.get("data-action", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main = False
        elif tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


SAMPLES = {
    "reason": "测试理由",
    "note": "测试记录",
    "raised_by": "村民甲",
    "content": "异议内容",
    "answer": "答复内容",
    "assembly_attendees": "9",
    "assembly_present": "9",
    "assembly_votes_for": "9",
    "year": "2025",
    "profit": "100000",
    "social_benefit": "80",
}


def _data(form: dict[str, Any], button: tuple[str, str, str]) -> dict[str, Any]:
    """What a person filling the form's required fields sends (and its checked pairs)."""
    today = timezone.localdate().isoformat()
    data: dict[str, Any] = {}
    for f in form["fields"]:
        name = f.get("name")
        if not name:
            continue
        if f["tag"] == "select":
            data[name] = next((o for o in f["options"] if o), "")
        elif f.get("type") == "hidden":
            data[name] = f.get("value", "")
        elif f.get("type") == "checkbox":
            if "disabled" not in f:
                data.setdefault(name, []).append(f.get("value", "on"))
        elif name in SAMPLES:
            data[name] = SAMPLES[name]
        elif f.get("type") == "date":
            data[name] = today if "required" in f else ""
        elif "required" in f:
            data[name] = "100000" if f.get("inputmode") in ("decimal", "numeric") else "测试"
    if button[0]:
        data[button[0]] = button[1]
    return data


def _pages(w: World) -> list[tuple[str, str]]:
    pages = []
    for key, row in w.objects.items():
        kind = key.split(".")[0]
        url = {
            "notice": f"/notices/{row.pk}/",
            "partner": f"/partners/{row.pk}/",
            "pairing": f"/matching/pairings/{row.pk}/",
            "agreement": f"/agreements/{row.pk}/",
            "round": f"/funding/{row.pk}/",
            "run": f"/matching/runs/{row.pk}/",
        }[kind]
        pages.append((key, url))
    pages.append(("agreement.in_force", f"/agreements/{w['agreement.in_force'].pk}/settlements/2025/"))
    pages += [("", "/partners/queue/"), ("", "/agreements/guarantees/"), ("", "/notices/batches/")]
    return pages


def test_no_button_a_user_sees_leads_to_a_403(world, db):  # type: ignore[no-untyped-def]
    users, w = world
    problems: list[str] = []
    submitted: dict[str, int] = {}
    for key, url in _pages(w):
        people = list(readers(users, w, key)) if key else [(n, users[n]) for n in ROLES]
        for who, user in people:
            if who == "anonymous":
                continue
            client = Client(raise_request_exception=False)
            client.force_login(user)
            page = client.get(url)
            if page.status_code != 200:
                continue
            parser = _Forms()
            parser.feed(page.content.decode())
            for form in parser.forms:
                for button in form["buttons"] or [("", "", "")]:
                    try:
                        with transaction.atomic():
                            response = client.post(form["action"] or url, _data(form, button))
                            raise _Undo
                    except _Undo:
                        pass
                    where = f"{who} on {url}: {form['action']} [{button[2] or button[1]}]"
                    if response.status_code in (401, 403) or response.status_code >= 500:
                        problems.append(f"{where} → {response.status_code}")
                    submitted[who] = submitted.get(who, 0) + 1
    assert not problems, "\n".join(problems)
    # every role that acts met forms to submit (the walk is effective)
    for who in ("city", "county", "town", "cadre", "own"):
        assert submitted.get(who, 0) >= 3, submitted
    assert sum(submitted.values()) >= 60, submitted


def test_the_county_review_offers_the_invitations_until_they_are_sent(world, db, client_as):  # type: ignore[no-untyped-def]
    from xiangcun.matching.models import PairingRun

    _, w = world
    run = w["run.review"]
    assert run.county_id == COUNTY_A and run.proposal.get("pairs"), "the run proposes at least one pair"
    for name in ("county", "city"):
        page = client_as(name).get(f"/matching/runs/{run.pk}/").content.decode()
        assert re.search(r'data-action="send" data-confirm="[^"]+">向勾选的组合发出对接邀请</button>', page)
    PairingRun.objects.filter(pk=run.pk).update(invitations_sent=True)
    page = client_as("county").get(f"/matching/runs/{run.pk}/").content.decode()
    assert "向勾选的组合发出对接邀请</button>" not in page and "该方案的对接邀请已发出" in page
