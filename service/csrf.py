"""CSRF tokens for the forms of the public pages.

Each browser session gets a random secret, kept in Flask's signed session cookie. A form carries
`csrf_token`: an HMAC of that secret under the app's key, with a salt of its own. A POST is
accepted only when the token matches the secret of the session it comes with; a site that
cannot read our pages cannot know it.

Usage: `init_app(app)` puts `csrf_token()` in the templates; `protect(blueprint)` checks every
POST, PUT, PATCH and DELETE of that blueprint before its view runs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import Blueprint, Flask, current_app, request, session
from werkzeug.exceptions import BadRequest

FIELD = "csrf_token"
_SESSION_KEY = "csrf_secret"
_SALT = b"cosigne.csrf"
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class CsrfRefused(BadRequest):
    """The form came without the token of this browser's session (an old page, cookies refused,
    or another site posting); nothing was done."""

    description = (
        "Votre demande n'a pas pu être vérifiée. La page était peut-être ouverte depuis trop "
        "longtemps, ou votre navigateur refuse les cookies. Rechargez la page et recommencez."
    )


def init_app(app: Flask) -> None:
    app.add_template_global(token, "csrf_token")


def protect(blueprint: Blueprint) -> None:
    """Refuse every state-changing request of `blueprint` without a valid token."""
    blueprint.before_request(check)


def token() -> str:
    """The token for this session's forms (creates the session's secret on first use)."""
    secret = session.get(_SESSION_KEY)
    if not isinstance(secret, str):
        secret = secrets.token_urlsafe(32)
        session[_SESSION_KEY] = secret
    return _mac(current_app.secret_key, secret)


def check() -> None:
    """Raise `CsrfRefused` for an unsafe request whose form token is missing or wrong."""
    if request.method not in _UNSAFE_METHODS:
        return
    secret = session.get(_SESSION_KEY)
    sent = request.form.get(FIELD, "")
    if not isinstance(secret, str) or not sent:
        raise CsrfRefused
    # Keys, newest first: a token made before a key rotation stays good for its session.
    keys = [current_app.secret_key, *current_app.config.get("SECRET_KEY_FALLBACKS", [])]
    if not any(
        hmac.compare_digest(sent.encode(), _mac(key, secret).encode()) for key in keys if key
    ):
        raise CsrfRefused


def _mac(key: str | bytes | None, secret: str) -> str:
    if not key:
        raise RuntimeError("SECRET_KEY manquante : les formulaires ne peuvent pas être protégés")
    raw_key = key.encode() if isinstance(key, str) else key
    return hmac.new(raw_key, _SALT + secret.encode(), hashlib.sha256).hexdigest()
