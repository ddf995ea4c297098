from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "tiaojie.routing"
    label = "routing"
    verbose_name = "分流与联动"

    def ready(self):
        from tiaojie.cases import ports
        from tiaojie.routing import receivers  # noqa: F401
        from tiaojie.routing.services import Router

        ports.provide_routing(Router())
        from tiaojie.cases.panels import register_panel
        from tiaojie.routing.panels import case_panel

        register_panel("routing", order=15, template="routing/_case_routing.html", context=case_panel)
        from tiaojie.core.cache import clear_on_change
        from tiaojie.orgs.models import Region
        from tiaojie.routing.models import RoutingRule

        clear_on_change(RoutingRule, prefix="routing_rules")
        clear_on_change(Region, prefix="region_levels")
