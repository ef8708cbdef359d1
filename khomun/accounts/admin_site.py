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


class PolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Admin pages ask the policy module instead of Django's per-model permissions;
    each ModelAdmin still scopes its queryset through the policy."""

    def _allowed(self, request: HttpRequest) -> bool:
        from khomun.accounts import policy

        return policy.can_use_admin(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self._allowed(request)
