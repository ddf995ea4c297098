"""Staff pages of typical cases: nominate (from the case page's panel), edit and submit, the
city's review queue with approve / return. Every record is reached through ``core.access``."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tiaojie.core import access
from tiaojie.core.errors import DomainError, form_error
from tiaojie.core.permissions import allowed
from tiaojie.core.scope import Scope
from tiaojie.portal import services
from tiaojie.portal.anonymise import leftovers
from tiaojie.portal.forms import ReturnForm, TypicalCaseForm
from tiaojie.portal.models import TypicalCase
from tiaojie.portal.selectors import review_queue


@login_required
def index(request):
    """Typical cases in the user's scope by status; for the city, the review queue first."""
    status = request.GET.get("status", "")
    qs = (TypicalCase.objects.visible_to(request.user).select_related("dispute_type", "nominated_org", "case")
          .order_by("-updated_at", "-id"))
    if status in TypicalCase.Status.values:
        qs = qs.filter(status=status)
    return render(request, "portal/index.html", {
        "rows": qs[:200], "status": status, "statuses": TypicalCase.Status.choices,
        "queue": review_queue(request.user) if allowed(request.user, "typical.approve") else None,
    })


@login_required
@require_POST
def nominate(request, pk):
    case = access.case_for(request.user, pk, acting=True)
    try:
        typical = services.nominate(request.user, case)
    except DomainError as e:
        messages.error(request, e.message)
        return redirect("cases:detail", case.pk)
    messages.success(request, "已推荐为典型案例，系统已自动隐去个人信息，请逐段核对修改后提交审核")
    return redirect("portal:edit", typical.pk)


def _detail_context(request, typical, **extra):
    return {"t": typical, "may_edit": typical.editable and allowed(request.user, "typical.edit")
            and Scope.of(request.user).owns(typical),
            "may_review": allowed(request.user, "typical.approve") and Scope.of(request.user).owns(typical),
            "return_form": extra.pop("return_form", None) or ReturnForm(), **extra}


@login_required
def detail(request, pk):
    typical = access.typical_case_for(request.user, pk)
    return render(request, "portal/detail.html", _detail_context(request, typical))


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    typical = access.typical_case_for(request.user, pk, acting=True)
    known = services.known_for(typical.case)
    error = None
    if request.method == "POST":
        form = TypicalCaseForm(request.POST)
        if form.is_valid():
            submit = "submit" in request.POST
            d = form.cleaned_data
            texts = " ".join([d["title"], d["facts"], d["process"], d["outcome"], d["comment"]])
            left = leftovers(texts, known)
            if submit and left and "confirm" not in request.POST:
                error = "以下内容可能仍含个人信息，请修改后再提交：" + "、".join(sorted(set(left))[:10])
            else:
                try:
                    typical = services.save(request.user, typical, version=request.POST.get("version"),
                                            submit=submit, **d)
                except DomainError as e:
                    error = form_error(form, e)
                else:
                    messages.success(request, "已提交市司法局审核" if submit else "已保存")
                    return redirect("portal:detail", typical.pk)
    else:
        form = TypicalCaseForm(initial={
            "title": typical.title, "dispute_type": typical.dispute_type_id, "facts": typical.facts,
            "process": typical.process, "outcome": typical.outcome, "comment": typical.comment,
            "amount": typical.amount})
    if not typical.editable:
        error = error or f"该典型案例{typical.get_status_display()}，不能修改"
    return render(request, "portal/edit.html", {"t": typical, "form": form, "error": error},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def approve(request, pk):
    typical = access.typical_case_for(request.user, pk, acting=True)
    try:
        services.approve(request.user, typical, version=request.POST.get("version"))
    except DomainError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "已审核发布，公众可在典型案例库查看")
    return redirect("portal:detail", typical.pk)


@login_required
@require_POST
def send_back(request, pk):
    typical = access.typical_case_for(request.user, pk, acting=True)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.send_back(request.user, typical, version=request.POST.get("version"),
                               reason=form.cleaned_data["reason"])
        except DomainError as e:
            error = form_error(form, e)
            if error:
                messages.error(request, error)
        else:
            messages.success(request, "已退回推荐单位修改")
            return redirect("portal:detail", typical.pk)
    return render(request, "portal/detail.html", _detail_context(request, typical, return_form=form), status=400)
