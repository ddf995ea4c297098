"""``manage.py reindex_cases [--batch N]``: rewrite the full-text index of every case
(``tiaojie.cases.search``) with progress; safe to stop and run again."""
import time

from django.core.management.base import BaseCommand

from tiaojie.cases import search


class Command(BaseCommand):
    help = "重建案件全文检索索引（相似案例、疑似重复登记）"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=2000, help="每批案件数（默认 2000）")

    def handle(self, *args, batch, **options):
        started = time.monotonic()

        def progress(done, total):
            secs = time.monotonic() - started
            self.stderr.write(f"  已索引 {done}/{total} 件（{secs:.1f} 秒）")

        n = search.reindex_cases(batch=max(batch, 1), progress=progress)
        self.stdout.write(f"案件检索索引已重建：{n} 件，用时 {time.monotonic() - started:.1f} 秒")
