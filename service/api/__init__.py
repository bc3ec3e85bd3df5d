"""The JSON API (``/api/v1``): its routes, the shapes of its answers, its OpenAPI description."""

from service.api import reviews  # noqa: F401  # registers its route on views.bp
