from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "tiaojie.screening"
    label = "screening"
    verbose_name = "矛盾纠纷排查"
