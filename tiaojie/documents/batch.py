"""Batch printing: all agreements of a month for an organization as one PDF (协议书批量打印).

``run_job(job_id)`` is the django-q2 task (``enqueue`` schedules it; ``Q_CLUSTER['sync']`` or
calling it directly runs it in-process); ``build_month`` does the work for the task and for the
``batch_agreements`` management command, reporting progress through a callback.
"""
import datetime as dt
import io
import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.utils import timezone

from tiaojie.cases.models import Agreement, Case
from tiaojie.documents.models import BatchJob

log = logging.getLogger("tiaojie.documents")


def request_batch(user, *, organization, month: dt.date, include_children: bool = True) -> BatchJob:
    """Ask for a month's agreements of ``organization`` as one PDF (built by the worker)."""
    from tiaojie.core import permissions
    from tiaojie.core.errors import Refused
    from tiaojie.core.scope import Scope

    permissions.require(user, "documents.batch")
    if not Scope.of(user).sees(organization):
        raise Refused("该单位不在您的管辖范围内")
    job = BatchJob.objects.create(organization=organization, month=month, include_children=include_children,
                                  requested_by=user)
    enqueue(job)
    return job


def month_range(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return first, nxt


def agreements_of(org, month: dt.date, user, include_children: bool = True):
    """Cases with an agreement effective in ``month`` handled by ``org`` (or its subtree), within the user's scope."""
    first, nxt = month_range(month)
    qs = Case.objects.visible_to(user).filter(agreement__effective_on__gte=first, agreement__effective_on__lt=nxt)
    qs = qs.filter(organization__path__startswith=org.path) if include_children else qs.filter(organization=org)
    return qs.select_related("organization", "dispute_type", "region", "agreement").order_by(
        "agreement__effective_on", "number")


def build_month(org, month: dt.date, user, include_children: bool = True,
                progress: Callable[[int, int], None] | None = None) -> tuple[bytes, int]:
    """(PDF, number of agreements): each case's 调解协议书 or 口头协议登记表, one after the other."""
    from pypdf import PdfWriter

    from tiaojie.documents.render import render_pdf

    cases = list(agreements_of(org, month, user, include_children))
    total = len(cases)
    if progress:
        progress(0, total)
    writer = PdfWriter()
    for i, case in enumerate(cases, start=1):
        code = "agreement" if case.agreement.kind == Agreement.Kind.WRITTEN else "oral_agreement"
        writer.append(io.BytesIO(render_pdf(case, code, user)))
        if progress:
            progress(i, total)
    if total == 0:
        from tiaojie.documents.render import html_to_pdf, page_html

        first, _ = month_range(month)
        writer.append(io.BytesIO(html_to_pdf(page_html(
            [f'<section class="doc"><h1>{first.year}年{first.month}月无调解协议</h1></section>'], "无协议"))))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), total


def run_job(job_id: int) -> int:
    """The django-q2 task: build the PDF of a BatchJob, storing progress on its row."""
    job = BatchJob.objects.select_related("organization", "requested_by").get(pk=job_id)
    job.state = BatchJob.State.RUNNING
    job.save(update_fields=["state"])

    def progress(done: int, total: int) -> None:
        BatchJob.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        data, total = build_month(job.organization, job.month, job.requested_by, job.include_children, progress)
    except Exception as exc:
        log.exception("batch job %s failed", job.pk)
        BatchJob.objects.filter(pk=job.pk).update(state=BatchJob.State.FAILED, error=f"{type(exc).__name__}：{exc}",
                                                  finished_at=timezone.now())
        return 0
    job.refresh_from_db()
    job.file.save(f"agreements-{job.organization_id}-{job.month:%Y%m}-{job.pk}.pdf", ContentFile(data), save=False)
    job.state, job.total, job.done, job.finished_at = BatchJob.State.DONE, total, total, timezone.now()
    job.save(update_fields=["file", "state", "total", "done", "finished_at"])
    return total


def enqueue(job: BatchJob) -> None:
    from django.conf import settings
    from django_q.tasks import async_task

    async_task("tiaojie.documents.batch.run_job", job.pk, task_name=f"协议书批量打印{job.pk}",
               cluster=settings.TIAOJIE_QUEUE_HEAVY)
