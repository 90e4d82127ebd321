"""The tour: the whole partner loop walked in the browser by the people who do it (issue 12, "Done when").

From the home page, using only links, buttons and forms — each role's browser context opens "/" once
and goes on by clicking: the cadre drafts a notice → the town approves it → the county publishes it →
a visitor says 我要合作 on it and registers as a partner → the city verifies them → the partner sees the
notice recommended and says 我要合作 → the county runs the pairing for its remaining notices, reviews
and invites → the invited partner accepts → the cadre starts 洽谈 on the interest and notes the site
visit → the county records 签约 → the cadre drafts the agreement → 村民代表大会 → 公示 → after the
objection period the county signs it and puts it in force → the cadre settles the year → the household
statement PDF. Along the way it reads each role's desk (工作台): every to-do a step creates or clears
is counted before and after it.

Why two partners: a partner's 我要合作 opens a pairing (意向) and the county's pairing run only pairs
notices and partners that have none (``matching.selectors.county_pool``), so the run cannot invite the
partner who already said 我要合作 on that notice. The new partner's interest carries the loop on; the run
invites a second partner (张三丰, a verified partner of the test world) to the county's other notice,
who accepts.

Every label and selector the tour clicks, fills or reads is in the table below: ``COMMON`` (log-in,
desk), ``TODOS`` (the desk's to-do titles) and ``STEPS`` (each step's role and its links, buttons and
fields); buttons are named by their verb (``verb(...)``: an exact name).

The server's calendar: 公示 is dated by the server (``timezone.localdate()``) and its objection period
runs in working days. The live server runs in this process (a thread), so ``server_calendar`` moves
its "today" (``core.tests.clock.server_date``) past the objection deadline read off the agreement page;
``timezone.now()`` (record times) is left alone.

Screenshots: one per step, named after the step. ``XIANGCUN_TOUR_DIR=docs/tour`` (``make tour``)
writes them there with docs/tour/README.md; otherwise they go to a temporary directory, and the test
checks that docs/tour/README.md lists the steps of ``STEPS``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from xiangcun.accounts.services import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "docs" / "tour" / "README.md"
VIEWPORT = {"width": 1280, "height": 860}
PARTNER_PASSWORD = "tour-password-2026"
SECOND_PARTNER_PASSWORD = "a-long-password-1"  # partners.tests.factories.partner_registered's


def verb(*names: str) -> re.Pattern[str]:
    """A button or link named exactly one of ``names``: today's label first, then the verb table's
    (issue 12, /work/wt/brief/verbs.md) — the tour passes before and after the rename."""
    return re.compile("^(?:" + "|".join(re.escape(n) for n in names) + ")$")


Label = str | re.Pattern[str]


@dataclass(frozen=True)
class Step:
    shot: str  # the screenshot's name (docs/tour/<shot>.png) and the step's key
    role: str  # whose browser context
    line: str  # its line in docs/tour/README.md
    ui: Mapping[str, Label]


# ------------------------------------------------------------------------------------------------
# EVERY label and selector the tour uses, step by step (role → links, buttons, fields).
# ------------------------------------------------------------------------------------------------
COMMON: Mapping[str, Label] = {
    "login": "登录",  # header link, and the form's button
    "username": "用户名",
    "password": "密码",
    "desk": "管理",  # main menu → 工作台
    "todo": '[data-todo="{kind}"]',  # a to-do on the desk (web/manage.html), pending or done
    "todo_count": ".todo-count",
    "todo_item": ".todo-items a",
    "todo_head": ".todo-head",
    "cooperate": "#cooperate",  # the notice page's 我要合作 section
    "row": "tbody > tr",  # a row of a list (the verification queue, the pairing proposal)
    "notification": "#inbox-heading",  # the desk's 未读通知 section
}
# Each to-do kind the tour counts, with the title the desk shows for it.
TODOS: Mapping[str, str] = {
    "notice.approve": "待审核招募令",
    "notice.publish.county": "待发布的县级招募令",
    "partner.verify": "待认证的合伙人",
    "pairing_run.review": "待审阅的配对方案（邀请尚未发出）",
    "pairing.invitation": "待回复的对接邀请",
    "pairing.negotiating": "洽谈中的对接",
    "agreement.partner_sign": "待签署的协议",
    "agreement.sign": "公示期满、待签署的协议",
}
STEPS: tuple[Step, ...] = (
    Step(
        "01-cadre-drafts-notice",
        "cadre",
        "The cadre opens 起草招募令 on the desk, fills in the project, the resource and the investment range, and saves the draft.",
        {
            "draft": "起草招募令",
            "title": "标题",
            # the village picker: a cadre's own village is chosen already ("已选：…")
            "village": "所在村",
            "village_chosen": ".picker-chosen",
            "category": "项目类别",
            "category_option": "文旅研学",
            "kind": "创业者",
            "form": "资金合作",
            "min": "投资下限（万元）",
            "max": "投资上限（万元）",
            "resource_kind": "提供的资源：类型",
            "resource_option": "闲置校舍/厂房",
            "resource_area": "面积/数量",
            "resource_unit": "单位",
            "unit_option": "平方米",
            "description": "项目介绍",
            "contact": "联系方式",
            "deadline": "截止日期",
            "save": verb("保存草稿"),
        },
    ),
    Step(
        "02-cadre-submits-notice",
        "cadre",
        "The cadre submits it for the town's review: the town's 待审核招募令 goes 0 → 1.",
        {"submit": verb("提交审核")},
    ),
    Step(
        "03-town-approves-notice",
        "town",
        "The town official opens it from the desk's to-do and approves it: 待审核 1 → 0, the county's 待发布的县级招募令 0 → 1.",
        {"approve": verb("批准")},
    ),
    Step(
        "04-county-publishes-notice",
        "county",
        "The county official opens it from the desk's to-do and publishes it: 待发布 1 → 0; it is on the home page's 最新招募令.",
        {"publish": verb("发布")},
    ),
    Step(
        "05-visitor-registers-from-notice",
        "newcomer",
        "A visitor opens the notice from the home page, presses 我要合作 → 注册成为合伙人, registers and is back on the notice (awaiting verification): the city's 待认证的合伙人 +1.",
        {
            "cooperate": "我要合作",
            "register": "注册成为合伙人",
            "username": "用户名",
            "password": "密码（至少 10 位）",
            "name": "姓名或机构名称",
            "kind": "合伙人类型",
            "kind_option": "创业者",
            "contact": "联系人",
            "phone": "手机号",
            "id_number": "身份证号/统一社会信用代码",
            "home": "籍贯县（市、区）",
            "home_option": "东昌府区",
            "capital_min": "可投入资金下限（万元）",
            "capital_max": "可投入资金上限（万元）",
            "skills": "专长（用顿号或逗号分隔）",
            "county": "东昌府区",
            "category": "文旅研学",
            "form": "资金合作",
            "resource": "闲置校舍/厂房",
            "profile": "个人/机构简介",
            "consent": "我已阅读并同意",
            "send": verb("提交注册"),
        },
    ),
    Step(
        "06-city-verifies-partner",
        "city",
        "The city office opens the verification queue from its desk and verifies the new partner: 待认证 −1.",
        {"verify": verb("通过核验")},
    ),
    Step(
        "07-partner-says-cooperate",
        "newcomer",
        "The partner finds the notice among 为我推荐的招募令, leaves a note and presses 我要合作: a pairing at 意向.",
        {
            "recommended": "为我推荐的招募令",
            "note": "留言",
            "cooperate": verb("我要合作"),
        },
    ),
    Step(
        "08-county-runs-pairing",
        "county",
        "The county runs 县域一对一配对 over its other free notices and partners: the desk's 待审阅的配对方案 goes 0 → 1.",
        {"pairing": "县域一对一配对", "run": verb("运行配对")},
    ),
    Step(
        "09-county-reviews-and-invites",
        "county",
        "The county opens the proposal from the to-do, ticks the pair and sends the invitation: 待审阅 1 → 0, the invited partner's 待回复的对接邀请 0 → 1.",
        {"send": verb("向勾选的组合发出对接邀请")},
    ),
    Step(
        "10-invited-partner-accepts",
        "invited",
        "The invited partner opens the invitation from the desk's to-do and accepts it: 待回复 1 → 0.",
        {"accept": verb("接受邀请")},
    ),
    Step(
        "11-cadre-starts-talks",
        "cadre",
        "The cadre opens the partner's 合作意向 from the desk's notifications and starts 洽谈: 洽谈中的对接 0 → 1.",
        {
            "interest": "合伙人对招募令表达了合作意向：{notice}",
            "start": verb("开始洽谈"),
        },
    ),
    Step(
        "12-cadre-notes-site-visit",
        "cadre",
        "The cadre records the site visit (date and note) from the desk's to-do.",
        {"date": "考察或洽谈日期", "note": "记录", "add": verb("添加洽谈记录")},
    ),
    Step(
        "13-county-records-signing",
        "county",
        "The county opens the pairing in 我的对接 (洽谈) and records 签约: the cadre's 洽谈中的对接 1 → 0.",
        {
            "mine": "我的对接",
            "negotiating": re.compile(r"^洽谈（\d+）$"),
            "sign": verb("确认签约"),
        },
    ),
    Step(
        "14-cadre-drafts-agreement",
        "cadre",
        "The cadre opens the pairing at 签约 and presses 起草协议: the draft comes pre-filled (the village, the partner linked to their account, the notice's school building with its area); the cadre adds the term, the guarantee, the building's valuation and the household roster, and saves it; the shares are computed.",
        {
            "mine": "我的对接",
            "signed": re.compile(r"^签约（\d+）$"),
            "draft": "起草协议",
            "title": "项目名称",
            "start": "合作期起",
            "end": "合作期止",
            "guarantee": "村集体年度保底收益（元）",
            "profit": "预计正常年份可分配利润（元）",
            "partner_linked": "已关联合伙人账号：{name}",
            "row": "[name=row{i}_{field}]",
            "members": "成员股名册（每行：户编号 户主 股数）",
            "save": verb("保存草稿（计算股份）"),
        },
    ),
    Step(
        "15-cadre-records-assembly",
        "cadre",
        "The cadre records the 村民代表大会 (date, representatives, votes): the partner's 待签署的协议 0 → 1.",
        {
            "date": "村民代表大会日期",
            "attendees": "应到",
            "present": "实到",
            "votes": "赞成",
            "resolution": "决议摘要",
            "record": verb("登记村民代表大会决议"),
        },
    ),
    Step(
        "16-cadre-starts-publicity",
        "cadre",
        "The cadre starts the 公示: from the server's today, 5 working days for objections.",
        {"publicize": verb("进入公示"), "deadline": r"异议截止\s*(\d{4}-\d{2}-\d{2})"},
    ),
    Step(
        "17-county-signs-after-publicity",
        "county",
        "After the objection period (the server's calendar moved past the deadline) the county's 公示期满、待签署的协议 goes 0 → 1; the county signs: 1 → 0, and the partner's 待签署 1 → 0.",
        {"sign": verb("确认签署")},
    ),
    Step(
        "18-county-puts-in-force",
        "county",
        "The county puts the agreement in force (履行中).",
        {"agreements": "合伙人协议", "in_force": verb("确认生效")},
    ),
    Step(
        "19-cadre-settles-year",
        "cadre",
        "The cadre settles the year on the agreement page (distributable profit, households' labour income): the distribution to households.",
        {
            "agreements": "合伙人协议",
            "year": "年度",
            "profit": "可分配利润（元，可为负）",
            "labour": "劳务收入（每行：户编号 金额）",
            "settle": verb("计算年度分配"),
        },
    ),
    Step(
        "20-household-statement-pdf",
        "cadre",
        "The cadre downloads household H001's statement PDF (收益清单) from the settlement page.",
        {"pdf": verb("H001 收益清单 PDF")},
    ),
)
UI: Mapping[str, Mapping[str, Label]] = {s.shot: s.ui for s in STEPS}

# The people of the tour: the demo accounts, the visitor who registers, the partner the run invites.
LOGINS: Mapping[str, tuple[str, str]] = {
    "cadre": ("cadre", DEMO_PASSWORD),
    "town": ("town", DEMO_PASSWORD),
    "county": ("county", DEMO_PASSWORD),
    "city": ("city", DEMO_PASSWORD),
    "invited": ("zhangsan", SECOND_PARTNER_PASSWORD),
}
# The titles, after the villages' names: "{village}闲置校舍研学基地招募合伙人".
NOTICE = "{village}闲置校舍研学基地招募合伙人"
OTHER_NOTICE = "{village}农家乐采摘园项目招募合伙人"
AGREEMENT = "{village}闲置校舍研学基地"
NEWCOMER = "王晓明"
HOUSEHOLDS = (("H001", "张大山", 3), ("H002", "李秀英", 2), ("H003", "王建国", 1))


def readme_text() -> str:
    lines = [
        "# The tour: the partner loop, step by step",
        "",
        "Screenshots of `tests/browser/test_tour.py`, which walks the whole loop in the browser (links,",
        "buttons and forms only, from the home page) and checks each role's desk (工作台) on the way.",
        "`make tour` regenerates them.",
        "",
    ]
    lines += [f"{i}. [`{s.shot}.png`]({s.shot}.png) — {s.role}: {s.line}" for i, s in enumerate(STEPS, 1)]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------
# The world and the server's calendar
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def server_calendar() -> Iterator[Callable[[dt.date], None]]:
    """``move_to(day)``: from now on the live server's ``timezone.localdate()`` is ``day`` (the live
    server is a thread of this process, so patching the function moves its calendar too)."""
    from xiangcun.core.tests.clock import server_date

    with ExitStack() as stack:
        yield lambda day: stack.enter_context(server_date(day))


@pytest.fixture
def tour_world():  # type: ignore[no-untyped-def]
    """Besides the demo regions and users: a published notice in another village of the demo county
    (孙村, by the town's official) and a verified partner who fits it — what the county's pairing run
    pairs once the tour's own notice and partner are in a pairing."""
    from xiangcun.accounts.models import User
    from xiangcun.partners.tests.factories import partner_verified
    from xiangcun.recruitment.tests.factories import notice_published
    from xiangcun.regions.models import Village

    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    cadre_village = Village.objects.get(code=users["cadre"].region_code)
    neighbour = (
        Village.objects.filter(town_id=cadre_village.town_id)
        .exclude(code=cadre_village.code)
        .order_by("code")
    ).first()
    notice_published(
        users,
        author="town",
        title=OTHER_NOTICE.format(village=neighbour.name),
        village_codes=[neighbour.code],
    )
    partner_verified(users, username="zhangsan")
    return {"village": cadre_village, "neighbour": neighbour}


# ------------------------------------------------------------------------------------------------
# The tour's browser: one context per role, each opened once at "/"
# ------------------------------------------------------------------------------------------------
class Tour:
    def __init__(self, browser: Any, base: str, shots: Path) -> None:
        self.browser, self.base, self.shots = browser, base, shots
        self.pages: dict[str, Any] = {}
        self.timings: list[tuple[str, float]] = []

    def page(self, role: str) -> Any:
        """The role's page: a new context at the home page, logged in through the 登录 link."""
        if role not in self.pages:
            context = self.browser.new_context(locale="zh-CN", viewport=VIEWPORT)
            page = context.new_page()
            page.on("dialog", lambda d: d.accept())  # a confirmation of an irreversible step
            page.goto(self.base + "/")  # the only typed URL of each role
            if role in LOGINS:
                username, password = LOGINS[role]
                page.get_by_role("link", name=COMMON["login"], exact=True).click()
                page.get_by_label(COMMON["username"]).fill(username)
                page.get_by_label(COMMON["password"]).fill(password)
                page.get_by_role("button", name=COMMON["login"], exact=True).click()
                page.wait_for_load_state()
                assert page.get_by_role("link", name=COMMON["desk"], exact=True).is_visible()
            self.pages[role] = page
        return self.pages[role]

    @contextmanager
    def step(self, shot: str) -> Iterator[tuple[Any, Mapping[str, Label]]]:
        """Run one step on its role's page; its screenshot when it is done."""
        step = next(s for s in STEPS if s.shot == shot)
        started = time.perf_counter()
        page = self.page(step.role)
        yield page, step.ui
        page.wait_for_load_state()
        page.screenshot(path=str(self.shots / f"{shot}.png"))
        self.timings.append((shot, time.perf_counter() - started))
        print(f"{shot}: {time.perf_counter() - started:.1f} s", flush=True)

    def desk(self, role: str) -> dict[str, int]:
        """The role's desk (工作台) through the main menu: each counted to-do kind → its count."""
        page = self.page(role)
        page.get_by_role("link", name=COMMON["desk"], exact=True).click()
        page.wait_for_load_state()
        counts: dict[str, int] = {}
        for kind, title in TODOS.items():
            todo = page.locator(str(COMMON["todo"]).format(kind=kind))
            if todo.count():
                assert title in todo.inner_text(), (kind, todo.inner_text())
                counts[kind] = int(todo.locator(str(COMMON["todo_count"])).inner_text().replace(",", ""))
        return counts

    def open_todo(self, role: str, kind: str, label: str) -> Any:
        """On the role's desk, the to-do of ``kind`` → the case named ``label`` (where it is done)."""
        page = self.page(role)
        todo = page.locator(str(COMMON["todo"]).format(kind=kind))
        todo.locator(str(COMMON["todo_item"]), has_text=label).first.click()
        page.wait_for_load_state()
        return page


def button(page: Any, name: Label) -> Any:
    return page.get_by_role("button", name=name)


def link(page: Any, name: Label) -> Any:
    return (
        page.get_by_role("link", name=name, exact=True)
        if isinstance(name, str)
        else page.get_by_role("link", name=name)
    )


def pick_village(page: Any, ui: Mapping[str, Label], village: Any) -> None:
    """The notice's village: the picker has the cadre's own village chosen already (no code typed)."""
    assert village.name in page.locator(str(ui["village_chosen"])).first.inner_text()


def open_agreement_draft(page: Any, ui: Mapping[str, Label], notice_title: str) -> None:
    """To the drafting form from the pairing at 签约: 我的对接 → 签约 → the pairing → 起草协议."""
    link(page, COMMON["desk"]).click()
    link(page, ui["mine"]).click()
    link(page, ui["signed"]).click()
    link(page, notice_title).click()
    link(page, ui["draft"]).click()


def fill_agreement_draft(
    page: Any, ui: Mapping[str, Label], *, title: str, partner_name: str, start: dt.date
) -> None:
    """What the pairing cannot know: the project's own name (the notice's title is filled in), the
    term, the guarantee, the expected profit, the school building's valuation (the notice gives its
    area) and the household roster."""
    page.get_by_label(ui["title"]).fill(title)
    page.get_by_label(ui["start"]).fill(start.isoformat())
    page.get_by_label(ui["end"]).fill(start.replace(year=start.year + 10).isoformat())
    page.get_by_label(ui["guarantee"]).fill("50000")
    page.get_by_label(ui["profit"]).fill("300000")

    def row(i: int, field: str) -> Any:
        return page.locator(str(ui["row"]).format(i=i, field=field))

    # row 0: the collective's school building (kind 房屋, its area from the notice); row 1: the partner
    assert row(0, "kind").input_value() == "house" and float(row(0, "area_m2").input_value()) == 1200
    for field, value in (("rebuild_cost_per_m2", "1500"), ("age_years", "20"), ("useful_life_years", "50")):
        row(0, field).fill(value)
    assert row(1, "role").input_value() == "partner"
    assert str(ui["partner_linked"]).format(name=partner_name) in page.inner_text("main")
    row(1, "amount").fill("1200000")
    page.get_by_label(ui["members"]).fill("\n".join(f"{h} {name} {n}" for h, name, n in HOUSEHOLDS))


# ------------------------------------------------------------------------------------------------
# The tour
# ------------------------------------------------------------------------------------------------
def test_the_tour_walks_the_whole_loop_through_the_browser(
    live_server, browser, tour_world, server_calendar, tmp_path
):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from xiangcun.partners.models import Partner

    out = os.environ.get("XIANGCUN_TOUR_DIR")
    shots = ROOT / out if out else tmp_path  # a relative directory is the repository's
    shots.mkdir(parents=True, exist_ok=True)
    tour = Tour(browser, live_server.url, shots)
    village = tour_world["village"]
    notice_title = NOTICE.format(village=village.name)
    other_title = OTHER_NOTICE.format(village=tour_world["neighbour"].name)
    agreement_title = AGREEMENT.format(village=village.name)
    today = timezone.localdate()  # the server's (before the calendar moves)
    started = time.perf_counter()

    # 1. The cadre drafts a notice from the desk
    with tour.step("01-cadre-drafts-notice") as (page, ui):
        link(page, COMMON["desk"]).click()
        link(page, ui["draft"]).click()
        page.get_by_label(ui["title"]).fill(notice_title)
        pick_village(page, ui, village)
        page.get_by_label(ui["category"]).select_option(label=str(ui["category_option"]))
        page.get_by_role("checkbox", name=ui["kind"], exact=True).check()
        page.get_by_role("checkbox", name=ui["form"], exact=True).check()
        page.get_by_label(ui["min"]).fill("50")
        page.get_by_label(ui["max"]).fill("200")
        page.get_by_label(ui["resource_kind"]).select_option(label=str(ui["resource_option"]))
        page.get_by_label(ui["resource_area"]).fill("1200")
        page.get_by_label(ui["resource_unit"]).select_option(label=str(ui["unit_option"]))
        page.get_by_label(ui["description"]).fill(
            "村小学撤并后校舍闲置，拟改造为研学基地，配套村南 20 亩耕地作农事体验。"
        )
        page.get_by_label(ui["contact"]).fill(f"{village.name}村委会 0635-8123456")
        page.get_by_label(ui["deadline"]).fill((today + dt.timedelta(days=120)).isoformat())
        button(page, ui["save"]).click()
        page.wait_for_load_state()
        assert notice_title in page.inner_text("h1") and "草稿" in page.inner_text("main")

    # 2. … submits it: the town's desk gets it
    assert tour.desk("town")["notice.approve"] == 0
    with tour.step("02-cadre-submits-notice") as (page, ui):
        button(page, ui["submit"]).click()
        page.wait_for_load_state()
        assert "已提交" in page.inner_text("main")
    assert tour.desk("town")["notice.approve"] == 1

    # 3. The town approves it from its desk: the county's desk gets it
    assert tour.desk("county")["notice.publish.county"] == 0
    with tour.step("03-town-approves-notice") as (page, ui):
        tour.open_todo("town", "notice.approve", notice_title)
        button(page, ui["approve"]).click()
        page.wait_for_load_state()
        assert "乡镇已审核" in page.inner_text("main")
    assert tour.desk("town")["notice.approve"] == 0
    assert tour.desk("county")["notice.publish.county"] == 1

    # 4. The county publishes it from its desk
    with tour.step("04-county-publishes-notice") as (page, ui):
        tour.open_todo("county", "notice.publish.county", notice_title)
        button(page, ui["publish"]).click()
        page.wait_for_load_state()
        assert "已发布" in page.inner_text("main")
    assert tour.desk("county")["notice.publish.county"] == 0

    # 5. A visitor finds it on the home page, says 我要合作 and registers (back on the notice)
    waiting = tour.desk("city")["partner.verify"]
    with tour.step("05-visitor-registers-from-notice") as (page, ui):
        link(page, notice_title).click()
        page.locator(str(COMMON["cooperate"])).get_by_text(str(ui["cooperate"]), exact=True).click()
        link(page, ui["register"]).click()
        page.get_by_label(ui["username"]).fill("wangxm")
        page.get_by_label(ui["password"]).fill(PARTNER_PASSWORD)
        page.get_by_label(ui["name"]).fill(NEWCOMER)
        page.get_by_label(ui["kind"]).select_option(label=str(ui["kind_option"]))
        page.get_by_label(ui["contact"]).fill(NEWCOMER)
        page.get_by_label(ui["phone"]).fill("13905351234")
        page.get_by_label(ui["id_number"]).fill("37150219880512001X")
        page.get_by_label(ui["home"]).select_option(label=str(ui["home_option"]))
        page.get_by_label(ui["capital_min"]).fill("80")
        page.get_by_label(ui["capital_max"]).fill("150")
        page.get_by_label(ui["skills"]).fill("研学课程、民宿运营")
        for name in ("county", "category", "form", "resource"):
            page.get_by_role("checkbox", name=ui[name], exact=True).check()
        page.get_by_label(ui["profile"]).fill("在济南经营研学机构八年，开发农事研学课程，希望回乡创业。")
        page.get_by_label(ui["consent"]).check()
        button(page, ui["send"]).click()
        page.wait_for_load_state()
        assert notice_title in page.inner_text("h1")  # back on the notice
        cooperate = page.locator(str(COMMON["cooperate"]))
        cooperate.get_by_text(str(ui["cooperate"]), exact=True).click()
        assert "等待市合伙人办公室认证" in cooperate.inner_text()
    assert tour.desk("city")["partner.verify"] == waiting + 1
    assert Partner.objects.get(user__username="wangxm").status == "pending"  # registered, not yet verified

    # 6. The city verifies them from its desk's queue
    with tour.step("06-city-verifies-partner") as (page, ui):
        page.locator(str(COMMON["todo"]).format(kind="partner.verify")).locator(
            str(COMMON["todo_head"])
        ).click()
        page.locator(str(COMMON["row"])).filter(has_text=NEWCOMER).get_by_role(
            "button", name=ui["verify"]
        ).click()
        page.wait_for_load_state()
        assert page.locator(str(COMMON["row"])).filter(has_text=NEWCOMER).count() == 0
    assert tour.desk("city")["partner.verify"] == waiting

    # 7. The partner sees the notice recommended and says 我要合作
    with tour.step("07-partner-says-cooperate") as (page, ui):
        link(page, COMMON["desk"]).click()
        link(page, ui["recommended"]).click()
        link(page, notice_title).click()
        page.get_by_label(ui["note"]).fill("下周到村里看看校舍，想了解耕地情况")
        button(page, ui["cooperate"]).click()
        page.wait_for_load_state()
        assert "意向" in page.inner_text("main") and notice_title in page.inner_text("main")

    # 8. The county runs the pairing of its remaining notices and partners
    assert tour.desk("county")["pairing_run.review"] == 0
    assert tour.desk("invited")["pairing.invitation"] == 0
    with tour.step("08-county-runs-pairing") as (page, ui):
        link(page, ui["pairing"]).click()
        button(page, ui["run"]).click()
        page.wait_for_load_state()
        assert other_title in page.inner_text("main") and notice_title not in page.inner_text("main")
    assert tour.desk("county")["pairing_run.review"] == 1

    # 9. … reviews it from the desk and invites the pair it keeps
    with tour.step("09-county-reviews-and-invites") as (page, ui):
        page.locator(str(COMMON["todo"]).format(kind="pairing_run.review")).locator(
            str(COMMON["todo_item"])
        ).first.click()
        page.locator(str(COMMON["row"])).filter(has_text=other_title).get_by_role("checkbox").check()
        button(page, ui["send"]).click()
        page.wait_for_load_state()
    assert tour.desk("county")["pairing_run.review"] == 0
    assert tour.desk("invited")["pairing.invitation"] == 1

    # 10. The invited partner accepts from their desk
    with tour.step("10-invited-partner-accepts") as (page, ui):
        tour.open_todo("invited", "pairing.invitation", other_title)
        button(page, ui["accept"]).click()
        page.wait_for_load_state()
        assert "洽谈" in page.inner_text("h1")
    assert tour.desk("invited")["pairing.invitation"] == 0

    # 11. The cadre opens the newcomer's interest from the desk's notifications and starts 洽谈
    assert tour.desk("cadre")["pairing.negotiating"] == 0
    with tour.step("11-cadre-starts-talks") as (page, ui):
        button(page, str(ui["interest"]).format(notice=notice_title)).click()
        page.wait_for_load_state()
        assert notice_title in page.inner_text("h1") and "意向" in page.inner_text("h1")
        button(page, ui["start"]).click()
        page.wait_for_load_state()
        assert "洽谈" in page.inner_text("h1")
    assert tour.desk("cadre")["pairing.negotiating"] == 1

    # 12. … and notes the site visit (from the desk's to-do)
    with tour.step("12-cadre-notes-site-visit") as (page, ui):
        tour.open_todo("cadre", "pairing.negotiating", notice_title)
        page.get_by_label(ui["date"]).fill(today.isoformat())
        page.get_by_label(ui["note"]).fill(
            "合伙人到村实地查看闲置校舍和村南耕地，与村两委座谈，商定村集体以耕地入股、合伙人出资改造。"
        )
        button(page, ui["add"]).click()
        page.wait_for_load_state()
        assert "商定村集体以耕地入股" in page.inner_text("main")

    # 13. The county records 签约 (its list of pairings, 洽谈)
    with tour.step("13-county-records-signing") as (page, ui):
        link(page, COMMON["desk"]).click()
        link(page, ui["mine"]).click()
        link(page, ui["negotiating"]).click()
        link(page, notice_title).click()
        button(page, ui["sign"]).click()
        page.wait_for_load_state()
        assert "签约" in page.inner_text("h1")
    assert tour.desk("cadre")["pairing.negotiating"] == 0

    # 14. The cadre drafts the agreement
    with tour.step("14-cadre-drafts-agreement") as (page, ui):
        open_agreement_draft(page, ui, notice_title)
        fill_agreement_draft(page, ui, title=agreement_title, partner_name=NEWCOMER, start=today)
        button(page, ui["save"]).click()
        page.wait_for_load_state()
        main = page.inner_text("main")
        assert "草稿" in main and NEWCOMER in main and all(name in main for _, name, _ in HOUSEHOLDS)

    # 15. … records the 村民代表大会: the partner's desk has an agreement to sign
    assert tour.desk("newcomer")["agreement.partner_sign"] == 0
    with tour.step("15-cadre-records-assembly") as (page, ui):
        page.get_by_label(ui["date"]).fill(today.isoformat())
        page.get_by_placeholder(str(ui["attendees"])).fill("35")
        page.get_by_placeholder(str(ui["present"])).fill("31")
        page.get_by_placeholder(str(ui["votes"])).fill("29")
        page.get_by_placeholder(str(ui["resolution"])).fill("同意村集体以村南耕地入股研学基地项目")
        button(page, ui["record"]).click()
        page.wait_for_load_state()
        assert "村民代表大会已通过" in page.inner_text("h1")
    assert tour.desk("newcomer")["agreement.partner_sign"] == 1

    # 16. … starts the 公示 (dated by the server)
    with tour.step("16-cadre-starts-publicity") as (page, ui):
        button(page, ui["publicize"]).click()
        page.wait_for_load_state()
        assert "公示中" in page.inner_text("h1")
        found = re.search(str(ui["deadline"]), page.inner_text("main"))
        assert found, page.inner_text("main")
        deadline = dt.date.fromisoformat(found.group(1))
    assert deadline > today
    assert tour.desk("county")["agreement.sign"] == 0

    # 17. After the objection period the county's desk has it to sign; the county signs
    server_calendar(deadline + dt.timedelta(days=1))
    assert tour.desk("county")["agreement.sign"] == 1
    with tour.step("17-county-signs-after-publicity") as (page, ui):
        tour.open_todo("county", "agreement.sign", agreement_title)
        button(page, ui["sign"]).click()
        page.wait_for_load_state()
        assert "已签署" in page.inner_text("h1")
    assert tour.desk("county")["agreement.sign"] == 0
    assert tour.desk("newcomer")["agreement.partner_sign"] == 0

    # 18. … and puts it in force
    with tour.step("18-county-puts-in-force") as (page, ui):
        link(page, COMMON["desk"]).click()
        link(page, ui["agreements"]).click()
        link(page, agreement_title).click()
        button(page, ui["in_force"]).click()
        page.wait_for_load_state()
        assert "履行中" in page.inner_text("h1")

    # 19. The cadre settles the year
    with tour.step("19-cadre-settles-year") as (page, ui):
        link(page, COMMON["desk"]).click()
        link(page, ui["agreements"]).click()
        link(page, agreement_title).click()
        page.get_by_label(ui["year"], exact=True).fill(str(today.year))
        page.get_by_label(ui["profit"]).fill("260000")
        page.get_by_label(ui["labour"]).fill("H001 12000\nH003 8000")
        button(page, ui["settle"]).click()
        page.wait_for_load_state()
        statement = page.inner_text("main")
        assert all(h in statement and name in statement for h, name, _ in HOUSEHOLDS)

    # 20. … and downloads the household statement PDF
    with tour.step("20-household-statement-pdf") as (page, ui):
        with page.expect_download() as download:
            link(page, ui["pdf"]).click(modifiers=["Alt"])  # Alt+click: save the link's file
        assert download.value.suggested_filename.endswith(".pdf")
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
        link(page, ui["pdf"]).click()  # and open it: Chromium's PDF viewer, for the screenshot
        page.wait_for_url("**/pdf/**")
        if out:
            page.wait_for_timeout(1500)  # the viewer draws the pages after the load

    total = time.perf_counter() - started
    print(f"\ntour: {len(STEPS)} steps in {total:.0f} s")
    for shot, seconds in tour.timings:
        print(f"  {shot}: {seconds:.1f} s")
    for page in tour.pages.values():
        page.context.close()
    assert [shot for shot, _ in tour.timings] == [s.shot for s in STEPS]  # every step walked, in order
    if out:
        (shots / "README.md").write_text(readme_text(), encoding="utf-8")
    else:  # the screenshots in docs/tour/ are the steps of STEPS
        assert README.read_text(encoding="utf-8") == readme_text(), "docs/tour/README.md: run `make tour`"
        assert all((README.parent / f"{s.shot}.png").is_file() for s in STEPS), "run `make tour`"
