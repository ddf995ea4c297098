from django.urls import path

from tiaojie.documents import views

app_name = "documents"
urlpatterns = [
    path("case/<int:pk>/", views.case_documents, name="case_documents"),
    path("case/<int:pk>/doc/<slug:code>.<str:fmt>", views.document, name="document"),
    path("case/<int:pk>/doc/<slug:code>/<int:item>.<str:fmt>", views.document, name="document_item"),
    path("case/<int:pk>/casefile.pdf", views.casefile, name="casefile"),
    path("case/<int:pk>/upload/", views.upload, name="upload"),
    path("attachment/<int:pk>/", views.attachment, name="attachment"),
    path("attachment/<int:pk>/void/", views.void, name="void"),
    path("batch/", views.batch, name="batch"),
    path("batch/<int:pk>/", views.batch_status, name="batch_status"),
    path("batch/<int:pk>/download/", views.batch_download, name="batch_download"),
]
