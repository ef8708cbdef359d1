from django.contrib import admin
from django.http import HttpRequest

from khomun.accounts import policy
from khomun.accounts.admin_site import PolicyAdmin
from khomun.orgunits.models import Office, OrgUnit, WorkingGroup


@admin.register(OrgUnit)
class OrgUnitAdmin(PolicyAdmin):
    list_display = ["code", "name_th", "name_en", "level", "has_cdd_office"]
    list_filter = ["level", "has_cdd_office"]
    search_fields = ["code", "name_th", "name_en"]
    readonly_fields = ["code", "level", "parent", "path"]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return policy.visible_orgunits(request.user, super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the tree comes from `khomun load_orgunits`, never by hand

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Office)
class OfficeAdmin(PolicyAdmin):
    list_display = ["name_th", "kind", "phone"]
    search_fields = ["name_th", "orgunit__code"]
    readonly_fields = ["orgunit", "kind"]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        qs = super().get_queryset(request)
        return qs.filter(orgunit__in=policy.visible_orgunits(request.user, OrgUnit.objects.all()))

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        if not isinstance(obj, Office):
            return policy.can_use_admin(request.user)
        return policy.can_manage_orgunit(request.user, obj.orgunit)


@admin.register(WorkingGroup)
class WorkingGroupAdmin(PolicyAdmin):
    list_display = ["name_th", "office"]

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        qs = super().get_queryset(request)
        units = policy.visible_orgunits(request.user, OrgUnit.objects.all())
        return qs.filter(office__orgunit__in=units)
