from django.core.management.base import BaseCommand

from tiaojie.notify.services import send_pending


class Command(BaseCommand):
    help = "发送发件箱中到期的短信和邮件（失败的按间隔重试，可重复运行）"

    def handle(self, *args, **options):
        n = send_pending()
        self.stdout.write(f"已发送 {n} 条")
