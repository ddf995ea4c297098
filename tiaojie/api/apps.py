from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tiaojie.api"
    label = "api"
    verbose_name = "对接接口"
