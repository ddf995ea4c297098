from django.core.management.base import BaseCommand

from tiaojie.screening.services import check_overdue_rounds


class Command(BaseCommand):
    help = "排查报告逾期提醒：向逾期未报的调委会及其上级单位发出提醒（可重复运行）"

    def handle(self, *args, **options):
        n = check_overdue_rounds()
        self.stdout.write(f"新增提醒 {n} 条")
