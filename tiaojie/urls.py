from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from tiaojie.accounts.views import LoginView, admin_login_redirect
from tiaojie.security import views as security_views

admin.site.site_header = "人民调解综合管理平台 · 系统管理"
admin.site.site_title = "调解平台管理"
admin.site.index_title = "规则与基础数据"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cases:todo", permanent=False)),
    path("favicon.ico", RedirectView.as_view(url=static("tiaojie/favicon.svg"), permanent=True)),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("tiaojie.accounts.urls")),
    path("healthz", security_views.healthz, name="healthz"),
    path("readyz", security_views.readyz, name="readyz"),
    path("cases/", include("tiaojie.cases.urls")),
    path("orgs/", include("tiaojie.orgs.urls")),
    path("screening/", include("tiaojie.screening.urls")),
    path("warnings/", include("tiaojie.warnings.urls")),
    path("routing/", include("tiaojie.routing.urls")),
    path("documents/", include("tiaojie.documents.urls")),
    path("api/", include("tiaojie.api.urls")),
    path("stats/", include("tiaojie.stats.urls")),
    path("funding/", include("tiaojie.funding.urls")),
    path("notices/", include("tiaojie.notify.urls")),
    path("p/", include("tiaojie.public.urls")),
    path("typical/", include("tiaojie.portal.urls")),
    path("gk/", include("tiaojie.portal.public_urls")),  # public: typical cases, no login
    # Django admin's own login form would skip lockout messages and the second factor: use ours.
    path("admin/login/", admin_login_redirect),
    path("admin/", admin.site.urls),
]

# Error pages in Chinese (JSON under /api/)
handler400 = "tiaojie.security.views.bad_request"
handler403 = "tiaojie.security.views.permission_denied"
handler404 = "tiaojie.security.views.page_not_found"
handler500 = "tiaojie.security.views.server_error"
