"""``xiangcun demo --scale city|province|national --seed N``: build the synthetic demo data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xiangcun.agreements.demo import demo_build as demo_agreements_build
from xiangcun.agreements.demo import demo_clear as demo_agreements_clear
from xiangcun.core import readcache
from xiangcun.funding.demo import demo_build as demo_funding_build
from xiangcun.funding.demo import demo_clear as demo_funding_clear
from xiangcun.matching.demo import demo_build as demo_matching_build
from xiangcun.matching.demo import demo_clear as demo_matching_clear
from xiangcun.ops.demo import DEMO_PASSWORD, demo_present, demo_users_create
from xiangcun.ops.desks import demo_desks_build
from xiangcun.regions.demo import SCALES
from xiangcun.regions.services import demo_regions_build
from xiangcun.resources.demo import demo_build as demo_resources_build
from xiangcun.resources.demo import demo_clear as demo_resources_clear


class Command(BaseCommand):
    help = "Build the synthetic demo (示例数据): real county boundaries, synthetic towns, villages and users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="city",
            help="city: 聊城 2,166 villages; province: 山东 ~70,000; national: ~490,000",
        )
        parser.add_argument("--seed", type=int, default=2024, help="random seed (same seed, same data)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when villages already exist")

    def handle(self, *args: Any, scale: str, seed: int, if_empty: bool, **options: Any) -> None:
        if if_empty and demo_present():
            self.stdout.write("数据库已有村庄数据，跳过示例数据。Villages exist; demo skipped.")
            return
        if seed < 0:
            raise CommandError("--seed 须为非负整数 (seed must be ≥ 0)")
        demo_resources_clear()
        demo_funding_clear()  # funding applications protect their agreements
        demo_agreements_clear()
        demo_matching_clear()
        result = demo_regions_build(scale=scale, seed=seed)
        logins = demo_users_create()
        matching = demo_matching_build(scale=scale, seed=seed)
        resources = demo_resources_build(scale=scale, seed=seed)
        agreements = demo_agreements_build(scale=scale, seed=seed)
        funding = demo_funding_build(seed=seed, rng=agreements.rng)
        desks = demo_desks_build()
        readcache.changed_all()  # built in bulk, not through the services: no cached read stays
        self.stdout.write(
            self.style.SUCCESS(
                f"示例数据 {scale}: {result.counties} 个县级单位, {result.towns} 个乡镇, "
                f"{result.villages} 个行政村, {result.seconds:.1f} s (seed {seed}); "
                f"{matching.notices} 个招募令, {matching.partners} 位合伙人, {matching.seconds:.1f} s; "
                f"{resources.resources} 项资源, {resources.seconds:.1f} s; "
                f"{agreements.agreements} 份合伙人协议, {agreements.settlements} 次年度结算, "
                f"{agreements.seconds:.1f} s; {funding.rounds} 个遴选批次, {funding.seconds:.1f} s; "
                f"工作台待办 {desks.notices} 个招募令、{desks.pairings} 个对接、{desks.agreements} 份协议, "
                f"{desks.seconds:.1f} s"
            )
        )
        if logins:
            self.stdout.write(f"示例账号（密码 {DEMO_PASSWORD}）:")
            for login in logins:
                if login.password == DEMO_PASSWORD:
                    self.stdout.write(f"  {login.username:<8} {login.role} {login.region}")
            for login in logins:
                if login.password != DEMO_PASSWORD:
                    self.stdout.write(
                        self.style.WARNING(
                            f"  {login.username:<8} {login.role}：密码 {login.password} "
                            "（随机生成，只显示这一次 / random, shown once）"
                        )
                    )
