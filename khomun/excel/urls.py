from django.urls import path

from khomun.excel import views

urlpatterns = [
    path("", views.excel_home, name="excel_home"),
    path(
        "<int:fiscal_year>/<slug:dataset_key>/<int:period_number>/",
        views.excel_period,
        name="excel_period",
    ),
    path(
        "<int:fiscal_year>/<slug:dataset_key>/<int:period_number>/template.xlsx",
        views.excel_template,
        name="excel_template",
    ),
    path("imports/<int:job_id>/", views.import_detail, name="excel_import"),
    path("imports/<int:job_id>/status/", views.import_status, name="excel_import_status"),
    path("imports/<int:job_id>/errors.xlsx", views.import_errors, name="excel_import_errors"),
    path("export/", views.export, name="excel_export"),
    path("exports/<int:log_id>/", views.export_detail, name="excel_export_detail"),
    path("exports/<int:log_id>/download/", views.export_download, name="excel_export_download"),
]
