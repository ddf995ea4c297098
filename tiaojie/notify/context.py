def notices(request):
    """The bell of the staff pages: unread in-app notices of the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from tiaojie.notify.models import Notice

    n = Notice.objects.filter(user=user, read_at__isnull=True).count()
    return {"notice_count": n}
