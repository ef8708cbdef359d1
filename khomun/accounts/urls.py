from django.contrib.auth import views as auth_views
from django.urls import path

from khomun.accounts import views
from khomun.accounts.forms import LoginForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/import/", views.user_import, name="user_import"),
    path(
        "users/<int:user_id>/reset-password/", views.user_reset_password, name="user_reset_password"
    ),
    path("audit/", views.audit_log, name="audit_log"),
]
