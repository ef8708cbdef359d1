from django.urls import path

from khomun.monitoring import views

PERIOD = "<int:fiscal_year>/<str:code>/<slug:dataset_key>/<int:period_number>/"

urlpatterns = [
    path("", views.monitoring_home, name="monitoring_home"),
    path("<int:fiscal_year>/<str:code>/", views.matrix_view, name="monitoring_matrix"),
    path(PERIOD, views.period_view, name="monitoring_period"),
    path(PERIOD + "submit/", views.submit_view, name="monitoring_submit"),
    path(PERIOD + "approve/", views.approve_view, name="monitoring_approve"),
    path(PERIOD + "return/", views.return_view, name="monitoring_return"),
    path(PERIOD + "reopen/", views.reopen_view, name="monitoring_reopen"),
]
urlpatterns += [
    path("<int:fiscal_year>/<str:code>/report/", views.report_view, name="monitoring_report"),
]
