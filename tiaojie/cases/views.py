from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def todo(request):
    return render(request, "cases/todo.html", {})
