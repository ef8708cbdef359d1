"""Province deadlines: the outsider (a Chaiyaphum district) neither sees nor sets Lampang's."""

WEB_ROUTES = {
    "deadline_index": None,  # redirects to the caller's own province
    "province_deadlines": ("get", "/schedule/deadlines/52/"),
    "province_deadline_set": ("post", "/schedule/deadlines/52/{lampang_period}/"),
    "reminder_index": None,  # the department's defaults, or a redirect to the caller's province
    "reminder_default_set": ("post", "/schedule/reminders/default/{lampang_dataset}/"),
    "reminder_province": ("get", "/schedule/reminders/52/"),
    "reminder_override_set": ("post", "/schedule/reminders/52/{lampang_dataset}/"),
    "reminder_override_remove": ("post", "/schedule/reminders/52/{lampang_dataset}/remove/"),
    "calendar_page": None,  # only the caller's own feed
    "calendar_create": None,  # only the caller's own feed
    "calendar_revoke": None,  # only the caller's own feed
    # No log-in, the token is the credential: test_calendar checks unknown and revoked
    # tokens (404) and that the outsider's feed holds only its own unit's periods.
    "calendar_feed": None,
}
