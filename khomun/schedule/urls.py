from django.urls import path

from khomun.schedule import calendar_views, reminder_views, views

urlpatterns = [
    path("deadlines/", views.deadline_index, name="deadline_index"),
    path("deadlines/<str:code>/", views.province_deadlines, name="province_deadlines"),
    path(
        "deadlines/<str:code>/<int:period_id>/",
        views.province_deadline_set,
        name="province_deadline_set",
    ),
    path("reminders/", reminder_views.reminder_index, name="reminder_index"),
    path(
        "reminders/default/<slug:key>/",
        reminder_views.reminder_default_set,
        name="reminder_default_set",
    ),
    path("reminders/<str:code>/", reminder_views.reminder_province, name="reminder_province"),
    path(
        "reminders/<str:code>/<slug:key>/",
        reminder_views.reminder_override_set,
        name="reminder_override_set",
    ),
    path(
        "reminders/<str:code>/<slug:key>/remove/",
        reminder_views.reminder_override_remove,
        name="reminder_override_remove",
    ),
    path("calendar/", calendar_views.calendar_page, name="calendar_page"),
    path("calendar/new/", calendar_views.calendar_create, name="calendar_create"),
    path("calendar/revoke/", calendar_views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", calendar_views.calendar_ics, name="calendar_feed"),
]
