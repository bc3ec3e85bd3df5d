"""`create_app`: settings → extensions → blueprints → the error map. Nothing else happens here
(LibreOffice starts on the first document, the database on the first query)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from service import converter, db, errors, i18n, pages, security
from service.accounts import account_views, csrf, login_views, school_views, session, users_views
from service.api import follow_up_views  # noqa: F401 — registers its routes on api_views.bp
from service.api import paper as api_paper  # noqa: F401 — registers its routes on api_views.bp
from service.api import views as api_views
from service.documents import views as document_views
from service.finalize import download
from service.follow_up import figures_pages, visit_pages, week_pages
from service.follow_up import pages as follow_up_pages
from service.isolate import bdi
from service.kiosk import views as kiosk_views
from service.mail import dev_outbox
from service.settings import Settings
from service.signers import (
    link_views,  # noqa: F401 — registers its routes on signer_views.bp
    paper_views,
)
from service.signers import views as signer_views
from service.verify import api as verify_api
from service.verify import views as verify_views

BLUEPRINTS = (
    pages.bp,
    signer_views.bp,
    api_views.bp,
    login_views.bp,
    users_views.bp,
    school_views.bp,
    dev_outbox.bp,
    download.bp,
    verify_views.bp,
    verify_api.bp,
    document_views.bp,
    follow_up_pages.bp,
    visit_pages.bp,
    week_pages.bp,
    figures_pages.bp,
    kiosk_views.bp,
    account_views.bp,
    paper_views.bp,
)
"""Every group of pages and routes, in the order Flask looks them up."""


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Assemble the app. No side effects beyond reading the settings."""
    settings = Settings.from_env()
    app = Flask("service")
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
    converter.init_app(app)
    csrf.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    app.add_template_filter(bdi)
    session.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    errors.register(app)
    return app
