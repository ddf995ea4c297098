from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "tiaojie.intake"
    label = "intake"
    verbose_name = "文本分析"

    def ready(self):
        from tiaojie.core.cache import clear_on_change
        from tiaojie.intake.models import RiskCategory, RiskPhrase

        clear_on_change(RiskCategory, RiskPhrase, prefix="intake_lexicon")
