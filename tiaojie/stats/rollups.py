"""Rollup tables (汇总表): monthly figures of every large subtree, so that a province
dashboard or a yearly report reads a few hundred rows instead of millions of cases, and daily
figures of the largest ones (``RollupDay``: the partial months of an odd period).

``rebuild(months)`` recounts those months with ``figures.fine_rows`` and ``figures.fold`` (the
same code as live counts) and replaces their rows. Writes note the months they change after
they commit (``mark_dirty`` appends ``RollupChange`` rows; connected to
``cases.signals.case_changed``, which is itself sent after commit); ``rebuild_due`` (command and
django-q2 job) rebuilds the changed months and the recent ones, or everything with ``--full``,
and then removes only the change rows it read before counting.
"""
import datetime as dt
import json
import logging
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from tiaojie.core import fixedsql
from tiaojie.stats import figures
from tiaojie.stats.figures import Period

log = logging.getLogger("tiaojie.stats")
RECENT_MONTHS = 2
BATCH = 5000


def large_nodes(orgs: dict, limit: int | None = None) -> dict:
    """Organizations whose subtree has at least ``limit`` (``rollup_min_descendants``) organizations."""
    below: dict = defaultdict(int)
    for path, _kind in orgs.values():
        for part in path.strip("/").split("/")[:-1]:
            below[int(part)] += 1
    limit = figures.rollup_min_descendants() if limit is None else limit
    return {pk: orgs[pk][0] for pk, n in below.items() if n >= limit and pk in orgs}


