from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tiaojie.cases"
    label = "cases"
    verbose_name = "纠纷案件"
