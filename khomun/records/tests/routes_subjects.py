"""The subject screens and how the outsider (recorder of 3601) would reach Lampang's.

Merged into `routes.py` (the collector reads only that file)."""

WEB_ROUTES = {
    "subject_list": ("get", "/subjects/?orgunit=5201"),
    "subject_create": ("post", "/subjects/new/?orgunit=5201"),
    "subject_duplicates": ("get", "/subjects/duplicates/?province=52"),
    "subject_detail": ("get", "/subjects/{lampang_subject}/"),
    "subject_edit": ("post", "/subjects/{lampang_subject}/edit/"),
    "subject_dissolve": ("post", "/subjects/{lampang_subject}/dissolve/"),
    "subject_merge": ("post", "/subjects/{lampang_subject}/merge/"),
}
