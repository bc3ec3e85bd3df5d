"""Signed, expiring, revocable links: what goes after ``/sign/`` in an email.

A token carries a subject (a signer's id, a user's id) and a nonce, signed with itsdangerous
(HMAC-SHA256) under a salt of its own purpose, with the time it was made. The signature proves
origin and age, never single use: the service keeps the current nonce on the subject's row and
compares it (`check_nonce`), and changes it once the link is used, replaced or cancelled.

Time is always passed in (``now``, UTC aware); this module never reads the clock.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

from signing.errors import LinkExpired, LinkInvalid, LinkRevoked
from signing.vocabulary import DocumentState, SignerState

MAX_TOKEN_LENGTH = 512
"""Longer strings are refused unread: ours are under 100 characters."""


class LinkPurpose(Enum):
    """What a link is for; the value is its salt, so a token never reads for another purpose."""

    SIGN = "cosigne.sign"
    DOWNLOAD = "cosigne.download"
    SIGNED_COPY = "cosigne.signed-copy"
    """A signer's copy of the frozen PDF they signed, until the final one (`copy_readable`)."""
    PASSWORD_RESET = "cosigne.password-reset"  # noqa: S105 (a salt, not a password)


@dataclass(frozen=True)
class LinkClaims:
    """What a genuine, unexpired token says. `signed_at` is UTC aware, to the second."""

    subject_id: int
    nonce: str
    signed_at: datetime


def new_nonce() -> str:
    """A fresh nonce for a subject's row: 128 random bits, URL-safe (22 characters)."""
    return secrets.token_urlsafe(16)


class _SignerAt(TimestampSigner):
    """A timestamp signer that stamps the time it is given instead of reading the clock."""

    def __init__(self, *args: Any, at: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._at = at

    def get_timestamp(self) -> int:
        return self._at


class LinkSigner:
    """Makes and reads the tokens of one purpose.

    `keys`: secrets, oldest first; the LAST one signs, every one verifies (to rotate, append a
    new key, and drop the oldest once links signed with it have expired). `max_age`: a whole
    number of seconds; a token is valid at exactly `max_age` after it was made and expired one
    second later.
    """

    def __init__(self, keys: Sequence[str], purpose: LinkPurpose, max_age: timedelta) -> None:
        if not keys or not all(keys):
            raise ValueError("LinkSigner needs at least one key, and no empty key")
        if max_age <= timedelta(0) or max_age % timedelta(seconds=1):
            raise ValueError(f"max_age must be a positive whole number of seconds, not {max_age}")
        self.purpose = purpose
        self.max_age = max_age
        self._keys = list(keys)
        self._reader = self._serializer(TimestampSigner, {})

    def make(self, subject_id: int, nonce: str, *, now: datetime) -> str:
        """A URL-safe token for `subject_id` and `nonce`, signed at `now` (to the second)."""
        if not nonce:
            raise ValueError("a link needs a nonce")
        serializer = self._serializer(_SignerAt, {"at": _seconds(now)})
        token: str = serializer.dumps([subject_id, nonce])
        return token

    def read(self, token: str, *, now: datetime) -> LinkClaims:
        """The claims of `token` at `now`.

        Raises `LinkInvalid` (forged, garbled, another purpose, a removed key, or signed after
        `now`, which only a clock out of step could do) or `LinkExpired` (older than `max_age`).
        """
        now_seconds = _seconds(now)
        if len(token) > MAX_TOKEN_LENGTH or not token.isascii():
            raise LinkInvalid
        try:
            payload, signed_at = self._reader.loads(token, return_timestamp=True)
        except BadData as exc:
            raise LinkInvalid from exc
        subject_id, nonce = _claims(payload)
        age = now_seconds - int(signed_at.timestamp())
        if age < 0:
            raise LinkInvalid
        if age > self.max_age.total_seconds():
            raise LinkExpired(
                signed_at=signed_at,
                expired_at=signed_at + self.max_age,
                subject_id=subject_id,
                nonce=nonce,
            )
        return LinkClaims(subject_id, nonce, signed_at)

    def _serializer(
        self, signer: type[TimestampSigner], extra: dict[str, Any]
    ) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(
            self._keys,
            salt=self.purpose.value,
            signer=signer,
            signer_kwargs={"digest_method": hashlib.sha256, **extra},
        )


def check_nonce(claims: LinkClaims, current_nonce: str | None) -> None:
    """Raise `LinkRevoked` unless `current_nonce` (from the subject's row) is the token's nonce.

    `None` means the row holds no live link (used, or its document cancelled).
    """
    if current_nonce is None or not hmac.compare_digest(
        claims.nonce.encode(), current_nonce.encode()
    ):
        raise LinkRevoked


def _seconds(now: datetime) -> int:
    if now.tzinfo is None:
        raise ValueError("now must be timezone aware")
    return int(now.timestamp())


def _claims(payload: object) -> tuple[int, str]:
    """The subject and nonce of a verified payload; any other shape is refused as invalid."""
    match payload:
        case [int() as subject_id, str() as nonce] if not isinstance(subject_id, bool) and nonce:
            return subject_id, nonce
    raise LinkInvalid


COPY_READS_IN = frozenset({DocumentState.AWAITING_SIGNATURES, DocumentState.SIGNED})
"""Document states in which a signer who signed reads again what they signed."""


def copy_readable(document_state: DocumentState, signer_state: SignerState) -> bool:
    """Whether a signer's copy link still leads to the frozen PDF they signed.

    A signing link is single use: signing uses it up (its nonce is cleared). The signed page
    gives instead a copy link (`LinkPurpose.SIGNED_COPY`, its nonce the start of the frozen
    PDF's hash), which only reads: the document as signed, and who has signed so far, from the
    signature until the document is completed. From then the final mail, with the sealed PDF,
    takes over; a document that ends otherwise (cancelled, declined, expired) leaves no copy
    to keep. Like a signing link, a copy link expires after the links' life.
    """
    return signer_state == SignerState.SIGNED and document_state in COPY_READS_IN
