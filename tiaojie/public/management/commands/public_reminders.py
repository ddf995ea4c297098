from django.core.management.base import BaseCommand

from tiaojie.public.reminders import run


class Command(BaseCommand):
    help = "群众端提醒：司法确认期限将届满的短信提醒（每案一次，夜间不发），并清理过期的验证码和频率记录"

    def handle(self, *args, **options):
        self.stdout.write(f"新增提醒 {run()} 条")
