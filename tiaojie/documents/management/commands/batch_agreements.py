"""All agreements of a month for an organization as one PDF, in the terminal with a progress bar.

    manage.py batch_agreements --org 卫东区人民调解中心 --month 2026-11 --user t_county -o out.pdf
"""
import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError

from tiaojie.accounts.models import User
from tiaojie.documents.batch import build_month
from tiaojie.orgs.models import Organization


class Command(BaseCommand):
    help = "把某调解组织某月的全部调解协议合成一个PDF（带进度条）"

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="调解组织的id、名称或简称")
        parser.add_argument("--month", required=True, help="月份，例如 2026-11")
        parser.add_argument("--user", required=True, help="以哪个用户的管辖范围取数（用户名）")
        parser.add_argument("-o", "--output", required=True, help="输出PDF文件")
        parser.add_argument("--only-this", action="store_true", help="不含下级组织")

    def handle(self, *args, org, month, user, output, only_this, **options):
        qs = Organization.objects.filter(pk=int(org)) if org.isdigit() else Organization.objects.filter(name=org) | \
            Organization.objects.filter(abbr=org)
        organization = qs.first()
        if organization is None:
            raise CommandError(f"找不到调解组织：{org}")
        try:
            month_date = dt.date.fromisoformat(month + "-01" if len(month) == 7 else month).replace(day=1)
        except ValueError:
            raise CommandError("月份格式应为“年-月”，例如 2026-11")
        u = User.objects.filter(username=user, is_active=True).first()
        if u is None:
            raise CommandError(f"找不到用户：{user}")
        err = self.stderr

        def progress(done: int, total: int) -> None:
            width = 30
            filled = width * done // total if total else width
            err.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
            if hasattr(sys.stderr, "flush"):
                err.flush()

        data, total = build_month(organization, month_date, u, not only_this, progress)
        err.write("")
        with open(output, "wb") as f:
            f.write(data)
        self.stdout.write(f"{organization.name} {month_date:%Y-%m}：{total}份协议，已写入 {output}")
