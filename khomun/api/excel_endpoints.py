"""API v1 endpoints of imports and exports (placeholder; filled in by issue 4)."""

from ninja import Router

router = Router()
