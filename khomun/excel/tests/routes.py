"""The Excel routes and how the outsider (recorder of 3601) would reach Lampang's data.

`{lampang_import}` and `{lampang_export}` are an import and an export of a
Lampang recorder, made by the shared `lampang_data` fixture.
"""

WEB_ROUTES = {
    "excel_home": None,  # lists only imports in the caller's own scope (test_home_view)
    "excel_period": ("post", "/excel/2562/{lampang_dataset}/1/?orgunit=5201"),
    "excel_template": ("get", "/excel/2562/{lampang_dataset}/1/template.xlsx?orgunit=5201"),
    "excel_import": ("get", "/excel/imports/{lampang_import}/"),
    "excel_import_status": ("get", "/excel/imports/{lampang_import}/status/"),
    "excel_import_errors": ("get", "/excel/imports/{lampang_import}/errors.xlsx"),
    "excel_export_detail": ("get", "/excel/exports/{lampang_export}/"),
    "excel_export_download": ("get", "/excel/exports/{lampang_export}/download/"),
    "excel_export": (
        "get",
        "/excel/export/?dataset={lampang_dataset}&fiscal_year=2562&orgunit=5201&format=csv",
    ),
}

API_ROUTES = {
    "/api/v1/imports": None,  # POST only; the outsider's upload for 5201 is checked in test_imports
    "/api/v1/imports/{import_id}": ("get", "/api/v1/imports/{lampang_import}"),
    "/api/v1/exports": (
        "get",
        "/api/v1/exports?dataset=savings_groups&fiscal_year=2562&orgunit=5201&format=csv",
    ),
}
