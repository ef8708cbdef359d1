"""Every route of this app, for the scope test in khomun/web/tests/test_scope_everywhere.py.

No shared fixture makes a Lampang letter, so the routes of one letter are listed as
None; test_views.py::test_the_outsider_cannot_reach_a_lampang_letter checks them.
"""

WEB_ROUTES: dict[str, object] = {
    "letters_list": None,  # lists only letters of provinces the caller sends letters for
    "letters_new": [("get", "/letters/new/52/"), ("post", "/letters/new/52/")],
    "letters_settings": [("get", "/letters/settings/52/"), ("post", "/letters/settings/52/")],
    "letters_detail": None,  # test_views.py::test_the_outsider_cannot_reach_a_lampang_letter
    "letters_cancel": None,  # same test
    "letters_download": None,  # same test
}
API_ROUTES: dict[str, object] = {}
