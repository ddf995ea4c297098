from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "tiaojie.documents"
    label = "documents"
    verbose_name = "文书与卷宗"

    def ready(self):
        from tiaojie.cases.archiving import requirement
        from tiaojie.documents.services import check_complete

        requirement(check_complete)