def month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def next_month(m: dt.date) -> dt.date:
    return (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def rebuild(months: list[dt.date], progress=None) -> int:
    """Recount ``months`` (first days) for every large node; returns rows written.

    Contiguous months are counted together, at most ``CHUNK_MONTHS`` at a time (one set of
    queries each, memory bounded). Each fine row is added into the cells of its organization's
    large ancestors (worked out once per organization, not per row); the cells are written by
    COPY on PostgreSQL."""
    months = sorted(set(months))
    if not months:
        return 0
    from tiaojie.orgs.models import Organization

    orgs = figures.org_map()
    ups, groups = _ancestry(orgs)
    day_nodes = list(Organization.objects.filter(pk__in=large_nodes(orgs, figures.day_rollup_min_descendants())))
    written = 0
    runs, run = [], [months[0]]
    for m in months[1:]:
        if m == next_month(run[-1]) and len(run) < CHUNK_MONTHS:
            run.append(m)
        else:
            runs.append(run)
            run = [m]
    runs.append(run)
    for i, run in enumerate(runs):
        period = Period(run[0], next_month(run[-1]) - dt.timedelta(days=1))
        started = timezone.now()
        cells = _cells(figures.fine_rows("", period), ups, groups)
        days = {(node.pk, day, *ck): dict(data) for node in day_nodes
                for day, day_cells in figures.live_cells(node, period, by_day=True).items()
                for ck, data in day_cells.items()}
        written += _replace(period, run, cells, days, [node.pk for node in day_nodes], started)
        if progress:
            progress(i + 1, len(runs))
    log.info("rollups rebuilt: %s months, %s rows", len(months), written)
    return written


CHUNK_MONTHS = 12


def _ancestry(orgs: dict) -> tuple[dict, dict]:
    """For each organization: ((large node id, child key), …) over its large ancestors (itself
    included), and its committee-kind group (``figures.fold`` decides the same per row)."""
    nodes = large_nodes(orgs)
    ups, groups = {}, {}
    for org_id, (path, kind) in orgs.items():
        groups[org_id] = figures.kind_group(kind)
        pairs = []
        for part in path.strip("/").split("/"):
            node_id = int(part)
            node_path = nodes.get(node_id)
            if node_path is not None:
                pairs.append((node_id, figures._child_key(node_path, node_id, path)))
        ups[org_id] = tuple(pairs)
    return ups, groups


def _cells(rows, ups: dict, groups: dict) -> dict:
    """{(node id, month, facet, key): {measure: value}} of fine rows (the facets of ``figures.fold``)."""
    acc: dict = defaultdict(int)
    for org_id, month, t, s, measure, value in rows:
        up = ups.get(org_id)
        if not up:
            continue
        t = t or ""
        group = groups[org_id]
        for node_id, child in up:
            acc[(node_id, month, "total", "", measure)] += value
            acc[(node_id, month, "type", t, measure)] += value
            acc[(node_id, month, "kind", group, measure)] += value
            acc[(node_id, month, "child", child, measure)] += value
            if s:
                acc[(node_id, month, "source", s, measure)] += value
    cells: dict = {}
    for (node_id, month, facet, key, measure), value in acc.items():
        cell = cells.get((node_id, month, facet, key))
        if cell is None:
            cell = cells[(node_id, month, facet, key)] = {}
        cell[measure] = value
    return cells


def _replace(period: Period, run: list, cells: dict, days: dict, day_nodes: list, started) -> int:
    """Replace the rollups of ``period`` by ``cells`` (monthly) and ``days`` (the day rollups of
    ``day_nodes``) in one transaction; returns rows written."""
    from tiaojie.stats.models import Rollup, RollupDay, RollupState

    with transaction.atomic():
        Rollup.objects.filter(month__gte=period.start, month__lte=period.end).delete()
        RollupDay.objects.filter(day__gte=period.start, day__lte=period.end).delete()
        _write(Rollup, ("node_id", "month", "facet", "key", "data"), cells)
        _write(RollupDay, ("node_id", "day", "facet", "key", "data"), days)
        for m in run:
            RollupState.objects.update_or_create(
                month=m, defaults={"rebuilt_at": started, "dirty": False, "day_nodes": day_nodes})
    return len(cells) + len(days)


def _write(model, columns: tuple, cells: dict) -> None:
    """Insert ``cells`` {(node id, date, facet, key): data} into ``model`` (COPY on PostgreSQL)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur, cur.connection.cursor().copy(
                f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as cp:
            for (node_id, when, facet, key), data in cells.items():
                cp.write_row((node_id, when, facet, str(key), json.dumps(data)))
        return
    batch = []
    for (node_id, when, facet, key), data in cells.items():
        batch.append(model(**dict(zip(columns, (node_id, when, facet, str(key), data), strict=True))))
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            batch = []
    model.objects.bulk_create(batch)


def all_months() -> list[dt.date]:
    """Every month that has any record counted by the statistics."""
    from django.db.models import Max, Min

    from tiaojie.cases.models import Case
    from tiaojie.screening.models import HiddenDanger, ScreeningRound
    from tiaojie.stats.models import AggregateReport

    lows, highs = [], []
    for qs, fields in ((Case.objects, ("accepted_on",)), (ScreeningRound.objects, ("period_start",)),
                       (HiddenDanger.objects, ("found_on",)), (AggregateReport.objects, ("month",))):
        for f in fields:
            r = qs.aggregate(lo=Min(f), hi=Max(f))
            if r["lo"]:
                lows.append(r["lo"])
                highs.append(r["hi"])
    if not lows:
        return []
    out, m = [], month_start(min(lows))
    end = max(max(highs), timezone.localdate())
    while m <= end:
        out.append(m)
        m = next_month(m)
    return out


def rebuild_due(full: bool = False, progress=None) -> int:
    """The scheduled job: changed months plus the recent ones (or every month with ``full``).

    The change rows are read *before* counting and only those are removed afterwards: a write
    committed while the rebuild counts leaves a newer row, so its month is rebuilt next time."""
    from django.db.models import Max

    from tiaojie.stats.models import RollupChange

    seen = RollupChange.objects.aggregate(m=Max("id"))["m"] or 0
    if full:
        written = rebuild(all_months(), progress)
    else:
        today = timezone.localdate()
        months = {month_start(today)}
        m = month_start(today)
        for _ in range(RECENT_MONTHS - 1):
            m = month_start(m - dt.timedelta(days=1))
            months.add(m)
        months |= set(RollupChange.objects.filter(id__lte=seen).values_list("month", flat=True).distinct())
        written = rebuild(sorted(months), progress)
    RollupChange.objects.filter(id__lte=seen).delete()
    return written


REFRESH_TASK = "统计汇总立即刷新"


def refresh_state() -> dict | None:
    """The 立即刷新 under way, for the pages to show: {"running": bool, "queued_at": when a
    waiting one was queued}, or None when none is waiting or running. Read from django-q2's
    database queue (a worker that has taken a task locks it into the future until it is done);
    with another broker (Redis) nothing can be told and None is returned."""
    from django.conf import settings
    from django_q.models import OrmQ

    if "orm" not in settings.Q_CLUSTER:
        return None
    now = timezone.now()
    for queued in OrmQ.objects.using("default").filter(key=settings.TIAOJIE_QUEUE_HEAVY).order_by("id")[:200]:
        try:
            if queued.name() != REFRESH_TASK:
                continue
        except Exception:  # an unreadable queue entry is django-q2's business, not ours
            continue
        running = queued.lock is not None and queued.lock > now
        return {"running": running, "queued_at": None if running else queued.lock}
    return None


def queue_rebuild() -> bool:
    """Queue ``rebuild_due`` on the heavy queue (立即刷新); False when one is already waiting
    or running (the page says so and follows it: ``refresh_state``)."""
    from django.conf import settings
    from django_q.tasks import async_task

    if refresh_state() is not None:
        return False
    async_task("tiaojie.stats.rollups.rebuild_due", task_name=REFRESH_TASK, cluster=settings.TIAOJIE_QUEUE_HEAVY)
    return True


def mark_dirty(*days, committed: bool = False) -> None:
    """Note, once the writer's transaction commits, that the figures of the months of ``days``
    changed (an insert of append-only rows: nothing inside the writer's lock). ``committed``:
    the change is already committed (a ``case_changed`` receiver): written now, as part of the
    receivers' transaction."""
    from tiaojie.stats.models import RollupChange

    months = {month_start(d) for d in days if d}
    if not months:
        return

    def write():
        fixedsql.insert_many([RollupChange(month=m) for m in sorted(months)])   # compiled once (core.fixedsql)

    if committed:
        write()
    else:
        transaction.on_commit(write, robust=True)


def on_case_changed(sender, case, **kwargs) -> None:
    mark_dirty(case.accepted_on, timezone.localdate(), committed=True)
