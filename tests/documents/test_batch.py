"""Batch printing of a month's agreements: the django-q2 task (run synchronously), the htmx progress page
and the management command."""
import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.documents.conftest import full_case
from tests.documents.helpers import flat, pdf_text
from tiaojie.documents.models import BatchJob


def test_batch_job_through_django_q_sync(world, login, monkeypatch):
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)
    a = full_case(world)
    c = login(world.users["county"])
    month = timezone.localdate().strftime("%Y-%m")
    r = c.post(reverse("documents:batch"), {"organization": world.orgs["weidong"].pk, "month": month,
                                            "include_children": "on"})
    assert r.status_code == 302
    job = BatchJob.objects.get()
    assert job.state == BatchJob.State.DONE and job.total == job.done == 1
    r = c.get(reverse("documents:batch_status", args=[job.pk]), headers={"HX-Request": "true"})
    body = r.content.decode()
    assert "100%" in body and "hx-trigger" not in body and "下载PDF" in body
    pdf = b"".join(c.get(reverse("documents:batch_download", args=[job.pk])).streaming_content)
    assert a.number in flat(pdf_text(pdf))
    # Another county's staff cannot see the job
    assert login(world.users["county2"]).get(reverse("documents:batch_status", args=[job.pk])).status_code == 404


def test_progress_page_polls_while_running(world, login):
    job = BatchJob.objects.create(organization=world.orgs["v1"], month=timezone.localdate().replace(day=1),
                                  requested_by=world.users["v1"], state=BatchJob.State.RUNNING, total=4, done=1)
    r = login(world.users["v1"]).get(reverse("documents:batch_status", args=[job.pk]))
    body = r.content.decode()
    assert 'hx-trigger="every 1s"' in body and "25%" in body and "htmx" in body


def test_batch_form_errors_and_scope(world, login):
    c = login(world.users["v1"])
    r = c.post(reverse("documents:batch"), {"organization": world.orgs["zhoucun"].pk, "month": "2026-13"})
    assert r.status_code == 400
    assert not BatchJob.objects.exists()


def test_management_command(world, tmp_path):
    full_case(world)
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "m.pdf"
    call_command("batch_agreements", "--org", "卫东区人民调解中心", "--month", timezone.localdate().strftime("%Y-%m"),
                 "--user", "t_county", "-o", str(target), stdout=out, stderr=err)
    assert "1份协议" in out.getvalue() and "[" in err.getvalue() and "1/1" in err.getvalue()
    assert len(PdfReader(str(target)).pages) >= 1
