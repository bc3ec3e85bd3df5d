"""The staff table of `signing.permissions`, enforced on a user: every use case a page or the
API calls starts here, so both refuse alike (403, nothing changed)."""

from __future__ import annotations

from service.accounts.models import User
from service.errors import NotAllowed
from signing.permissions import StaffAction, refusal


def require(user: User, action: StaffAction) -> None:
    """Raise `NotAllowed` (403, a French reason) unless `user`'s role may do `action`."""
    reason = refusal(user.role, action)
    if reason is not None:
        raise NotAllowed(reason)
