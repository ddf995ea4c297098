from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tiaojie.portal"
    label = "portal"
    verbose_name = "典型案例与公众服务"

    def ready(self):
        from tiaojie.cases.panels import register_panel
        from tiaojie.portal.panels import case_panel

        register_panel("typical", order=40, template="portal/_case_panel.html", context=case_panel)
