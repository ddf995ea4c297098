from django.core.management.base import BaseCommand

from tiaojie.jobs import install_schedules


class Command(BaseCommand):
    help = "在 django-q2 中登记定时任务（可重复运行）"

    def handle(self, *args, **options):
        n = install_schedules()
        self.stdout.write(f"已登记定时任务 {n} 个")
