from ninja import NinjaAPI

from khomun.api import errors
from khomun.api.auth import TokenAuth
from khomun.api.catalog_endpoints import router as catalog_router
from khomun.api.endpoints import router as foundation_router
from khomun.api.excel_endpoints import router as excel_router
from khomun.api.monitoring_endpoints import router as monitoring_router
from khomun.api.records_endpoints import router as records_router

api = NinjaAPI(
    title="Khomun API",
    version="1",
    description=(
        "ศูนย์ข้อมูลกลาง กรมการพัฒนาชุมชน · API v1. Authenticate with "
        "`Authorization: Bearer TOKEN` (make one with `khomun token USERNAME`). Errors are "
        '`{"message", "field", "errors": {FIELD: [message]}}`.'
    ),
    auth=TokenAuth(),
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api-v1",
)
errors.install(api)
api.add_router("", foundation_router)
api.add_router("", catalog_router)
api.add_router("", records_router)
api.add_router("", monitoring_router)
api.add_router("", excel_router)
