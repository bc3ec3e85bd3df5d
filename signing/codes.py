"""The one-time code a signer types before signing: who must type one, how it is made and
stored, and what a typed code is worth. Pure rules; `service.signers.codes` applies them.

A 6-digit code mailed to the signer's registered address, valid 10 minutes, single use, 5 tries
at most, a new one no sooner than a minute after the last (issue 12, point 2). These figures
are ours, not a text's: the Code civil asks for a "procédé fiable d'identification" (art. 1367
al. 2) without saying how, and they follow what signature services commonly do (a short code,
a few minutes, a handful of tries), with 10⁶ codes against 5 tries (a chance in 200,000 per code
for a guesser, who must also hold the link).

Written by hand: no library holds a per-role, per-school rule of ours; the code itself is
`secrets` and its stored form an HMAC (`hmac`), so a copy of the database gives no code back.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from hashlib import sha256

from signing.vocabulary import Role

CODE_DIGITS = 6
CODE_VALIDITY = timedelta(minutes=10)
MAX_TRIES = 5
RESEND_AFTER = timedelta(minutes=1)

DEFAULT_CODE_ROLES = frozenset({Role.GUARDIAN, Role.HOST_REPRESENTATIVE})
"""On by default for the parties outside the school who sign through a mailed link only: a
guardian (whose link a pupil may read on a shared family mailbox) and the host's representative
(whose mail is often a shared company address)."""

CODE_ROLES_OFFERED = (
    Role.GUARDIAN,
    Role.PUPIL,
    Role.HOST_REPRESENTATIVE,
    Role.HOST_TUTOR,
    Role.REFERENT,
    Role.HEAD,
)
"""The roles a school may ask a code of, in the order its settings page lists them. The head
signing logged in (`staff_session`) never types one: her password session identifies her."""


def code_roles(stored: str | None) -> frozenset[Role]:
    """The roles a school asks a code of, from its stored setting (None: the default)."""
    if stored is None:
        return DEFAULT_CODE_ROLES
    return frozenset(Role(value) for value in stored.split(",") if value in set(Role))


def stored_code_roles(roles: Iterable[Role]) -> str:
    """The setting as stored: the roles' values, in `CODE_ROLES_OFFERED`'s order."""
    chosen = set(roles)
    return ",".join(role.value for role in CODE_ROLES_OFFERED if role in chosen)


def new_code() -> str:
    """Six random digits, leading zeros kept."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_digest(code: str, signer_id: int, key: str) -> str:
    """What is stored of a code: an HMAC-SHA-256 under the service's secret, bound to the signer
    (a code of one signer is worth nothing for another)."""
    message = f"{signer_id}:{code}".encode()
    return hmac.new(key.encode(), message, sha256).hexdigest()


def typed_code(text: str | None) -> str:
    """A code as typed, spaces and dashes left out (« 123 456 », « 123-456 »)."""
    return "".join(c for c in (text or "") if c not in " -\u00a0\u202f\t")


@dataclass(frozen=True)
class StoredCode:
    """The signer's latest code, as stored."""

    id: int
    digest: str
    sent_at: datetime
    expires_at: datetime
    tries: int
    used_at: datetime | None


class CodeVerdict(StrEnum):
    """What a typed code is worth."""

    ACCEPTED = "accepted"
    MISSING = "missing"
    """Nothing typed, or no code was ever sent."""
    WRONG = "wrong"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"
    """`MAX_TRIES` wrong codes: this code is dead."""
    USED = "used"


def judge(stored: StoredCode | None, typed: str, digest: str | None, now: datetime) -> CodeVerdict:
    """The verdict on `typed` (whose digest the caller computed) against the latest code."""
    if stored is None or not typed:
        return CodeVerdict.MISSING
    if stored.used_at is not None:
        return CodeVerdict.USED
    if stored.tries >= MAX_TRIES:
        return CodeVerdict.EXHAUSTED
    if now >= stored.expires_at:
        return CodeVerdict.EXPIRED
    if digest is None or not hmac.compare_digest(stored.digest, digest):
        return CodeVerdict.WRONG
    return CodeVerdict.ACCEPTED


def is_alive(stored: StoredCode | None, now: datetime) -> bool:
    """Whether the latest code can still be typed (sent, unused, in time, tries left)."""
    return (
        stored is not None
        and stored.used_at is None
        and stored.tries < MAX_TRIES
        and now < stored.expires_at
    )


def resend_wait(stored: StoredCode | None, now: datetime) -> timedelta | None:
    """How long before another code may be sent; None when one may be sent now."""
    if stored is None or stored.used_at is not None:
        return None
    left = stored.sent_at + RESEND_AFTER - now
    return left if left > timedelta(0) else None


_MESSAGES = {
    CodeVerdict.MISSING: (
        "Saisissez le code à 6 chiffres reçu par courriel. Si vous ne l'avez pas, cliquez sur "
        "« Recevoir mon code par courriel » (plus haut sur la page)."
    ),
    CodeVerdict.WRONG: "Ce code n'est pas le bon. Il vous reste {left} essai{s}.",
    CodeVerdict.EXPIRED: "Ce code a expiré (il était valable 10 minutes) : demandez-en un nouveau.",
    CodeVerdict.EXHAUSTED: "Trop d'essais avec ce code : demandez-en un nouveau.",
    CodeVerdict.USED: "Ce code a déjà servi : demandez-en un nouveau.",
}


def refusal(verdict: CodeVerdict, tries_after: int) -> str:
    """The French message for a refused code; `tries_after` counts this try."""
    if verdict is CodeVerdict.WRONG and tries_after >= MAX_TRIES:
        return _MESSAGES[CodeVerdict.EXHAUSTED]
    left = MAX_TRIES - tries_after
    return _MESSAGES[verdict].format(left=left, s="s" if left > 1 else "")
