"""Organization and mediator pages; every read goes through the scope rule.

Personal data: ID numbers and phones are masked unless ``user.can_unmask``; each page that
shows them unmasked is logged in ``PersonalDataAccess``. Exports are always masked.
"""
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tiaojie.core import permissions
from tiaojie.core.errors import DomainError
from tiaojie.core.scope import Scope
from tiaojie.core.xlsx import sheet_bytes
from tiaojie.core.xlsx import xlsx_response as _xlsx_response
from tiaojie.orgs import importer, services
from tiaojie.orgs import tasks as import_tasks
from tiaojie.orgs.forms import (
    AttendanceForm,
    HonourForm,
    ImportForm,
    MediatorFilterForm,
    OrgFilterForm,
    TrainingForm,
)
from tiaojie.orgs.models import Honour, ImportJob, Mediator, OrgKind, Training
from tiaojie.orgs.ports import honour_candidates, mediator_figures
from tiaojie.orgs.selectors import (
    active_mediator_counts,
    mediators_of_subtree,
    mediators_serving,
    visible_mediators,
    visible_orgs,
)
from tiaojie.orgs.training import shortfalls
from tiaojie.security.protected import log_access

PAGE_SIZE = 50


def _depth(path: str) -> int:
    return len([p for p in path.strip("/").split("/") if p])


def _show(m: Mediator, name: str, unmask: bool) -> str:
    """The stored masked text, or (for a role that may unmask, logged by the caller) the decrypted value."""
    field = Mediator.id_number if name == "id_number" else Mediator.phone
    return getattr(m, name) if unmask and field.masked(m) else field.masked(m)


# ---------------------------------------------------------------------------------------
# Organizations


