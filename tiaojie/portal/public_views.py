"""Public pages of typical cases: browse and search what the city published. Nothing here
takes a user; only ``TypicalCase.objects.published()`` is ever read, so a draft, a pending or a
returned typical case answers 404 like a number that does not exist."""
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tiaojie.cases.models import DisputeType
from tiaojie.portal.forms import SearchForm
from tiaojie.portal.models import TypicalCase

PER_PAGE = 10


def _types():
    used = set(TypicalCase.objects.published().values_list("dispute_type__parent__code", "dispute_type__code"))
    codes = {p or c for p, c in used}
    return list(DisputeType.objects.filter(parent__isnull=True, code__in=codes))


@require_GET
def index(request):
    form = SearchForm(request.GET or None)
    words, code = "", ""
    if form.is_valid():
        words, code = form.cleaned_data["q"].strip(), form.cleaned_data["type"].strip()
    chosen = DisputeType.objects.filter(code=code).select_related("parent").first() if code else None
    qs = TypicalCase.objects.published().search(words).select_related("dispute_type__parent")
    if chosen is not None:
        qs = qs.of_type(chosen)
    page = Paginator(qs.order_by("-published_at", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/gk/index.html", {
        "form": form, "page": page, "types": _types(), "chosen": chosen, "words": words,
        "searching": bool(words or chosen),
    })


@require_GET
def case(request, pk):
    typical = (TypicalCase.objects.published().select_related("dispute_type__parent").filter(pk=pk).first())
    if typical is None:
        raise Http404("没有这个典型案例")
    related = (TypicalCase.objects.published().of_type(typical.dispute_type).exclude(pk=typical.pk)
               .order_by("-published_at")[:3])
    return render(request, "portal/gk/case.html", {"t": typical, "related": related})
