"""Pages of the documents app: a case's documents and attachments, downloads, the 卷宗, batch printing.

Every view reaches a case through ``Case.objects.visible_to(request.user)`` (404 otherwise);
files are never served from a static URL.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from tiaojie.cases import transitions
from tiaojie.cases.models import Case
from tiaojie.core import access
from tiaojie.documents import batch as batchmod
from tiaojie.documents import casefile as casefilemod
from tiaojie.documents.completeness import check_complete
from tiaojie.documents.forms import AttachmentForm, BatchForm
from tiaojie.documents.kinds import KINDS, DocumentRefused, items_for, refusal
from tiaojie.documents.models import BatchJob
from tiaojie.documents.render import render as render_document
from tiaojie.documents.services import save_attachment, void_attachment


def _case(request, pk, acting: bool = False) -> Case:
    return access.case_for(request.user, pk, acting=acting)


def _download(data: bytes, content_type: str, name: str, inline: bool = False) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = content_disposition_header(not inline, name)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Cache-Control"] = "private, no-store"
    return resp


def _documents(case: Case) -> list[dict]:
    rows = []
    for kind in KINDS.values():
        reason = refusal(case, kind)
        if kind.per and not reason:
            items = items_for(case, kind)
            if not items:
                reason = f"本案还没有{kind.label}"
            for i, item in enumerate(items, start=1):
                rows.append({"kind": kind, "label": f"{kind.label}（第{i}次）" if len(items) > 1 else kind.label,
                             "item": item.pk})
            if items:
                continue
        rows.append({"kind": kind, "label": kind.label, "reason": reason, "item": None})
    return rows


def _page(request, case, form=None, status=200):
    return render(request, "documents/case_documents.html", {
        "case": case, "documents": _documents(case), "missing": check_complete(case),
        "attachments": case.attachments.select_related("uploaded_by", "party", "voided_by"),
        "form": form or AttachmentForm(case=case),
        "can_upload": transitions.may(case, request.user, "attach"),
    }, status=status)


@login_required
def case_documents(request, pk):
    return _page(request, _case(request, pk))


@login_required
def document(request, pk, code, fmt, item=None):
    case = _case(request, pk)
    if fmt not in ("pdf", "docx"):
        raise Http404
    kind = KINDS.get(code)
    if kind is None:
        raise Http404
    try:
        from tiaojie.documents.render import resolve

        _kind, obj = resolve(case, code, item)
        data, ctype, name = render_document(case, code, fmt, request.user, obj)
    except DocumentRefused as exc:
        return render(request, "documents/refused.html", {"case": case, "kind": kind, "message": exc.message},
                      status=409)
    except LookupError:
        raise Http404
    return _download(data, ctype, name, inline=fmt == "pdf" and request.GET.get("inline") == "1")


@login_required
def casefile(request, pk):
    case = _case(request, pk)
    data = casefilemod.build(case, request.user)
    return _download(data, "application/pdf", casefilemod.filename(case), inline=request.GET.get("inline") == "1")


@login_required
@require_POST
def upload(request, pk):
    case = _case(request, pk, acting=True)
    form = AttachmentForm(request.POST, request.FILES, case=case)
    if form.is_valid():
        d = form.cleaned_data
        try:
            att = save_attachment(case, request.user, d["file"], d["kind"], d["party"], d["note"],
                                  version=request.POST.get("version"))
        except ValidationError as exc:
            form.add_error("file", exc)
        except transitions.TransitionError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已上传：{att.original_name}（{att.get_kind_display()}）")
            return redirect("documents:case_documents", pk=case.pk)
    return _page(request, case, form, status=400)


@login_required
def attachment(request, pk):
    att = access.attachment_for(request.user, pk)
    inline = request.GET.get("inline") == "1" and att.content_type.startswith(("image/", "application/pdf"))
    try:
        f = att.file.open("rb")
    except OSError:
        raise Http404
    resp = FileResponse(f, content_type=att.content_type, as_attachment=not inline, filename=att.original_name)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "sandbox"
    resp["Cache-Control"] = "private, no-store"
    return resp


@login_required
@require_POST
def void(request, pk):
    """作废 an attachment uploaded by mistake (kept, marked void, with the reason)."""
    att = access.attachment_for(request.user, pk, acting=True)
    try:
        void_attachment(att, request.user, version=request.POST.get("version"), reason=request.POST.get("reason", ""))
    except transitions.TransitionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已作废：{att.original_name}")
    return redirect("documents:case_documents", pk=att.case_id)


@login_required
@require_http_methods(["GET", "POST"])
def batch(request):
    form = BatchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        job = batchmod.request_batch(request.user, organization=d["organization"], month=d["month"],
                                     include_children=d["include_children"])
        return redirect("documents:batch_status", pk=job.pk)
    jobs = BatchJob.objects.visible_to(request.user).filter(requested_by=request.user).select_related("organization")[:20]
    return render(request, "documents/batch.html", {"form": form, "jobs": jobs},
                  status=400 if form.is_bound and not form.is_valid() else 200)


def _job(request, pk) -> BatchJob:
    return access.get_for(request.user, BatchJob.objects.select_related("organization"), pk, what="该批量打印任务")


@login_required
def batch_status(request, pk):
    job = _job(request, pk)
    template = "documents/_batch_progress.html" if request.headers.get("HX-Request") else "documents/batch_status.html"
    return render(request, template, {"job": job})


@login_required
def batch_download(request, pk):
    job = _job(request, pk)
    if job.state != BatchJob.State.DONE or not job.file:
        raise Http404
    name = f"{job.organization.name}{job.month.year}年{job.month.month}月调解协议.pdf"
    return FileResponse(job.file.open("rb"), content_type="application/pdf", as_attachment=True, filename=name)
