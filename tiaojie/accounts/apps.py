from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tiaojie.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self):
        from tiaojie.accounts import audit

        audit.connect_axes()
