from django.contrib import admin
from django.urls import include, path

from khomun.api.urls import api

handler403 = "khomun.web.views.error_403"
handler404 = "khomun.web.views.error_404"
handler500 = "khomun.web.views.error_500"

urlpatterns = [
    path("", include("khomun.web.urls")),
    path("accounts/", include("khomun.accounts.urls")),
    path("records/", include("khomun.records.urls")),
    path("subjects/", include("khomun.records.subject_urls")),
    path("catalog/", include("khomun.catalog.urls")),
    path("schedule/", include("khomun.schedule.urls")),
    path("monitoring/", include("khomun.monitoring.urls")),
    path("quality/", include("khomun.monitoring.quality_urls")),
    path("excel/", include("khomun.excel.urls")),
    path("notifications/", include("khomun.notifications.urls")),
    path("letters/", include("khomun.letters.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
