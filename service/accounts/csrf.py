"""CSRF tokens for the forms of the web pages.

A form carries `csrf_token`: an HMAC, under the app's key and a salt of its own, of a secret
that the requester holds and another site cannot read. Which secret depends on the blueprint:

- most pages (staff, login, `/verifier`): a random secret per browser session, kept in Flask's
  signed session cookie (`protect(bp)`);
- the signer's pages (`protect(bp, bound_to="token")`): the signing link itself, the part of the
  URL named by `bound_to`. The link is the signer's credential: whoever can read it can sign,
  and a site that cannot read it cannot make the token. So a signer's page sets no cookie, and
  the same page serves every visit through the link (the token changes with the link: a resent
  link's form is a new one). This is OWASP's HMAC token pattern, keyed on the link instead of a
  login session.

A POST, PUT, PATCH or DELETE of a protected blueprint is refused (`CsrfRefused`, 400) before its
view runs unless its token matches, under the current key or one of its fallbacks.

Usage: `init_app(app)` puts `csrf_token()` in the templates.
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
_LINK_SALT = b"cosigne.csrf.link"
_UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_bound_to: dict[str, str] = {}
"""Blueprint name → the URL part whose value is the forms' secret (instead of the session's)."""


class CsrfRefused(BadRequest):
    """The form came without the token of this browser's session (an old page, cookies refused,
    or another site posting); nothing was done."""

    description = (
        "Votre demande n'a pas pu être vérifiée. La page était peut-être ouverte depuis trop "
        "longtemps, ou votre navigateur refuse les cookies. Rechargez la page et recommencez."
    )


class LinkCsrfRefused(CsrfRefused):
    """The form did not come from the page of the link it was posted to; nothing was done."""

    description = (
        "Votre demande n'a pas pu être vérifiée : le formulaire ne vient pas de la page de ce "
        "lien. Rouvrez le lien reçu par courriel et recommencez."
    )


def init_app(app: Flask) -> None:
    app.add_template_global(token, "csrf_token")


def protect(blueprint: Blueprint, *, bound_to: str | None = None) -> None:
    """Refuse every state-changing request of `blueprint` without a valid token; with
    `bound_to`, the token is made from that URL part (a bearer secret) instead of a session."""
    if bound_to:
        _bound_to[blueprint.name] = bound_to
    blueprint.before_request(check)


def token() -> str:
    """The token for this page's forms (creates the session's secret on first use)."""
    secret = _link_secret()
    if secret is not None:
        return _mac(current_app.secret_key, secret, salt=_LINK_SALT)
    secret = session.get(_SESSION_KEY)
    if not isinstance(secret, str):
        secret = secrets.token_urlsafe(32)
        session[_SESSION_KEY] = secret
    return _mac(current_app.secret_key, secret)


def check() -> None:
    """Raise `CsrfRefused` for an unsafe request whose form token is missing or wrong."""
    if request.method not in _UNSAFE_METHODS:
        return
    sent = request.form.get(FIELD, "")
    link = _link_secret()
    secret, salt, refused = (
        (session.get(_SESSION_KEY), _SALT, CsrfRefused)
        if link is None
        else (link, _LINK_SALT, LinkCsrfRefused)
    )
    if not isinstance(secret, str) or not secret or not sent:
        raise refused
    # Keys, newest first: a token made before a key rotation stays good.
    keys = [current_app.secret_key, *current_app.config.get("SECRET_KEY_FALLBACKS", [])]
    if not any(
        hmac.compare_digest(sent.encode(), _mac(key, secret, salt=salt).encode())
        for key in keys
        if key
    ):
        raise refused


def _link_secret() -> str | None:
    """The URL part this request's forms are bound to, if its blueprint binds them."""
    part = _bound_to.get(request.blueprint or "")
    if part is None:
        return None
    value = (request.view_args or {}).get(part)
    return value if isinstance(value, str) else ""


def _mac(key: str | bytes | None, secret: str, *, salt: bytes = _SALT) -> str:
    if not key:
        raise RuntimeError("SECRET_KEY manquante : les formulaires ne peuvent pas être protégés")
    raw_key = key.encode() if isinstance(key, str) else key
    return hmac.new(raw_key, salt + secret.encode(), hashlib.sha256).hexdigest()
