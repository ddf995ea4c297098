from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tiaojie.cases"
    label = "cases"
    verbose_name = "纠纷案件"

    def ready(self):
        from tiaojie.cases import search
        from tiaojie.cases.signals import case_changed

        # the full-text index follows every committed change of a case (tiaojie.cases.search)
        case_changed.connect(search.on_case_changed, dispatch_uid="cases_search_index")

        from tiaojie.cases.models import DisputeType
        from tiaojie.core.cache import clear_on_change
        from tiaojie.orgs.models import Organization

        # the organization drop-downs of the list filter and registration (forms.org_choice_labels)
        clear_on_change(Organization, prefix="org_choices")
        clear_on_change(DisputeType, prefix="type_choices")
