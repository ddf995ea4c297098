from django.apps import AppConfig


class WarningsConfig(AppConfig):
    name = "tiaojie.warnings"
    label = "warnings"
    verbose_name = "风险预警"

    def ready(self):
        from tiaojie.cases.panels import register_panel
        from tiaojie.core.cache import clear_on_change
        from tiaojie.warnings import receivers  # noqa: F401
        from tiaojie.warnings.models import LevelPolicy, RiskCombination, RiskRule
        from tiaojie.warnings.panels import case_panel

        register_panel("risk", order=10, template="warnings/_case_panel.html", context=case_panel)
        clear_on_change(RiskRule, RiskCombination, prefix="risk_rules")
        clear_on_change(LevelPolicy, prefix="risk_policies")
