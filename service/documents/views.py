"""The staff's document pages, one module per group of pages, on one blueprint (`bp`)."""

from service.documents import actions, dashboard, form_views, page  # noqa: F401 — their routes
from service.documents.blueprint import bp

__all__ = ["bp"]
