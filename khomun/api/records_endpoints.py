"""API v1 endpoints (placeholder; filled in by issue 3)."""

from ninja import Router

router = Router()
