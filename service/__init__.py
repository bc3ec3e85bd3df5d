"""The Cosigne web service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from service import (
    api,
    api_verify,
    auth,
    csrf,
    db,
    demo,
    download,
    errors,
    pages,
    rendering,
    security,
    sign,
    staff,
    users,
    verify_pages,
)
from service.settings import Settings


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Assemble the app: settings → extensions → blueprints → error handlers. No side effects
    beyond reading the settings (LibreOffice starts on the first document, not here)."""
    settings = Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        COSIGNE=settings,
        SECRET_KEY=settings.secret_key,
        SECRET_KEY_FALLBACKS=list(settings.secret_key_fallbacks),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
    )
    if test_config:
        app.config.update(test_config)
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]
    db.init_app(app)
    rendering.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(sign.bp)
    app.register_blueprint(api.bp)
    auth.init_app(app)
    app.register_blueprint(users.bp)
    demo.init_app(app)
    app.register_blueprint(download.bp)
    app.register_blueprint(verify_pages.bp)
    app.register_blueprint(api_verify.bp)
    app.register_blueprint(staff.bp)
    errors.register(app)
    return app
