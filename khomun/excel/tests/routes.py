"""The Excel routes and how the outsider (recorder of 3601) would reach Lampang's data.

The import pages need an import of Lampang, which the shared fixtures do not
make: `{lampang_record}` stands in for its id here, and test_import_views and
api/tests/test_imports make a real Lampang import and check the outsider gets 404.
The same goes for a background export (test_exports makes one).
"""

WEB_ROUTES = {
    "excel_home": None,  # lists only imports in the caller's own scope (test_home_view)
    "excel_period": ("post", "/excel/2562/{lampang_dataset}/1/?orgunit=5201"),
    "excel_template": ("get", "/excel/2562/{lampang_dataset}/1/template.xlsx?orgunit=5201"),
    "excel_import": ("get", "/excel/imports/{lampang_record}/"),
    "excel_import_status": ("get", "/excel/imports/{lampang_record}/status/"),
    "excel_import_errors": ("get", "/excel/imports/{lampang_record}/errors.xlsx"),
    "excel_export_detail": ("get", "/excel/exports/{lampang_record}/"),
    "excel_export_download": ("get", "/excel/exports/{lampang_record}/download/"),
    "excel_export": (
        "get",
        "/excel/export/?dataset={lampang_dataset}&fiscal_year=2562&orgunit=5201&format=csv",
    ),
}

API_ROUTES = {
    "/api/v1/imports": None,  # POST only; the outsider's upload for 5201 is checked in test_imports
    "/api/v1/imports/{import_id}": ("get", "/api/v1/imports/1"),
    "/api/v1/exports": (
        "get",
        "/api/v1/exports?dataset=savings_groups&fiscal_year=2562&orgunit=5201&format=csv",
    ),
}
