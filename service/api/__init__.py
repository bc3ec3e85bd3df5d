"""The JSON API (``/api/v1``): its routes, the shapes of its answers, its OpenAPI description."""

from service.api import (
    due,  # noqa: F401 — registers GET /follow-up/due on views.bp
    reviews,  # noqa: F401  # registers its route on views.bp
    visits,  # noqa: F401  (its routes, on the blueprint of `service.api.views`)
)
