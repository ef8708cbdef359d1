"""The catalog editor's routes: only a department admin may use them (the outsider gets 403)."""

WEB_ROUTES = {
    "catalog_index": ("get", "/catalog/"),
    "catalog_copy": ("post", "/catalog/copy/"),
    "catalog_year": ("get", "/catalog/2562/"),
    "catalog_export": ("get", "/catalog/2562/export/"),
    "catalog_import": ("post", "/catalog/2562/import/"),
    "catalog_new": ("post", "/catalog/2562/new/"),
    "catalog_preview": ("post", "/catalog/2562/preview/"),
    "catalog_edit": ("post", "/catalog/2562/{lampang_dataset}/"),
    "catalog_yaml": ("post", "/catalog/2562/{lampang_dataset}/yaml/"),
    "catalog_publish": ("post", "/catalog/2562/{lampang_dataset}/publish/"),
}
