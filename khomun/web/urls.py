from django.urls import path

from khomun.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("orgunits/<str:code>/", views.orgunit_detail, name="orgunit_detail"),
    path("language/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
]
