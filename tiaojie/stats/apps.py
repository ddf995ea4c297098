from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "tiaojie.stats"
    label = "stats"
    verbose_name = "统计与考核"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from tiaojie.cases.signals import case_changed
        from tiaojie.orgs.ports import provide_mediator_figures
        from tiaojie.stats import mediators, rollups

        case_changed.connect(rollups.on_case_changed, dispatch_uid="stats_case_changed")
        from tiaojie.core.cache import clear_on_change
        from tiaojie.orgs.models import Organization

        # the organization maps of live counts (figures.subtree_map)
        clear_on_change(Organization, prefix="org_map")
        provide_mediator_figures(figures=mediators.mediator_figures, honour_candidates=mediators.honour_candidates)
        for label, dates in _WATCHED.items():
            model = self.apps.get_model(label)
            handler = _dirty_handler(dates)
            post_save.connect(handler, sender=model, dispatch_uid=f"stats_dirty_{label}", weak=False)
            post_delete.connect(handler, sender=model, dispatch_uid=f"stats_dirty_del_{label}", weak=False)


# Records other than cases whose dates decide a figure's month (see figures.py).
_WATCHED = {
    "screening.ScreeningRound": ("period_start",),
    "screening.Finding": ("round.period_start",),
    "screening.HiddenDanger": ("found_on",),
    "warnings.PreventionOutcome": ("case.accepted_on", "hazard.found_on"),
    "routing.JudicialConfirmation": ("case.accepted_on",),
    "stats.AggregateReport": ("month",),
    "cases.FollowUp": ("case.accepted_on",),
    "cases.Agreement": ("case.accepted_on",),
}


def _dirty_handler(dates):
    def handler(sender, instance, **kwargs):
        from tiaojie.stats.rollups import mark_dirty

        days = []
        for d in dates:
            obj = instance
            for part in d.split("."):
                obj = getattr(obj, part, None) if obj is not None else None
            days.append(obj)
        mark_dirty(*days)
    return handler
