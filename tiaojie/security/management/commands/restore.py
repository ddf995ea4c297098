"""``manage.py restore DIR``: into an empty database only (DATABASE_URL pointing at a new one)."""
import time

from django.core.management.base import BaseCommand, CommandError

from tiaojie.security import backup as bk


class Command(BaseCommand):
    help = "从备份目录恢复到一个空数据库（先校验全部 SHA-256，目标库不空则拒绝）"
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份目录（manage.py backup 的输出）")
        parser.add_argument("--no-media", action="store_true", help="不恢复上传文件")
        parser.add_argument("--verify-only", action="store_true", help="只校验备份文件，不恢复")

    def handle(self, *args, path, no_media, verify_only, **options):
        t = time.monotonic()
        try:
            if verify_only:
                m = bk.verify(path)
                self.stdout.write(self.style.SUCCESS(f"备份完整：{len(m['files'])} 个文件校验通过"))
                return
            result = bk.restore(path, media=not no_media, progress=lambda m: self.stderr.write("  " + m))
        except bk.BackupError as exc:
            raise CommandError(str(exc))
        self.stdout.write(self.style.SUCCESS(
            f"恢复完成：{result['tables']} 张表，{result['rows']:,} 行，行数与备份一致（用时 {time.monotonic() - t:.1f} 秒）"))
        if not result["same_keys"]:
            self.stdout.write(self.style.WARNING(
                "注意：当前的查找哈希密钥与备份时不同。证件号码等个人信息需要使用备份时的 TIAOJIE_DATA_KEY / "
                "TIAOJIE_HASH_KEY 才能解密和查重。"))
