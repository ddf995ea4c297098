from django.core.management.base import BaseCommand

from tiaojie.warnings.services import escalate_late_warnings


class Command(BaseCommand):
    help = "预警超时上报：超过响应时限未签收的预警上报上一级单位（可重复运行）"

    def handle(self, *args, **options):
        n = escalate_late_warnings()
        self.stdout.write(f"上报预警 {n} 条")
