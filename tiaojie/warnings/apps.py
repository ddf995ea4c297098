from django.apps import AppConfig


class WarningsConfig(AppConfig):
    name = "tiaojie.warnings"
    label = "warnings"
    verbose_name = "风险预警"

    def ready(self):
        from tiaojie.warnings import receivers  # noqa: F401
