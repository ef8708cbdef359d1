from django.urls import path

from khomun.records import subject_views as views

urlpatterns = [
    path("", views.subject_list, name="subject_list"),
    path("new/", views.subject_create, name="subject_create"),
    path("duplicates/", views.subject_duplicates, name="subject_duplicates"),
    path("<int:subject_id>/", views.subject_detail, name="subject_detail"),
    path("<int:subject_id>/edit/", views.subject_edit, name="subject_edit"),
    path("<int:subject_id>/dissolve/", views.subject_dissolve, name="subject_dissolve"),
    path("<int:subject_id>/merge/", views.subject_merge, name="subject_merge"),
]
