"""The linkage API, mounted at /api/ (OpenAPI schema at /api/openapi.json, docs at /api/docs)."""
from django.urls import path
from ninja import NinjaAPI

from tiaojie.api.endpoints import install

api = NinjaAPI(
    title="人民调解综合管理平台 对接接口",
    version="1.0",
    description="法院、公安（110）、信访、12345 及其他部门系统移送纠纷、查询进展和结果、回传司法确认结果。"
                "认证：Authorization: Bearer <令牌>。POST 请求可带 Idempotency-Key 头，重试不会重复建案。",
    urls_namespace="api",
    docs_url="/docs",
)
install(api)

urlpatterns = [path("", api.urls)]
