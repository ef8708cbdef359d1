"""The API v1 endpoints of the catalog, periods, subjects and records, and how the
outsider (recorder of 3601) would try to reach Lampang's data through them."""

API_ROUTES = {
    "/api/v1/datasets": None,  # the catalog is the same for everyone, no org data
    "/api/v1/datasets/{key}": None,
    "/api/v1/periods": (
        "get",
        "/api/v1/periods?dataset=savings_groups&fiscal_year=2562&orgunit=5201",
    ),
    "/api/v1/subjects": [("get", "/api/v1/subjects?orgunit=5201"), ("post", "/api/v1/subjects")],
    "/api/v1/records": [("get", "/api/v1/records?orgunit=5201"), ("post", "/api/v1/records")],
    "/api/v1/records/{record_id}": [
        ("get", "/api/v1/records/{lampang_record}"),
        ("patch", "/api/v1/records/{lampang_record}"),
    ],
    "/api/v1/records/{record_id}/submit": ("post", "/api/v1/records/{lampang_record}/submit"),
}
