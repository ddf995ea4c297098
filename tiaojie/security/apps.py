from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "tiaojie.security"
    label = "security"
    verbose_name = "安全管理"

    def ready(self):
        from tiaojie.security import checks  # noqa: F401  (registers the system checks)
