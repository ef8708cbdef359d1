"""Every route of this app, for the scope test in khomun/web/tests/test_scope_everywhere.py."""

WEB_ROUTES: dict[str, object] = {}
API_ROUTES: dict[str, object] = {}
