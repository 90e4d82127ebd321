"""The objects of the role × region matrix: for each entity kind one row inside 东昌府区 (under the demo
cadre's village where a village is needed, suffix ``A``) and one inside 临清市 (suffix ``B``), in states that
are not public, plus public rows where the entity has a public state (suffix ``pub``).

Every object carries the usernames of the demo users entitled to read it by region (``readers``) and two
strings: ``marker`` (unique text the object's pages and rows show, e.g. its title) and ``secret`` (text only
its region's officials may see even when the object itself is public, e.g. a household head's name).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from xiangcun.core import regioncodes

USERS = ("city", "county", "county2", "town", "cadre", "partner", "public", "anonymous")
OFFICIALS = ("city", "county", "county2", "town", "cadre")
COUNTY_A = "371502"  # 东昌府区
COUNTY_B = "371581"  # 临清市


@dataclass
class Obj:
    kind: str
    key: str  # "A", "B", "pub", "pubB", ...
    pk: Any
    readers: frozenset[str]
    marker: str
    secret: str = ""
    public: bool = False
    params: dict[str, Any] = field(default_factory=dict)
    row: Any = None

    def __str__(self) -> str:
        return f"{self.kind}.{self.key}#{self.pk}"


def governing(users: dict[str, Any], code: str) -> frozenset[str]:
    """The demo officials whose region holds ``code``."""
    out = set()
    for name in OFFICIALS:
        prefix = regioncodes.prefix_of(users[name].region_code)
        if code.startswith(prefix):
            out.add(name)
    return frozenset(out)


def _approved(users: dict[str, Any], county: str, **overrides: Any) -> Any:
    from xiangcun.agreements import services
    from xiangcun.agreements.tests.factories import draft, step

    agreement = draft(users, county, **overrides)
    user = users["county"] if county == COUNTY_A else users["city"]
    return services.agreement_transition(
        user=user,
        agreement=agreement,
        step=step(
            "approved",
            assembly_date="2024-01-05",
            assembly_attendees=30,
            assembly_present=25,
            assembly_votes_for=22,
        ),
    )


def _publicized(users: dict[str, Any], county: str, **overrides: Any) -> Any:
    from xiangcun.agreements import services
    from xiangcun.agreements.tests.factories import step

    agreement = _approved(users, county, **overrides)
    user = users["county"] if county == COUNTY_A else users["city"]
    return services.agreement_transition(user=user, agreement=agreement, step=step("publicized"))


def _members(tag: str) -> list[dict[str, str]]:
    return [
        {"household": "H001", "head_name": f"{tag}专用户主甲", "shares": "3"},
        {"household": "H002", "head_name": f"{tag}专用户主乙", "shares": "2"},
    ]


def build(users: dict[str, Any]) -> dict[str, Obj]:
    from xiangcun.agreements import services as agreements
    from xiangcun.agreements.schemas import GuaranteePaidIn, ObjectionIn, SettlementIn
    from xiangcun.agreements.tests.factories import draft, first_village, in_force
    from xiangcun.core.inputs import parse
    from xiangcun.funding import services as funding
    from xiangcun.funding.schemas import FiguresIn, RoundIn
    from xiangcun.matching import services as matching
    from xiangcun.partners.tests.factories import partner_registered, partner_verified, resident_id
    from xiangcun.policies import services as policies
    from xiangcun.policies.schemas import PublishIn
    from xiangcun.policies.selectors import library_files_active
    from xiangcun.recruitment import services as recruitment
    from xiangcun.recruitment.models import Notice
    from xiangcun.recruitment.schemas import BatchIn
    from xiangcun.recruitment.tests.factories import notice_draft, notice_input, notice_published
    from xiangcun.regions.models import Village
    from xiangcun.resources import services as resources
    from xiangcun.resources.models import ImportJob
    from xiangcun.resources.tests.factories import resource_input

    objs: dict[str, Obj] = {}

    def add(o: Obj) -> Obj:
        objs[f"{o.kind}.{o.key}"] = o
        return o

    everyone = frozenset(USERS)
    village_a = Village.objects.select_related("county", "town").get(code=users["cadre"].region_code)
    village_b = Village.objects.select_related("county", "town").get(code=first_village(COUNTY_B))
    va, vb = village_a.code, village_b.code
    ra, rb = governing(users, va), governing(users, vb)

    # Villages and regions: public pages; edits by the village's officials.
    for key, v, readers in (("A", village_a, ra), ("B", village_b, rb)):
        add(
            Obj(
                "village",
                key,
                v.code,
                readers,
                v.name,
                public=True,
                params={"code": v.code, "county": v.county_id, "town": v.town_id, "name": v.name},
                row=v,
            )
        )
    for key, code in (("A", COUNTY_A), ("B", COUNTY_B)):
        add(Obj("region", key, code, governing(users, code), code, public=True, params={"code": code}))

    # Notices: a draft in each county, and a published one in each.
    notice_a = notice_draft(users, title="东昌专用草稿招募令")
    notice_b = recruitment.notice_create(
        user=users["county2"],
        notice_in=notice_input(
            title="临清专用草稿招募令",
            village_codes=[vb],
            category="farm_stay",
            cooperation_forms=["capital"],
            kinds_wanted=["entrepreneur"],
            description="临清专用草稿招募令的项目介绍",
        ),
    )

    # Published notices carry a contact phone: only their region's officials (and a partner paired with
    # them, none of the demo users) may read it in full, so it is each one's secret.
    def published_in_b(title: str, **fields: Any) -> Notice:
        """A notice of county B's village, marked published directly (B's town approval is not the
        matter of these checks)."""
        notice = recruitment.notice_create(
            user=users["county2"],
            notice_in=notice_input(
                title=title,
                village_codes=[vb],
                category="farm_stay",
                cooperation_forms=["capital"],
                kinds_wanted=["entrepreneur", "rural_leader"],
                description="依托果园和坑塘发展采摘垂钓，配套农家餐饮和住宿",
                **fields,
            ),
        )
        Notice.objects.filter(pk=notice.pk).update(status="published", published_at=timezone.now())
        notice.refresh_from_db()
        return notice

    pub_a = notice_published(users, title="东昌公开招募令", contact="王主任 13905350001")
    pub_b = published_in_b("临清公开招募令", contact="李主任 0635-2150002")
    for key, n, readers in (("A", notice_a, ra), ("B", notice_b, rb)):
        add(
            Obj(
                "notice",
                key,
                n.pk,
                readers,
                n.title,
                secret=n.title,
                params={"county": n.county_id, "village": n.village_id},
                row=n,
            )
        )
    for key, n, readers, phone in (("pubA", pub_a, ra, "13905350001"), ("pubB", pub_b, rb, "0635-2150002")):
        add(
            Obj(
                "notice",
                key,
                n.pk,
                readers,
                n.title,
                secret=phone,
                public=True,
                params={"county": n.county_id, "village": n.village_id},
                row=n,
            )
        )

    # A 招募令 batch (city-wide, public) holding the two drafts: its page lists published notices only.
    batch = recruitment.batch_create(
        user=users["city"], batch_in=parse(BatchIn, {"title": "矩阵专用批次", "date": dt.date.today()})
    )
    Notice.objects.filter(pk__in=[notice_a.pk, notice_b.pk]).update(batch=batch)
    add(Obj("batch", "pub", batch.pk, everyone, batch.title, public=True, row=batch))

    # Partners: a pending one from each county (the city office verifies), verified ones for pairings.
    pending_a = partner_registered(
        "mx_pending_a", name="东昌专用待审合伙人", id_number=resident_id("mx_pending_a"), phone="13800000001"
    )
    pending_b = partner_registered(
        "mx_pending_b",
        name="临清专用待审合伙人",
        home_county=COUNTY_B,
        preferred_counties=[COUNTY_B],
        id_number=resident_id("mx_pending_b", county="371581"),
        phone="13800000002",
    )
    city_only = governing(users, "371500")
    for key, p in (("A", pending_a), ("B", pending_b)):
        add(
            Obj(
                "partner",
                key,
                p.pk,
                city_only,
                p.name,
                secret=p.name,
                params={"county": p.home_county_id},
                row=p,
            )
        )
    verified_a = partner_verified(
        users,
        "mx_verified_a",
        name="公开合伙人甲",
        id_number=resident_id("mx_verified_a"),
        phone="13800000003",
    )
    verified_b = partner_verified(
        users,
        "mx_verified_b",
        name="公开合伙人乙",
        home_county=COUNTY_B,
        preferred_counties=[COUNTY_B],
        id_number=resident_id("mx_verified_b", county="371581"),
        phone="13800000004",
    )
    add(
        Obj(
            "partner",
            "pub",
            verified_a.pk,
            city_only,
            verified_a.name,
            secret=verified_a.phone,
            public=True,
            params={"county": verified_a.home_county_id},
            row=verified_a,
        )
    )

    # Pairings: a verified partner's interest in each county's published notice, with a meeting note.
    pairing_a = matching.pairing_express_interest(user=verified_a.user, notice=pub_a)
    matching.pairing_note_add(
        user=users["county"], pairing=pairing_a, note="东昌专用洽谈记录", meeting_date=dt.date(2024, 5, 1)
    )
    pairing_b = matching.pairing_express_interest(user=verified_b.user, notice=pub_b)
    matching.pairing_note_add(
        user=users["county2"], pairing=pairing_b, note="临清专用洽谈记录", meeting_date=dt.date(2024, 5, 1)
    )
    for key, p, readers in (("A", pairing_a, ra), ("B", pairing_b, rb)):
        add(
            Obj(
                "pairing",
                key,
                p.pk,
                readers,
                f"/matching/pairings/{p.pk}/",
                secret=f"{'东昌' if key == 'A' else '临清'}专用洽谈记录",
                params={"notice": p.notice_id, "partner": p.partner_id, "notice_title": p.notice.title},
                row=p,
            )
        )

    # Pairing runs: one per county, proposed by its own office, each with a pair to invite (a
    # published notice and a verified partner not yet in any pairing).
    notice_published(users, title="东昌待配对招募令")
    partner_verified(
        users, "mx_run_a", name="待配对合伙人甲", id_number=resident_id("mx_run_a"), phone="13800000005"
    )
    published_in_b("临清待配对招募令")
    partner_verified(
        users,
        "mx_run_b",
        name="待配对合伙人乙",
        home_county=COUNTY_B,
        preferred_counties=[COUNTY_B],
        id_number=resident_id("mx_run_b", county="371581"),
        phone="13800000006",
    )
    run_a = matching.pairing_run_create(user=users["county"], county_code=COUNTY_A)
    run_b = matching.pairing_run_create(user=users["county2"], county_code=COUNTY_B)
    for key, r, code in (("A", run_a, COUNTY_A), ("B", run_b, COUNTY_B)):
        add(
            Obj(
                "run",
                key,
                r.pk,
                governing(users, code),
                f"/matching/runs/{r.pk}/",
                params={"county": code},
                row=r,
            )
        )

    # Resources: the ledger is public, a household owner's name only to the village's officials.
    res_a = resources.resource_create(
        user=users["cadre"],
        resource_in=resource_input(
            village_a, name="东昌专用闲置厂房", owner_type="household", owner_name="王东昌专用户"
        ),
    )
    res_b = resources.resource_create(
        user=users["county2"],
        resource_in=resource_input(
            village_b, name="临清专用闲置厂房", owner_type="household", owner_name="李临清专用户"
        ),
    )
    for key, r, readers in (("A", res_a, ra), ("B", res_b, rb)):
        add(
            Obj(
                "resource",
                key,
                r.pk,
                readers,
                r.name,
                secret=r.owner_name,
                public=True,
                params={"county": r.village.county_id, "village": r.village_id},
                row=r,
            )
        )

    # Import jobs: their creator's, and the officials' of the creator's region (who may retry them).
    for key, who in (("A", "county"), ("B", "county2")):
        job = ImportJob.objects.create(
            file="imports/matrix.xlsx",
            original_name=f"{'东昌' if key == 'A' else '临清'}专用台账.xlsx",
            created_by=users[who],
            status="done",
            summary={"villages": 0, "resources": 0},
        )
        readers = governing(users, users[who].region_code) | {who}
        add(Obj("import", key, job.pk, readers, job.original_name, row=job))

    # Agreements: drafts; in 公示 with an objection; in force with a settlement and a guarantee payment.
    for key, county, tag, readers in (("A", COUNTY_A, "东昌", ra), ("B", COUNTY_B, "临清", rb)):
        official = users["county"] if key == "A" else users["county2"]
        d = draft(users, county, title=f"{tag}专用草稿协议")
        add(Obj("agreement", key, d.pk, readers, d.title, secret=d.title, row=d))
        a = _approved(users, county, title=f"{tag}待公示协议")
        add(Obj("agreement", f"appr{key}", a.pk, readers, a.title, secret=a.title, row=a))
        p = _publicized(users, county, title=f"{tag}公示协议", members=_members(f"{tag}公示"))
        objection = agreements.objection_record(
            user=official,
            agreement=p,
            objection=parse(ObjectionIn, {"raised_by": "村民代表", "content": f"{tag}专用异议内容"}),
        )
        add(
            Obj(
                "agreement",
                f"pub{key}",
                p.pk,
                readers,
                p.title,
                secret=f"{tag}公示专用户主甲",
                public=True,
                params={"oid": objection.pk},
                row=p,
            )
        )
        add(
            Obj(
                "objection",
                key,
                objection.pk,
                readers,
                objection.content,
                params={"agreement": p.pk, "oid": objection.pk},
                row=objection,
            )
        )
        f = in_force(users, county, title=f"{tag}在施协议", members=_members(f"{tag}在施"))
        agreements.settlement_run(
            user=official, agreement=f, settlement=parse(SettlementIn, {"year": 2024, "profit": "180000"})
        )
        agreements.guarantee_payment_record(
            user=official,
            agreement=f,
            payment=parse(GuaranteePaidIn, {"year": 2024, "amount": "1000", "paid_on": "2025-03-01"}),
        )
        add(
            Obj(
                "agreement",
                f"force{key}",
                f.pk,
                readers,
                f.title,
                secret=f"{tag}在施专用户主甲",
                public=True,
                params={"year": 2024},
                row=f,
            )
        )

    # Funding: an open round (every official reads it) with one application per county; a published one.
    weights = {
        "investment": "0.2",
        "profit_tax": "0.2",
        "social_benefit": "0.2",
        "farmer_income_increase": "0.2",
        "collective_income_increase": "0.2",
    }

    def round_data(name: str) -> Any:
        return parse(
            RoundIn,
            {
                "name": name,
                "year": 2025,
                "budget": "1000000",
                "weights": weights,
                "min_score": "10",
                "opens_on": "2025-03-01",
                "closes_on": "2025-04-30",
            },
        )

    open_round = funding.round_create(user=users["city"], new_round=round_data("矩阵专用受理批次"))
    add(Obj("round", "open", open_round.pk, frozenset(OFFICIALS), open_round.name, row=open_round))
    published = funding.round_create(user=users["city"], new_round=round_data("矩阵公示批次"))
    type(published).objects.filter(pk=published.pk).update(status="published")
    add(Obj("round", "pub", published.pk, frozenset(OFFICIALS), published.name, public=True, row=published))
    empty = funding.round_create(user=users["city"], new_round=round_data("矩阵空白批次"))
    add(Obj("round", "empty", empty.pk, frozenset(OFFICIALS), empty.name, row=empty))
    figures = parse(
        FiguresIn,
        {
            "requested": "100000",
            "investment": "1000000",
            "profit_tax": "100000",
            "social_benefit": "60",
            "farmer_income_increase": "50000",
            "collective_income_increase": "25000",
        },
    )
    for key, who in (("A", "county"), ("B", "county2")):
        agreement = objs[f"agreement.force{key}"].row
        application = funding.application_submit(
            user=users[who], funding_round=open_round, agreement=agreement, figures=figures
        )
        add(
            Obj(
                "application",
                key,
                application.pk,
                objs[f"agreement.force{key}"].readers,
                agreement.title,
                params={"round": open_round.pk, "agreement": agreement.pk},
                row=application,
            )
        )

    funding.application_verify(user=users["city"], application=objs["application.A"].row)
    # A selected round (to be published): the in-force agreement of 东昌府区, verified and selected.
    selected = funding.round_create(user=users["city"], new_round=round_data("矩阵已遴选批次"))
    application = funding.application_submit(
        user=users["county"],
        funding_round=selected,
        agreement=objs["agreement.forceA"].row,
        figures=figures,
    )
    funding.application_verify(user=users["city"], application=application)
    selected = funding.round_select(user=users["city"], funding_round=selected)
    add(Obj("round", "selected", selected.pk, frozenset(OFFICIALS), selected.name, row=selected))

    # Policies: a published version (public); the city office publishes.
    version = policies.policy_version_publish(
        user=users["city"],
        publish=parse(PublishIn, {"files": library_files_active(), "note": "矩阵专用版本"}),
    )
    add(
        Obj(
            "policy",
            "pub",
            version.number,
            everyone,
            "矩阵专用版本",
            public=True,
            params={"number": version.number},
            row=version,
        )
    )
    # Notifications: each the recipient's own, whatever the region (an official's of their county).
    from xiangcun.core.errors import Msg
    from xiangcun.inbox.services import notify

    for key, who, tag in (("A", "county", "东昌"), ("B", "county2", "临清")):
        title = f"{tag}专用通知招募令"
        note = notify([users[who]], Msg("您收到对接邀请：{notice}", notice=title), "/manage/", kind="matrix")[
            0
        ]
        add(Obj("notification", key, note.pk, frozenset({who}), title, row=note))
    return objs
