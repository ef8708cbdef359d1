"""The monitoring routes and how the outsider (recorder of 3601) would reach Lampang's."""

_PERIOD = "/monitoring/2562/5201/{lampang_dataset}/1/"

WEB_ROUTES = {
    "monitoring_home": None,  # redirects to the caller's own unit
    "monitoring_matrix": ("get", "/monitoring/2562/52/"),
    "monitoring_period": ("get", _PERIOD),
    "monitoring_submit": ("post", _PERIOD + "submit/"),
    "monitoring_approve": ("post", _PERIOD + "approve/"),
    "monitoring_return": ("post", _PERIOD + "return/"),
    "monitoring_reopen": ("post", _PERIOD + "reopen/"),
    "monitoring_report": ("get", "/monitoring/2562/52/report/?month=12&format=pdf"),
    "quality_review": ("get", "/quality/2562/5201/{lampang_dataset}/1/"),
    "quality_mark": ("post", "/quality/r/{lampang_record}/mark/"),
}
API_ROUTES = {
    "/api/v1/completeness": (
        "get",
        "/api/v1/completeness?dataset=savings_groups&fiscal_year=2562&period=1&orgunit=52",
    ),
    "/api/v1/records/{record_id}/approve": ("post", "/api/v1/records/{lampang_record}/approve"),
    "/api/v1/records/{record_id}/return": ("post", "/api/v1/records/{lampang_record}/return"),
}
