"""A bearer token of the JSON API for a staff member (`cosigne token create`)."""

from __future__ import annotations

from sqlalchemy import select

from service.accounts.api_tokens import NewApiToken, create_api_token
from service.accounts.models import User
from service.context import Context
from service.errors import NotAllowed, NotFound


def create_token(ctx: Context, login: str) -> tuple[User, NewApiToken]:
    """A new token of the account `login` (normalised); NotFound without one, NotAllowed when
    it is disabled. The secret is in the answer only."""
    with ctx.db.transaction() as session:
        user = session.scalar(select(User).where(User.email == login))
        if user is None:
            raise NotFound(f"aucun compte pour l'adresse {login}")
        if not user.active:
            raise NotAllowed(f"le compte {login} est désactivé")
        new = create_api_token(session, user, now=ctx.now())
        session.flush()
    return user, new
