"""Province deadlines: the outsider (a Chaiyaphum district) neither sees nor sets Lampang's."""

WEB_ROUTES = {
    "deadline_index": None,  # redirects to the caller's own province
    "province_deadlines": ("get", "/schedule/deadlines/52/"),
    "province_deadline_set": ("post", "/schedule/deadlines/52/{lampang_period}/"),
}
