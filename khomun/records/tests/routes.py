"""The records app's routes and how the outsider (recorder of 3601) would reach Lampang's data.

The subject screens keep their list in `routes_subjects.py`; the collector reads only
this module, so it is merged here.
"""

from khomun.records.tests.routes_subjects import WEB_ROUTES as SUBJECT_ROUTES

WEB_ROUTES = {
    "record_period": ("get", "/records/2562/{lampang_dataset}/1/?orgunit=5201"),
    "record_new": ("post", "/records/2562/{lampang_dataset}/1/new/?orgunit=5201"),
    "record_detail": ("get", "/records/r/{lampang_record}/"),
    "record_edit": ("post", "/records/r/{lampang_record}/edit/"),
    **SUBJECT_ROUTES,
}
