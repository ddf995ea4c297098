"""``manage.py backup [--dest DIR] [--keep N] [--no-media]``: database + uploaded files + manifest."""
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tiaojie.security import backup as bk


class Command(BaseCommand):
    help = "备份数据库（PostgreSQL pg_dump -Fc / SQLite 在线备份）和上传文件，附 SHA-256 校验清单"

    def add_arguments(self, parser):
        parser.add_argument("--dest", help=f"备份目录（默认 TIAOJIE_BACKUP_DIR={settings.TIAOJIE_BACKUP_DIR}）")
        parser.add_argument("--keep", type=int, default=0, help="只保留最新的 N 份（0 = 不删除旧备份）")
        parser.add_argument("--no-media", action="store_true", help="不备份上传文件")

    def handle(self, *args, dest, keep, no_media, **options):
        t = time.monotonic()
        try:
            out = bk.backup(dest, media=not no_media, progress=lambda m: self.stderr.write("  " + m))
        except bk.BackupError as exc:
            raise CommandError(str(exc))
        m = bk.read_manifest(out)
        self.stdout.write(self.style.SUCCESS(
            f"备份完成：{out}（{len(m['tables'])} 张表，{sum(m['tables'].values()):,} 行，{len(m['files'])} 个文件，"
            f"用时 {time.monotonic() - t:.1f} 秒）"))
        if keep:
            for p in bk.prune(keep, dest):
                self.stdout.write(f"  已删除旧备份 {p.name}")
