from django.urls import path

from khomun.letters import views

app_name = "letters"
urlpatterns = [
    path("", views.letter_list, name="letters_list"),
    path("new/<str:code>/", views.letter_new, name="letters_new"),
    path("settings/<str:code>/", views.letter_settings, name="letters_settings"),
    path("<int:pk>/", views.letter_detail, name="letters_detail"),
    path("<int:pk>/cancel/", views.letter_cancel, name="letters_cancel"),
    path("<int:pk>/<str:file_format>/", views.letter_download, name="letters_download"),
]
