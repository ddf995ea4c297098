def notices(request):
    """The bell of the staff pages: unread in-app notices of the signed-in user ("99+" beyond 99)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from tiaojie.notify import services

    n = services.bell_count(user)
    return {"notice_count": n, "notice_badge": f"{services.BELL_MAX}+" if n > services.BELL_MAX else str(n)}
