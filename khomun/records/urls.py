from django.urls import path

from khomun.records import views

urlpatterns = [
    path(
        "<int:fiscal_year>/<slug:dataset_key>/<int:period_number>/",
        views.period_detail,
        name="record_period",
    ),
    path(
        "<int:fiscal_year>/<slug:dataset_key>/<int:period_number>/new/",
        views.record_new,
        name="record_new",
    ),
    path("r/<int:record_id>/", views.record_detail, name="record_detail"),
    path("r/<int:record_id>/edit/", views.record_edit, name="record_edit"),
]
