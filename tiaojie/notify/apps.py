from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "tiaojie.notify"
    label = "notify"
    verbose_name = "消息通知"
