from django.urls import path

from khomun.schedule import views

urlpatterns = [
    path("deadlines/", views.deadline_index, name="deadline_index"),
    path("deadlines/<str:code>/", views.province_deadlines, name="province_deadlines"),
    path(
        "deadlines/<str:code>/<int:period_id>/",
        views.province_deadline_set,
        name="province_deadline_set",
    ),
]
