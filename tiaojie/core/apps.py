from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tiaojie.core"
    label = "core"
    verbose_name = "基础设置"

    def ready(self):
        from tiaojie.core import idlist, signals  # noqa: F401

        idlist.register()
