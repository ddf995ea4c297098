from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "tiaojie.funding"
    label = "funding"
    verbose_name = "经费保障"
