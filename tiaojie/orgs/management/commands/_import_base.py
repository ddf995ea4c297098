"""Shared body of the ``import_orgs`` and ``import_mediators`` commands."""
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from tiaojie.orgs import importer


class ImportCommand(BaseCommand):
    what = "orgs"

    def add_arguments(self, parser):
        parser.add_argument("file", help=".xlsx 文件路径（表头同网页上的导入模板）")
        parser.add_argument("--user", help="以该用户身份导入，并限于其管辖范围；不填则不限范围")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不保存")

    def handle(self, *args, file, user=None, dry_run=False, **options):
        from tiaojie.accounts.models import User

        acting = None
        if user:
            acting = User.objects.filter(username=user).select_related("organization").first()
            if acting is None:
                raise CommandError(f"用户“{user}”不存在")
        try:
            with open(file, "rb") as fh:
                data = fh.read(importer.MAX_UPLOAD_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"无法打开文件 {file}：{exc.strerror}")
        try:
            report = importer.IMPORTERS[self.what](acting, data, dry_run=dry_run)
        except PermissionDenied as exc:
            raise CommandError(str(exc))
        self.stdout.write(report.as_text())
        if not report.ok:
            raise CommandError(f"导入失败：{len(report.errors)} 处错误，未保存任何数据")
