from django.urls import path

from tiaojie.routing import views

app_name = "routing"
urlpatterns = [
    path("", views.index, name="index"),
    path("propose/", views.propose, name="propose"),
    path("cases/<int:pk>/", views.case_linkage, name="case"),
    path("cases/<int:pk>/panel/", views.case_panel, name="case_panel"),
    path("cases/<int:pk>/transfer/", views.transfer_new, name="transfer_new"),
    path("cases/<int:pk>/confirmation/", views.confirmation_apply, name="confirmation_apply"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<int:pk>/accept/", views.transfer_accept, name="transfer_accept"),
    path("transfers/<int:pk>/return/", views.transfer_return, name="transfer_return"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/new/<slug:kind>/", views.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("referrals/<int:pk>/feedback/", views.referral_feedback, name="referral_feedback"),
    path("referrals/<int:pk>/revisit/", views.referral_revisit, name="referral_revisit"),
    path("confirmations/", views.confirmations, name="confirmations"),
    path("confirmations/<int:pk>/result/", views.confirmation_result, name="confirmation_result"),
]
