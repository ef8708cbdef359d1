"""Every route of this app, for the scope test in khomun/web/tests/test_scope_everywhere.py."""

WEB_ROUTES: dict[str, object] = {
    "notification_list": None,  # only the caller's own notifications (test_views)
    "notification_read_all": None,  # only the caller's own notifications
    "notification_open": None,  # another user's notification is 404 (test_views)
    "notification_settings": None,  # only the caller's own settings
    "line_links": [
        ("get", "/notifications/line/?orgunit=52"),
        ("post", "/notifications/line/?orgunit=52"),
    ],
    "delivery_log": ("get", "/notifications/log/?orgunit=52"),
    # No Lampang delivery placeholder: test_log_views checks the outsider gets 404.
    "delivery_retry": None,
}
API_ROUTES: dict[str, object] = {}
