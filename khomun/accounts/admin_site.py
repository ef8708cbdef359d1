from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class KhomunAdminSite(admin.AdminSite):
    site_header = "Khomun · ศูนย์ข้อมูลกลาง กรมการพัฒนาชุมชน"
    site_title = "Khomun"

    def has_permission(self, request: HttpRequest) -> bool:
        from khomun.accounts import policy  # late: this module loads before the apps

        return request.user.is_active and policy.can_use_admin(request.user)


class KhomunAdminConfig(AdminConfig):
    default_site = "khomun.accounts.admin_site.KhomunAdminSite"
