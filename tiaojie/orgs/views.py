"""Organization and mediator pages; every read goes through the scope rule.

Personal data: ID numbers and phones are masked unless ``user.can_unmask``; each page that
shows them unmasked is logged in ``PersonalDataAccess``. Exports are always masked.
"""
import io
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from tiaojie.accounts.models import PersonalDataAccess
from tiaojie.accounts.scope import scope_path, visible_orgs
from tiaojie.orgs import importer
from tiaojie.orgs.forms import ImportForm, MediatorFilterForm, OrgFilterForm
from tiaojie.orgs.models import Mediator, OrgKind
from tiaojie.orgs.selectors import (
    active_mediator_counts,
    mediators_of_subtree,
    mediators_serving,
    visible_mediators,
)
from tiaojie.orgs.validators import mask_id, mask_phone

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _depth(path: str) -> int:
    return len([p for p in path.strip("/").split("/") if p])


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=XLSX)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


def _log_unmasked(user, what: str, object_repr: str) -> None:
    PersonalDataAccess.objects.create(user=user, what=what[:100], object_repr=object_repr[:200])


def _show(value: str, unmask: bool, masker) -> str:
    return value if unmask else masker(value)


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
    page = Paginator(qs.order_by("path"), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = active_mediator_counts([o.pk for o in page])
    root = _depth(scope_path(request.user) or "/1/")
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
        m.phone_shown = _show(m.phone, unmask, mask_phone)
        m.concurrent = m.organization_id != org.pk
    if unmask and any(m.phone for m in mediators):
        _log_unmasked(request.user, "调解组织详情·调解员电话", f"{org.name}（{len(mediators)}人）")
    subtree_total = mediators_of_subtree(Mediator.objects.filter(status=Mediator.Status.ACTIVE), org).count()
    return render(request, "orgs/org_detail.html", {
        "org": org, "ancestors": ancestors, "parent_visible": parent_visible, "children": children,
        "counts": counts[org.pk], "mediators": mediators, "mediator_total": total,
        "subtree_total": subtree_total, "unmask": unmask,
    })


# ---------------------------------------------------------------------------------------
# Mediators


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
        if user.can_unmask and q.isalnum() and len(q) >= 7:
            cond |= Q(phone=q) | Q(id_number=q.upper())
        qs = qs.filter(cond)
    return qs, form, selected_org


def _org_choices(user, selected):
    """Organizations offered in the roster filter: all visible ones if few, else no villages."""
    qs = visible_orgs(user).filter(is_active=True).order_by("path")
    if qs.count() > 300:
        qs = qs.exclude(kind=OrgKind.VILLAGE)
    choices = list(qs.values_list("pk", "name", "path")[:1000])
    base = _depth(scope_path(user) or "/1/")
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
    for m in page:
        m.id_shown = _show(m.id_number, unmask, mask_id)
        m.phone_shown = _show(m.phone, unmask, mask_phone)
    if unmask and any(m.id_number or m.phone for m in page):
        _log_unmasked(request.user, "调解员名册（未脱敏）",
                      f"第{page.number}页，{len(page)}人" + (f"，{selected_org.name}" if selected_org else ""))
    totals = qs.aggregate(n=Count("id"), ft=Count("id", filter=Q(full_time=True)))
    totals["pt"] = totals["n"] - totals["ft"]
    return render(request, "orgs/mediator_list.html", {
        "page": page, "form": form, "org_options": _org_choices(request.user, selected_org),
        "selected_org": selected_org, "totals": totals, "unmask": unmask,
        "export_query": request.GET.urlencode(),
    })


EXPORT_HEADERS = ("姓名", "性别", "身份证号", "联系电话", "专职/兼职", "聘用方式", "所属调委会", "兼任调委会",
                  "职务", "资质/专长", "状态", "入职日期")


@login_required
@require_GET
def mediator_export(request):
    """The filtered roster as .xlsx. Identifiers are always masked, whatever the role."""
    import xlsxwriter

    qs, _form, _org = _filtered_mediators(request)
    qs = qs.select_related("organization").prefetch_related("committees").order_by(
        "organization__path", "-full_time", "name")
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("调解员名册")
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    for col, (header, width) in enumerate(zip(EXPORT_HEADERS, (10, 6, 22, 16, 10, 14, 34, 34, 10, 20, 8, 12),
                                              strict=True)):
        ws.write_string(0, col, header, bold)
        ws.set_column(col, col, width)
    row = 0
    for row, m in enumerate(qs.iterator(chunk_size=2000), start=1):
        values = (m.name, m.gender, mask_id(m.id_number), mask_phone(m.phone), "专职" if m.full_time else "兼职",
                  m.get_employment_display(), m.organization.name, "、".join(c.name for c in m.committees.all()),
                  m.title, m.qualifications, m.get_status_display(),
                  m.joined_on.isoformat() if m.joined_on else "")
        for col, value in enumerate(values):
            ws.write_string(row, col, value or "")
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(row, 1), len(EXPORT_HEADERS) - 1)
    wb.close()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _xlsx_response(buf.getvalue(), f"调解员名册-{stamp}.xlsx")


@login_required
def mediator_detail(request, pk):
    m = get_object_or_404(visible_mediators(request.user).select_related("organization__region"), pk=pk)
    unmask = request.user.can_unmask
    if unmask and (m.id_number or m.phone):
        _log_unmasked(request.user, "调解员详情", f"{m.name}（#{m.pk}）")
    visible = visible_orgs(request.user)
    committees = [(c, visible.filter(pk=c.pk).exists()) for c in m.committees.order_by("path")]
    return render(request, "orgs/mediator_detail.html", {
        "m": m, "unmask": unmask, "committees": committees,
        "org_visible": visible.filter(pk=m.organization_id).exists(),
        "id_shown": _show(m.id_number, unmask, mask_id), "phone_shown": _show(m.phone, unmask, mask_phone),
    })


# ---------------------------------------------------------------------------------------
# Import


def _require_import(user):
    if not importer.can_import(user):
        raise PermissionDenied("只有市司法局管理员和县级调解中心工作人员可以导入")


@login_required
def import_view(request):
    _require_import(request.user)
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            what = form.cleaned_data["what"]
            report = importer.IMPORTERS[what](request.user, form.cleaned_data["file"],
                                             dry_run=form.cleaned_data["dry_run"])
            if report.saved:
                messages.success(request, report.headline() + "".join(
                    f" {label} {n}；" for label, n in report.summary))
                if not report.warnings:
                    return redirect("orgs:list" if what == "orgs" else "orgs:mediators")
    else:
        form = ImportForm(initial={"what": request.GET.get("what", "orgs")})
    return render(request, "orgs/import.html", {"form": form, "report": report,
                                                "max_size": importer.human_size(importer.MAX_UPLOAD_BYTES)})


@login_required
@require_GET
def import_template(request, what):
    _require_import(request.user)
    if what not in importer.KINDS:
        raise Http404
    label = importer.KINDS[what][0]
    return _xlsx_response(importer.template_workbook(what), f"{label}导入模板.xlsx")
