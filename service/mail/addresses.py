"""Addresses and header text: what may go into a message's headers and envelope.

Header safety: every header value is built by `email.message.EmailMessage` from text stripped of
line breaks and control characters, and the SMTP envelope names the one recipient explicitly, so
a name such as ``"Zoé\\r\\nBcc: x@example.org"`` can neither add a header nor a recipient.
"""

from __future__ import annotations

import re
import unicodedata
from email.headerregistry import Address
from email.utils import parseaddr

from service.settings import Settings
from signing.data.identifiers import normalize_email
from signing.errors import CosigneError

SUBJECT_MAX = 250
"""The outbox's subject column."""


class MailError(CosigneError):
    """A message or the mail settings cannot be used as they are."""


class BadRecipient(MailError):
    """The recipient is not exactly one valid email address."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(f"adresse de destinataire incorrecte : {address!r}")


class BadSender(MailError):
    """COSIGNE_MAIL_FROM is not one valid address (with an optional name)."""

    def __init__(self, value: str) -> None:
        self.value = value
        super().__init__(
            f"COSIGNE_MAIL_FROM n'est pas une adresse valide : {value!r} "
            "(par exemple : Cosigne <no-reply@lycee.example.fr>)"
        )


def header_text(value: str) -> str:
    """`value` on one line: line breaks and other control or separator characters become a
    space, runs of spaces one space. Every header value goes through it."""
    kept = [
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") or c.isspace() else c for c in value
    ]
    return " ".join("".join(kept).split())


def _plain_address(raw: str) -> str | None:
    """`raw` stripped when it has the shape of one bare address (``local@domain``, no name, no
    list, no space or control character), else None."""
    address = raw.strip()
    local, at, domain = address.partition("@")
    if (
        not (local and at and domain)
        or "@" in domain
        or any(c in address for c in ',;<>()[]"\\:')
        or any(c.isspace() or unicodedata.category(c)[0] in "CZ" for c in address)
    ):
        return None
    return address


def single_address(raw: str) -> str:
    """`raw` when it is exactly one valid email address (no name, no list); BadRecipient else."""
    address = _plain_address(raw)
    if address is None or normalize_email(address) is None:
        raise BadRecipient(raw)
    return address


_LINK = re.compile(r"https?://[^\s<>\"']+")


def find_links(text: str) -> list[str]:
    """The web addresses in a text body, in order."""
    return [m.group(0).rstrip(".,;:!?)") for m in _LINK.finditer(text)]


def sender_address(settings: Settings) -> Address:
    """COSIGNE_MAIL_FROM as an address; BadSender when it is not exactly one. The domain is not
    checked further: the default, ``no-reply@localhost``, serves a machine with no mail server."""
    name, address = parseaddr(header_text(settings.mail_from))
    plain = _plain_address(address)
    if plain is None:
        raise BadSender(settings.mail_from)
    try:
        return Address(display_name=header_text(name), addr_spec=plain)
    except ValueError as exc:
        raise BadSender(settings.mail_from) from exc
