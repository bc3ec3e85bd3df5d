"""Security headers on every answer; a blueprint may set stricter ones of its own first."""

from __future__ import annotations

from flask import Flask, Response

PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'self'; frame-src 'self'; "
    "script-src 'self'; style-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def init_app(app: Flask) -> None:
    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        if response.mimetype == "text/html":
            headers.setdefault("Content-Security-Policy", PAGE_CSP)
        return response
