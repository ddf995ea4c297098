from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from tiaojie.accounts.scope import visible_orgs


@login_required
def org_list(request):
    qs = visible_orgs(request.user).select_related("region", "parent")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "orgs/org_list.html", {"page": page})
