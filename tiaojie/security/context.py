def security_notices(request):
    """Unresolved decrypt failures, shown to those who must act on them (security administrator)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (user.is_superuser or user.role == "sec_admin"):
        return {}
    from tiaojie.security.models import DecryptFailure

    n = DecryptFailure.objects.filter(resolved=False).count()
    return {"decrypt_failures": n} if n else {}
