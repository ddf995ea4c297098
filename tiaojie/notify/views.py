from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tiaojie.notify import services
from tiaojie.notify.models import Notice


@login_required
def inbox(request):
    items = list(Notice.objects.filter(user=request.user)[:100])
    return render(request, "notify/inbox.html", {"items": items, "unread": services.unread(request.user).count()})


@login_required
@require_POST
def read_all(request):
    services.mark_read(request.user)
    return redirect("notify:inbox")
