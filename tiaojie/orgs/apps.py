from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "tiaojie.orgs"
    label = "orgs"
    verbose_name = "组织与调解员"
