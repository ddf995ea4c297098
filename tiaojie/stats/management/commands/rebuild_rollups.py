"""``manage.py rebuild_rollups [--full] [--months 2020-01 …]``: recount the statistics rollups.

Without options: months marked changed plus the two most recent (the scheduled job does this).
"""
import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from tiaojie.stats import rollups


class Command(BaseCommand):
    help = "重建统计汇总表（默认：有变动的月份和最近两个月）"

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="重建全部月份")
        parser.add_argument("--months", nargs="*", default=[], help="指定月份，例如 2020-01 2020-02")

    def handle(self, *args, full, months, **options):
        t = time.monotonic()

        def progress(i, n):
            self.stderr.write(f"  {i}/{n}")

        if months:
            try:
                ms = [dt.date.fromisoformat(m + "-01") for m in months]
            except ValueError:
                raise CommandError("月份格式应为 YYYY-MM")
            n = rollups.rebuild(ms, progress)
        else:
            n = rollups.rebuild_due(full=full, progress=progress)
        self.stdout.write(f"统计汇总表已更新：{n} 行，用时 {time.monotonic() - t:.1f} 秒")
