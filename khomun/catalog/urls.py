from django.urls import path

from khomun.catalog import views

urlpatterns = [
    path("", views.catalog_index, name="catalog_index"),
    path("copy/", views.catalog_copy, name="catalog_copy"),
    path("<int:year>/", views.catalog_year, name="catalog_year"),
    path("<int:year>/export/", views.catalog_export, name="catalog_export"),
    path("<int:year>/import/", views.catalog_import, name="catalog_import"),
    path("<int:year>/new/", views.dataset_new, name="catalog_new"),
    path("<int:year>/preview/", views.dataset_preview, name="catalog_preview"),
    path("<int:year>/<slug:key>/", views.dataset_edit, name="catalog_edit"),
    path("<int:year>/<slug:key>/yaml/", views.dataset_yaml, name="catalog_yaml"),
    path("<int:year>/<slug:key>/publish/", views.dataset_publish, name="catalog_publish"),
]
