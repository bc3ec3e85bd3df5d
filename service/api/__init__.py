"""The JSON API (``/api/v1``): its routes, the shapes of its answers, its OpenAPI description."""
