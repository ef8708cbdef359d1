from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "khomun.accounts"
    verbose_name = "บัญชีผู้ใช้และสิทธิ์"

    def ready(self) -> None:
        from khomun.accounts import signals  # noqa: F401  (connects the audit receivers)
        from khomun.accounts.models import ApiToken, RoleAssignment, User
        from khomun.lib import refcache

        refcache.watch(RoleAssignment, ApiToken)
        # A log-in writes only last_login, which no kept copy of a user is read for: it
        # must not drop every worker's kept data at each of a morning's log-ins.
        refcache.watch(User, unless_only=frozenset({"last_login"}))
