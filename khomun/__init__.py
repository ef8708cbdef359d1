"""Khomun, the Central Data Center of the Community Development Department."""

from khomun.celery import app as celery_app

__all__ = ["celery_app"]
