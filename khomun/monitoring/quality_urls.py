from django.urls import path

from khomun.monitoring import quality_views

urlpatterns = [
    path(
        "<int:fiscal_year>/<str:code>/<slug:dataset_key>/<int:period_number>/",
        quality_views.quality_review,
        name="quality_review",
    ),
    path("r/<int:record_id>/mark/", quality_views.quality_mark, name="quality_mark"),
]
