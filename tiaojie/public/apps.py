from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "tiaojie.public"
    label = "public"
    verbose_name = "群众端"

    def ready(self):
        from tiaojie.public import receivers  # noqa: F401  (tracking codes, notifications, panels)
