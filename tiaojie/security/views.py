"""Health and readiness, and the error pages (Chinese HTML for pages, Chinese JSON under /api/)."""
import shutil
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import connections
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

HEARTBEAT_MAX_AGE = 180  # seconds: the heartbeat job runs every minute on each cluster
DISK_MIN_FREE = 1024 ** 3  # bytes


def _api(request) -> bool:
    return request.path.startswith("/api/")


def _json(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "field": None, "errors": []}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def bad_request(request, exception=None):
    too_big = isinstance(exception, RequestDataTooBig)
    if too_big:
        detail = f"提交的数据过大（上限 {settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)} MB），请精简内容或分批提交。"
    else:
        detail = "请求有误，无法处理。请返回上一页重试。"
    if _api(request):
        return _json(detail, 413 if too_big else 400)
    return render(request, "400.html", {"detail": detail}, status=413 if too_big else 400)


def permission_denied(request, exception=None):
    detail = str(exception) if exception and str(exception) else "您的角色或管辖范围不允许访问。"
    if _api(request):
        return _json(detail, 403)
    return render(request, "403.html", {"exception": detail}, status=403)


def page_not_found(request, exception=None):
    if _api(request):
        return _json("接口地址不存在，请查看 /api/docs 中的接口列表。", 404)
    return render(request, "404.html", status=404)


def server_error(request):
    if _api(request):
        return _json("服务器内部错误，已记录，请稍后重试或联系系统管理员。", 500)
    try:
        return render(request, "500.html", status=500)
    except Exception:  # the template machinery itself may be what failed
        from django.http import HttpResponseServerError

        return HttpResponseServerError("<!doctype html><meta charset=utf-8><title>服务器错误</title>"
                                       "<h1>服务器内部错误</h1><p>已记录，请稍后重试或联系系统管理员。</p>")


def csrf_failure(request, reason=""):
    detail = "页面已过期或来源不明（CSRF 校验失败）。请刷新页面后重新提交；如果反复出现，请清除浏览器缓存后重新登录。"
    if _api(request):
        return _json(detail, 403)
    return render(request, "403_csrf.html", {"detail": detail}, status=403)


@never_cache
def healthz(request):
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok", "time": timezone.now().isoformat()})


def check_database(alias: str = "default") -> dict:
    t = time.monotonic()
    try:
        with connections[alias].cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
        return {"ok": True, "ms": round((time.monotonic() - t) * 1000, 1)}
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200]}


def check_workers() -> dict:
    from tiaojie.security.models import Heartbeat

    out = {"ok": True, "clusters": {}}
    try:
        beats = dict(Heartbeat.objects.values_list("name", "at"))
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200]}
    now = timezone.now()
    for name in (settings.TIAOJIE_QUEUE_SAFETY, settings.TIAOJIE_QUEUE_HEAVY):
        at = beats.get(name)
        age = (now - at).total_seconds() if at else None
        ok = age is not None and age <= HEARTBEAT_MAX_AGE
        out["clusters"][name] = {"ok": ok, "age_seconds": round(age, 1) if age is not None else None}
        out["ok"] = out["ok"] and ok
    return out


def check_disk() -> dict:
    out = {"ok": True, "paths": {}}
    for label, path in (("media", settings.MEDIA_ROOT), ("var", settings.VAR_DIR)):
        try:
            free = shutil.disk_usage(path).free
        except OSError:
            free = shutil.disk_usage(settings.VAR_DIR).free
        ok = free >= DISK_MIN_FREE
        out["paths"][label] = {"ok": ok, "free_mb": free // (1024 * 1024)}
        out["ok"] = out["ok"] and ok
    return out


@never_cache
def readyz(request):
    """Readiness: the database answers, both task clusters beat recently, disk space is left."""
    checks = {"database": check_database(), "workers": check_workers(), "disk": check_disk()}
    if "replica" in connections.settings:
        checks["replica"] = check_database("replica")
    ok = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503,
                        json_dumps_params={"ensure_ascii": False})
