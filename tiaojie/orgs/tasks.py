"""The background import (django-q2 task on the heavy queue) with progress and a time limit.

``enqueue(job)`` queues ``run_import``; with ``Q_CLUSTER['sync']`` (tests) it runs in-process.
The importer reports progress through a callback that also enforces the time limit: past
``TIAOJIE_IMPORT_TIME_LIMIT`` seconds it stops the import, which then saves nothing (the save
is one transaction). The cluster's own task timeout is a backstop a little above that.
"""
import dataclasses
import logging
import time

from django.conf import settings
from django.utils import timezone

from tiaojie.orgs import importer
from tiaojie.orgs.models import ImportJob

log = logging.getLogger("tiaojie.orgs")


class TimeLimitReached(Exception):
    pass


def report_to_dict(report: importer.ImportReport) -> dict:
    return dataclasses.asdict(report)


def report_from_dict(data: dict) -> importer.ImportReport:
    data = dict(data)
    data["errors"] = [importer.Problem(**p) for p in data.get("errors", [])]
    data["warnings"] = [importer.Problem(**p) for p in data.get("warnings", [])]
    data["summary"] = [tuple(x) for x in data.get("summary", [])]
    return importer.ImportReport(**data)


def run_import(job_id: int) -> str:
    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    if job.finished:
        return job.state  # a retried task after success: nothing to do again
    limit = settings.TIAOJIE_IMPORT_TIME_LIMIT
    deadline = time.monotonic() + limit
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, started_at=timezone.now())

    def progress(stage: str, done: int, total: int) -> None:
        if time.monotonic() > deadline:
            raise TimeLimitReached
        ImportJob.objects.filter(pk=job.pk).update(stage=stage, done=done, total=total)

    what = importer.IMPORTERS[job.what]
    try:
        report = what(job.requested_by, bytes(job.data), dry_run=job.dry_run, progress=progress)
    except TimeLimitReached:
        report = importer.ImportReport("调解组织" if job.what == "orgs" else "调解员", dry_run=job.dry_run)
        report.error(None, "", f"导入超过时间上限（{limit} 秒），已停止，未保存任何数据。请把文件拆小后分批导入")
    except Exception as exc:
        log.exception("import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.FAILED, data=b"",
                                                   error=f"导入时发生内部错误（{type(exc).__name__}），未保存任何数据",
                                                   finished_at=timezone.now())
        return ImportJob.State.FAILED
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.DONE, data=b"", report=report_to_dict(report),
                                               done=report.rows, total=report.rows, finished_at=timezone.now())
    return ImportJob.State.DONE


def enqueue(job: ImportJob) -> None:
    from django_q.tasks import async_task

    async_task("tiaojie.orgs.tasks.run_import", job.pk, task_name=f"Excel导入{job.pk}",
               cluster=settings.TIAOJIE_QUEUE_HEAVY, timeout=settings.TIAOJIE_IMPORT_TIME_LIMIT + 120)
