from django.urls import path

from khomun.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("read-all/", views.notification_read_all, name="notification_read_all"),
    path("<int:notification_id>/", views.notification_open, name="notification_open"),
    path("settings/", views.notification_settings, name="notification_settings"),
    path("line/", views.line_links, name="line_links"),
    path("log/", views.delivery_log, name="delivery_log"),
    path("log/<int:delivery_id>/retry/", views.delivery_retry, name="delivery_retry"),
]
