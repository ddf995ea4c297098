"""Django admin never adds, changes or deletes case-bound or audit records (issue 10): writes go
through the services (role, scope, state machine); records are voided with a reason, not deleted."""
import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from tiaojie.accounts.models import AppendOnlyError, PersonalDataAccess
from tiaojie.testing import register_case, sample_case_fields, sample_parties

READ_ONLY = ["cases.Case", "screening.ScreeningRound", "screening.HiddenDanger", "screening.Reminder",
             "warnings.Warning", "warnings.Escalation", "routing.RoutingDecision", "routing.Transfer",
             "routing.Referral", "routing.JudicialConfirmation", "documents.Attachment", "documents.BatchJob",
             "funding.CalculationRun", "stats.AggregateReport", "stats.ReportSubmission", "portal.TypicalCase",
             "accounts.PersonalDataAccess"]


@pytest.mark.parametrize("label", READ_ONLY)
def test_admin_cannot_write(rf, label):
    from django.apps import apps

    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = get_user_model()(is_superuser=True, is_staff=True, is_active=True)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_case_delete_page_refused_and_access_log_append_only(world, client):
    case = register_case(world.users["v1"], organization=world.orgs["v1"], parties=sample_parties(),
                         **sample_case_fields(world))
    su = get_user_model().objects.create_superuser(username="root", password="x" * 12, email="r@example.com")
    client.force_login(su)
    r = client.post(reverse("admin:cases_case_delete", args=[case.pk]), {"post": "yes"})
    assert r.status_code == 403
    assert type(case).objects.filter(pk=case.pk).exists()
    log = PersonalDataAccess.objects.create(user=world.users["v1"], what="当事人证件号码", object_repr=case.number)
    with pytest.raises(AppendOnlyError):
        log.delete()
    log.what = "改过"
    with pytest.raises(AppendOnlyError):
        log.save()
    assert PersonalDataAccess.objects.get(pk=log.pk).what == "当事人证件号码"