@login_required
def org_list(request):
    form = OrgFilterForm(request.GET or None)
    qs = visible_orgs(request.user).select_related("region", "parent").annotate(
        n_children=Count("children", distinct=True))
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("q"):
        q = filters["q"].strip()
        qs = qs.filter(Q(name__icontains=q) | Q(abbr__icontains=q) | Q(trade__icontains=q)
                       | Q(region__name__icontains=q) | Q(region__code__startswith=q)
                       | Q(contact_name__icontains=q))
    if not filters.get("inactive"):
        qs = qs.filter(is_active=True)
    if request.GET.get("export") == "xlsx":
        rows = [(o.name, o.abbr, o.get_kind_display(), o.trade, o.region.code, o.region.name,
                 o.parent.name if o.parent else "", o.contact_name, o.contact_phone, "在用" if o.is_active else "停用")
                for o in qs.order_by("path")[:50_000]]
        data = sheet_bytes("调解组织", ("名称", "简称", "组织类型", "行业领域", "区划代码", "区划", "上级单位",
                                      "联系人", "联系电话", "状态"), rows, widths=(36, 12, 24, 10, 14, 12, 30, 10, 14, 6))
        return _xlsx_response(data, "调解组织.xlsx")
    page = Paginator(qs.order_by("path"), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = active_mediator_counts([o.pk for o in page])
    root = _depth(Scope.of(request.user).path or "/1/")
    for o in page:
        o.indent = max(_depth(o.path) - root, 0)
        o.counts = counts[o.pk]
    return render(request, "orgs/org_list.html", {
        "page": page, "form": form, "filtered": bool(filters.get("kind") or filters.get("q")),
        "can_import": importer.can_import(request.user),
    })


@login_required
def org_detail(request, pk):
    org = get_object_or_404(visible_orgs(request.user).select_related("region__parent__parent__parent", "parent"),
                            pk=pk)
    visible = visible_orgs(request.user)
    ancestors = list(visible.filter(pk__in=org.ancestors().values("pk")).exclude(pk=org.pk).order_by("path"))
    parent_visible = org.parent_id is not None and any(a.pk == org.parent_id for a in ancestors)
    children = list(org.children.select_related("region").order_by("kind", "name"))
    counts = active_mediator_counts([org.pk] + [c.pk for c in children])
    for c in children:
        c.counts = counts[c.pk]
    unmask = request.user.can_unmask
    mediators_qs = mediators_serving(org).select_related("organization").order_by("-full_time", "name")
    total = mediators_qs.count()
    mediators = list(mediators_qs[:100])
    for m in mediators:
        m.phone_shown = _show(m, "phone", unmask)
        m.concurrent = m.organization_id != org.pk
    if unmask and any(m.phone_masked for m in mediators):
        log_access(request.user, "调解组织详情·调解员电话", f"{org.name}（{len(mediators)}人）")
    subtree_total = mediators_of_subtree(Mediator.objects.filter(status=Mediator.Status.ACTIVE), org).count()
    return render(request, "orgs/org_detail.html", {
        "org": org, "ancestors": ancestors, "parent_visible": parent_visible, "children": children,
        "counts": counts[org.pk], "mediators": mediators, "mediator_total": total,
        "subtree_total": subtree_total, "unmask": unmask,
    })


# ---------------------------------------------------------------------------------------
# Mediators


def _figures_year(form) -> int:
    year = form.cleaned_data.get("year") if form.is_bound and form.is_valid() else None
    return year or timezone.localdate().year


def _rate(value) -> str:
    return f"{value:.1%}" if value is not None else ""


def _filtered_mediators(request):
    """The roster queryset after scope and filters, the bound form and the selected org."""
    user = request.user
    form = MediatorFilterForm(request.GET or None)
    qs = visible_mediators(user)
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("full_time") in ("0", "1"):
        qs = qs.filter(full_time=filters["full_time"] == "1")
    if filters.get("employment"):
        qs = qs.filter(employment=filters["employment"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    selected_org = None
    if filters.get("org"):
        selected_org = visible_orgs(user).filter(pk=filters["org"]).first()
        if selected_org is None:
            qs = qs.none()
        else:
            qs = mediators_of_subtree(qs, selected_org)
    if filters.get("q"):
        q = filters["q"].strip()
        cond = (Q(name__icontains=q) | Q(title__icontains=q) | Q(qualifications__icontains=q)
                | Q(organization__name__icontains=q))
        if user.can_unmask and len(q) >= 7 and q.replace("-", "").isalnum():
            cond |= Mediator.phone.q(q) | Mediator.id_number.q(q)  # exact, by keyed hash
        qs = qs.filter(cond)
    return qs, form, selected_org


def _org_choices(user, selected):
    """Organizations offered in the roster filter: all visible ones if few, else no villages."""
    qs = visible_orgs(user).filter(is_active=True).order_by("path")
    if qs.count() > 300:
        qs = qs.exclude(kind=OrgKind.VILLAGE)
    choices = list(qs.values_list("pk", "name", "path")[:1000])
    base = _depth(Scope.of(user).path or "/1/")
    options = [(pk, "\u3000" * max(_depth(path) - base, 0) + name) for pk, name, path in choices]
    if selected is not None and all(pk != selected.pk for pk, _ in options):
        options.insert(0, (selected.pk, selected.name))
    return options


@login_required
def mediator_list(request):
    qs, form, selected_org = _filtered_mediators(request)
    qs = qs.select_related("organization").prefetch_related("committees").order_by(
        "organization__path", "-full_time", "name")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    unmask = request.user.can_unmask
    year = _figures_year(form)
    figures = mediator_figures([m.pk for m in page], user=request.user, date_from=dt.date(year, 1, 1),
                               date_to=dt.date(year, 12, 31))
    for m in page:
        m.id_shown = _show(m, "id_number", unmask)
        m.phone_shown = _show(m, "phone", unmask)
        m.fig = figures[m.pk]
    if unmask and any(m.id_masked or m.phone_masked for m in page):
        log_access(request.user, "调解员名册（未脱敏）",
                      f"第{page.number}页，{len(page)}人" + (f"，{selected_org.name}" if selected_org else ""))
    totals = qs.aggregate(n=Count("id"), ft=Count("id", filter=Q(full_time=True)),
                          active=Count("id", filter=Q(status=Mediator.Status.ACTIVE)),
                          active_ft=Count("id", filter=Q(status=Mediator.Status.ACTIVE, full_time=True)))
    totals["pt"] = totals["n"] - totals["ft"]
    totals["left"] = totals["n"] - totals["active"]
    return render(request, "orgs/mediator_list.html", {
        "page": page, "form": form, "org_options": _org_choices(request.user, selected_org),
        "selected_org": selected_org, "totals": totals, "unmask": unmask,
        "export_query": request.GET.urlencode(), "year": year,
    })


EXPORT_HEADERS = ("姓名", "性别", "身份证号", "联系电话", "专职/兼职", "聘用方式", "所属调委会", "兼任调委会",
                  "职务", "资质/专长", "状态", "入职日期", "办案数", "调解成功率", "平均办结天数", "回访满意率")


@login_required
@require_GET
def mediator_export(request):
    """The filtered roster as .xlsx. Identifiers are always masked, whatever the role."""
    qs, form, _org = _filtered_mediators(request)
    qs = qs.select_related("organization").prefetch_related("committees").order_by(
        "organization__path", "-full_time", "name")
    year = _figures_year(form)
    mediators = list(qs)
    figures = mediator_figures([m.pk for m in mediators], user=request.user, date_from=dt.date(year, 1, 1),
                               date_to=dt.date(year, 12, 31), mediators=qs)

    def row(m):
        f = figures[m.pk]
        return (m.name, m.gender, m.id_masked, m.phone_masked, "专职" if m.full_time else "兼职",
                m.get_employment_display(), m.organization.name, "、".join(c.name for c in m.committees.all()),
                m.title, m.qualifications, m.get_status_display(), m.joined_on, f.caseload, _rate(f.success_rate),
                f"{f.avg_days:.1f}" if f.avg_days is not None else "", _rate(f.satisfaction))

    data = sheet_bytes(f"调解员名册（{year}年办案）", EXPORT_HEADERS, (row(m) for m in mediators),
                       widths=(10, 6, 22, 16, 10, 14, 34, 34, 10, 20, 8, 12, 8, 10, 10, 10))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _xlsx_response(data, f"调解员名册-{stamp}.xlsx")


@login_required
def mediator_detail(request, pk):
    m = get_object_or_404(visible_mediators(request.user).select_related("organization__region"), pk=pk)
    unmask = request.user.can_unmask
    if unmask and (m.id_masked or m.phone_masked):
        log_access(request.user, "调解员详情", f"{m.name}（#{m.pk}）")
    visible = visible_orgs(request.user)
    committees = [(c, visible.filter(pk=c.pk).exists()) for c in m.committees.order_by("path")]
    year = timezone.localdate().year
    figures = {"本年": mediator_figures([m.pk], user=request.user, date_from=dt.date(year, 1, 1))[m.pk],
               "累计": mediator_figures([m.pk], user=request.user)[m.pk]}
    attendance = m.training_attendance.select_related("training").order_by("-training__start_on")[:50]
    return render(request, "orgs/mediator_detail.html", {
        "figures": figures, "attendance": attendance, "honours": m.honours.select_related("awarded_by"),
        "m": m, "unmask": unmask, "committees": committees,
        "org_visible": visible.filter(pk=m.organization_id).exists(),
        "id_shown": _show(m, "id_number", unmask), "phone_shown": _show(m, "phone", unmask),
    })


# ---------------------------------------------------------------------------------------
# Import


def _require_import(user):
    if not importer.can_import(user):
        raise PermissionDenied("只有市司法局管理员和县级调解中心工作人员可以导入")


@login_required
def import_view(request):
    """Upload: checked at once (size, type, zip bomb), then imported by a background task."""
    _require_import(request.user)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            f = form.cleaned_data["file"]
            job = ImportJob.objects.create(what=form.cleaned_data["what"], dry_run=form.cleaned_data["dry_run"],
                                           file_name=f.name[:200], data=form.file_bytes, requested_by=request.user)
            import_tasks.enqueue(job)
            return redirect("orgs:import_job", job.pk)
    else:
        form = ImportForm(initial={"what": request.GET.get("what", "orgs")})
    return render(request, "orgs/import.html", {"form": form, "report": None,
                                                "max_size": importer.human_size(importer.MAX_UPLOAD_BYTES)})


@login_required
def import_job(request, pk):
    """Progress of one import (polled by htmx) and, when finished, its row-by-row report."""
    _require_import(request.user)
    job = get_object_or_404(ImportJob, pk=pk)
    if job.requested_by_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    report = import_tasks.report_from_dict(job.report) if job.report else None
    if request.headers.get("HX-Request"):
        if job.finished:  # the whole page shows the report
            resp = HttpResponse(status=204)
            resp["HX-Redirect"] = request.path
            return resp
        return render(request, "orgs/_import_progress.html", {"job": job})
    if report is not None and report.saved and not report.warnings and not job.shown:
        ImportJob.objects.filter(pk=job.pk).update(shown=True)
        messages.success(request, report.headline() + "".join(f" {label} {n}；" for label, n in report.summary))
        return redirect("orgs:list" if job.what == "orgs" else "orgs:mediators")
    form = ImportForm(initial={"what": job.what})
    return render(request, "orgs/import.html", {"form": form, "report": report, "job": job,
                                                "max_size": importer.human_size(importer.MAX_UPLOAD_BYTES)})


@login_required
@require_GET
def import_template(request, what):
    _require_import(request.user)
    if what not in importer.KINDS:
        raise Http404
    label = importer.KINDS[what][0]
    return _xlsx_response(importer.template_workbook(what), f"{label}导入模板.xlsx")


# ---------------------------------------------------------------------------------------
# Training (培训) and honours (表彰)

def _can_manage(user) -> bool:
    return permissions.allowed(user, "orgs.training")


def _require_manage(user) -> None:
    permissions.require(user, "orgs.training")


def _visible_trainings(user):
    return Training.objects.visible_to(user)


def _param_year(request) -> int:
    try:
        y = int(request.GET.get("year", ""))
        return y if 2011 <= y <= 2100 else timezone.localdate().year
    except ValueError:
        return timezone.localdate().year


def _years():
    return range(timezone.localdate().year, 2015, -1)


@login_required
def training_list(request):
    year = _param_year(request)
    trainings = (_visible_trainings(request.user).filter(start_on__year=year).select_related("organizer")
                 .annotate(n=Count("attendance")).order_by("-start_on", "-id"))
    if request.GET.get("export") == "xlsx":
        rows = [(t.get_kind_display(), t.topic, t.start_on.isoformat(), t.end_on.isoformat(), float(t.days),
                 float(t.hours), t.organizer.name, t.n) for t in trainings]
        data = sheet_bytes(f"{year}年培训", ("类别", "主题", "开始日期", "结束日期", "天数", "学时", "组织单位", "参训人数"),
                           rows, widths=(8, 36, 12, 12, 6, 6, 30, 8))
        return _xlsx_response(data, f"培训-{year}年.xlsx")
    page = Paginator(trainings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orgs/training_list.html", {"page": page, "year": year, "years": _years(),
                                                       "can_manage": _can_manage(request.user)})


@login_required
def training_edit(request, pk=None):
    _require_manage(request.user)
    training = get_object_or_404(_visible_trainings(request.user), pk=pk) if pk else None
    form = TrainingForm(request.POST or None, instance=training, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            t = services.save_training(request.user, training,
                                       **{k: form.cleaned_data[k] for k in services.TRAINING_FIELDS})
        except DomainError as e:
            form.add_error(e.field if e.field in form.fields else None, e.message)
        except ValidationError as e:
            for field, msgs in e.message_dict.items():
                form.add_error(field if field in form.fields else None, msgs)
        else:
            messages.success(request, "培训已保存")
            return redirect("orgs:training", t.pk)
    return render(request, "orgs/training_form.html", {"form": form, "training": training})


@login_required
def training_detail(request, pk):
    training = get_object_or_404(_visible_trainings(request.user).select_related("organizer"), pk=pk)
    can_manage = _can_manage(request.user)
    form = None
    if can_manage:
        form = AttendanceForm(request.POST or None, mediators=visible_mediators(request.user), training=training)
        if request.method == "POST" and form.is_valid():
            chosen = list(form.cleaned_data["mediators"])
            try:
                added = services.record_attendance(request.user, training, chosen, form.cleaned_data["days"])
            except DomainError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                messages.success(request, f"已登记参训{len(chosen)}人（新增{added}人）")
                return redirect("orgs:training", training.pk)
    elif request.method == "POST":
        _require_manage(request.user)
    attendance = training.attendance.select_related("mediator__organization").order_by("mediator__organization__path",
                                                                                       "mediator__name")
    return render(request, "orgs/training_detail.html", {"t": training, "attendance": attendance, "form": form,
                                                         "can_manage": can_manage})


@login_required
@require_POST
def training_remove_attendee(request, pk, attendance_pk):
    _require_manage(request.user)
    training = get_object_or_404(_visible_trainings(request.user), pk=pk)
    try:
        services.remove_attendee(request.user, training, attendance_pk)
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "已移除")
    return redirect("orgs:training", training.pk)


@login_required
@require_POST
def training_void(request, pk):
    """作废 a training entered by mistake (kept, marked, credits nobody)."""
    _require_manage(request.user)
    training = get_object_or_404(_visible_trainings(request.user), pk=pk)
    try:
        services.void_training(request.user, training, request.POST.get("reason", ""))
    except DomainError as e:
        messages.error(request, e.message)
        return redirect("orgs:training", training.pk)
    messages.success(request, "培训已作废，不再计入调解员培训天数")
    return redirect("orgs:trainings")


def _shortfall_rows(request):
    year = _param_year(request)
    qs = visible_mediators(request.user)
    org = None
    try:
        org_pk = int(request.GET.get("org", ""))
    except ValueError:
        org_pk = None
    if org_pk:
        org = visible_orgs(request.user).filter(pk=org_pk).first()
        qs = mediators_of_subtree(qs, org) if org else qs.none()
    return year, org, shortfalls(qs, year)


@login_required
def training_shortfalls(request):
    year, org, rows = _shortfall_rows(request)
    return render(request, "orgs/training_shortfalls.html", {
        "rows": rows, "year": year, "years": _years(), "selected_org": org,
        "org_options": _org_choices(request.user, org), "query": request.GET.urlencode()})


@login_required
@require_GET
def training_shortfall_export(request):
    year, _org, rows = _shortfall_rows(request)
    data = sheet_bytes(f"{year}年培训学时不足", ("姓名", "身份证号", "专职/兼职", "所属调委会", "入职日期",
                                              "全年培训天数", "岗前培训天数", "尚缺天数", "原因"),
                       [(s.mediator.name, s.mediator.id_masked, "专职" if s.mediator.full_time else "兼职",
                         s.mediator.organization.name,
                         s.mediator.joined_on.isoformat() if s.mediator.joined_on else "",
                         float(s.total_days), float(s.prejob_days), float(s.missing_days), "；".join(s.reasons))
                        for s in rows], widths=(10, 22, 8, 34, 12, 12, 12, 10, 50))
    return _xlsx_response(data, f"培训学时不足名单-{year}年.xlsx")


def _honour_scope(request):
    year = _param_year(request)
    qs = visible_mediators(request.user)
    try:
        min_cases = max(int(request.GET.get("min_cases", "5")), 1)
    except ValueError:
        min_cases = 5
    return year, min_cases, qs


@login_required
def honours_export(request):
    """The ranked candidate list and the honours awarded, as .xlsx (identifiers masked)."""
    year, min_cases, qs = _honour_scope(request)
    candidates = honour_candidates(qs, user=request.user, year=year, min_cases=min_cases)

    def pct(v):
        return "" if v is None else round(v * 100, 1)

    data = sheet_bytes(f"{year}年表彰候选", ("名次", "姓名", "身份证号", "所属调委会", "办案数", "成功率（%）",
                                            "满意率（%）", "平均办结天数", "已获表彰"),
                       [(c.rank, c.mediator.name, c.mediator.id_masked, c.mediator.organization.name,
                         c.figures.caseload, pct(c.figures.success_rate), pct(c.figures.satisfaction),
                         "" if c.figures.avg_days is None else round(c.figures.avg_days, 1),
                         "、".join(h.get_title_display() for h in c.honours)) for c in candidates],
                       widths=(6, 10, 22, 34, 8, 10, 10, 12, 20))
    return _xlsx_response(data, f"表彰候选名单-{year}年.xlsx")


@login_required
def honours(request):
    year, min_cases, qs = _honour_scope(request)
    can_manage = _can_manage(request.user)
    form = HonourForm(request.POST or None)
    if request.method == "POST":
        _require_manage(request.user)
        if form.is_valid():
            m = get_object_or_404(qs, pk=form.cleaned_data["mediator"])
            try:
                h = services.award_honour(request.user, m, year=year, title=form.cleaned_data["title"],
                                          note=form.cleaned_data["note"])
            except DomainError as e:
                messages.error(request, e.message)
            else:
                messages.success(request, f"已表彰{m.name}为{year}年度{h.get_title_display()}")
            return redirect(f"{request.path}?year={year}&min_cases={min_cases}")
    awarded = Honour.objects.filter(year=year, mediator__in=qs).select_related("mediator__organization", "awarded_by")
    candidates = honour_candidates(qs, user=request.user, year=year, min_cases=min_cases, limit=100)
    return render(request, "orgs/honours.html", {
        "year": year, "years": _years(), "min_cases": min_cases, "awarded": awarded, "candidates": candidates,
        "can_manage": can_manage, "titles": Honour.Title.choices})
