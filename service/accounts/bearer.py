"""Bearer-token authentication of the JSON API.

``Authorization: Bearer <token>`` names an API token (`service.accounts`); the request acts as the
token's user, and the user's school scopes every query. No cookie is read, so a browser cannot be
tricked into sending an API request on someone's behalf: CSRF does not apply here.

A missing, malformed, revoked or unknown token, or a disabled account, gets 401 with
``WWW-Authenticate: Bearer`` and the API's JSON error body; the answer never says which of these
it was beyond "missing" and "invalid", so it tells nothing about other people's tokens. Each
token that opens nothing counts against the requester's address (`service.attempts`): past
COSIGNE_ATTEMPTS_MAX within the window, every request bearing a token from there gets 429 with
``Retry-After`` until the window has passed, before its token is looked at.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Response, g, request
from sqlalchemy import or_, update

from service import context, db
from service.accounts.api_tokens import find_api_token
from service.accounts.models import ApiToken, User
from service.attempts import counts
from service.attempts.models import AttemptKind
from service.errors import Unauthorized, answer, json_errors

LAST_USED_RESOLUTION = timedelta(minutes=1)
"""`last_used_at` is written at most this often per token: a write per request would make every
read of the API a write transaction (and on SQLite, a turn at the single write lock)."""

_G_USER = "cosigne_api_user"

MISSING = "Authentification requise : envoyez l'en-tête « Authorization: Bearer <jeton> »."
INVALID = "Jeton d'API invalide, révoqué, ou compte désactivé."


def bearer_secret() -> str | None:
    """The token of the ``Authorization: Bearer`` header; None when there is no such header.

    Raises Unauthorized for an Authorization header of another form.
    """
    header = request.headers.get("Authorization", "").strip()
    if not header:
        return None
    scheme, _, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or " " in secret:
        raise Unauthorized(INVALID, invalid=True)
    return secret


def authenticate() -> User:
    """The user of the request's token, kept for the request; raises Unauthorized."""
    secret = bearer_secret()
    if secret is None:
        raise Unauthorized(MISSING, invalid=False)
    ctx = context.current()
    counts.check(ctx, AttemptKind.BEARER, context.client_ip())
    token = find_api_token(db.session(), secret)
    if token is None:
        counts.count_failure(ctx, AttemptKind.BEARER, context.client_ip())
        raise Unauthorized(INVALID, invalid=True)
    _touch(token)
    user = token.user
    setattr(g, _G_USER, user)
    return user


def current_user() -> User:
    """The authenticated user of this request (after `authenticate`)."""
    user: User = g.get(_G_USER)
    if user is None:
        raise Unauthorized(MISSING, invalid=False)
    return user


def _touch(token: ApiToken) -> None:
    now = context.current().now()
    cutoff = now - LAST_USED_RESOLUTION
    if token.last_used_at is not None and token.last_used_at > cutoff:
        return
    # Compare-and-set: of several requests at once (or several workers), one writes.
    with db.transaction() as session:
        session.execute(
            update(ApiToken)
            .where(
                ApiToken.id == token.id,
                or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= cutoff),
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )


def unauthorized_response(exc: Unauthorized) -> tuple[Response, int]:
    """401 with the API's error body and the challenge RFC 6750 asks for."""
    response, status = json_errors(answer(exc).status, [{"field": "", "message": exc.message}])
    challenge = 'Bearer realm="cosigne"'
    if exc.invalid:
        challenge += ', error="invalid_token"'
    response.headers["WWW-Authenticate"] = challenge
    return response, status
