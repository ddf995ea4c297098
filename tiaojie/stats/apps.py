from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "tiaojie.stats"
    label = "stats"
    verbose_name = "统计与考核"
