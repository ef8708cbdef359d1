"""The admin asks the policy module, like every other door into the data."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from khomun.accounts import audit, policy
from khomun.accounts.models import AuditEvent, RoleAssignment, User


class RoleInline(admin.TabularInline[RoleAssignment, User]):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["orgunit"]
    readonly_fields = ["role", "orgunit"]  # roles change through the audited services

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    inlines = [RoleInline]
    list_display = ["username", "first_name", "last_name", "is_active", "last_login"]
    fieldsets = [
        (None, {"fields": ["username", "first_name", "last_name", "email", "position", "phone"]}),
        ("สถานะ", {"fields": ["is_active", "must_change_password", "language", "last_login"]}),
    ]
    readonly_fields = ["last_login"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return policy.manageable_users(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.can_use_admin(request.user) and (
            obj is None or policy.can_manage_user(request.user, obj)
        )

    has_change_permission = has_view_permission

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.can_use_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # accounts are created with a random password in the app

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: the audit trail keeps pointing at the account


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ["at", "action", "username", "ip_address", "actor"]
    list_filter = ["action"]
    search_fields = ["username"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return audit.events_for(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.audit_scope_paths(request.user) != []

    has_module_permission = has_view_permission

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
