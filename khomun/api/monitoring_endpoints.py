"""API v1 endpoints of monitoring (placeholder; filled in by issue 5)."""

from ninja import Router

router = Router()
