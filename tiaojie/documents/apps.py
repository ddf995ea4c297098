from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "tiaojie.documents"
    label = "documents"
    verbose_name = "文书与卷宗"

    def ready(self):
        from tiaojie.cases.archiving import requirement
        from tiaojie.cases.panels import register_panel
        from tiaojie.documents import services  # noqa: F401 (registers the documents' steps)
        from tiaojie.documents.completeness import check_complete

        requirement(check_complete)
        from tiaojie.documents.panels import case_panel

        register_panel("documents", order=20, template="documents/_case_panel.html", context=case_panel)
