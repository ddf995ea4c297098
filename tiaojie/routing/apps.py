from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "tiaojie.routing"
    label = "routing"
    verbose_name = "分流与联动"
