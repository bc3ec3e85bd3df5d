"""The service's own errors (the core's are in `signing.errors`); `service.errors` maps each to
its HTTP status and French title, and gives them with that map."""

from __future__ import annotations

from datetime import datetime

from signing.errors import CosigneError, FieldIssue
from signing.vocabulary import LinkEnd


class Unauthorized(CosigneError):
    """An API request carries no usable token; `message` says so in French."""

    def __init__(self, message: str, *, invalid: bool) -> None:
        self.message = message
        self.invalid = invalid
        super().__init__(message)


class BadBody(CosigneError):
    """The request's body is not JSON at all (400), as opposed to JSON that fails validation."""


class NotFound(CosigneError):
    """No such document for this school (another school's document is not found either)."""


class PageNotFound(CosigneError):
    """The document has no page of that number."""


class SignerNotFound(CosigneError):
    """The document (found, and the school's) has no signer of that id."""


class ObjectiveNotFound(CosigneError):
    """The contract (found, and the school's) has no objective of that number."""


class Conflict(CosigneError):
    """Someone else changed the document at the same moment; nothing was changed."""


class CopyClosed(CosigneError):
    """A signer's copy link once it no longer reads (`signing.links.copy_readable`): what
    happened (the message) and whom to ask (`contact`)."""

    def __init__(self, message: str, contact: str | None = None) -> None:
        self.contact = contact
        super().__init__(message)


class DeadLink(CosigneError):
    """A genuine signing link that no longer leads to its page: why (`end`), whose it was
    (`signer_id`, for the page that names the document and the school to ask), and, for a link
    that aged, when it did (`expired_at`)."""

    def __init__(
        self, end: LinkEnd, signer_id: int | None = None, expired_at: datetime | None = None
    ) -> None:
        self.end = end
        self.signer_id = signer_id
        self.expired_at = expired_at
        super().__init__(end.message)


class RenewalTooSoon(CosigneError):
    """A new signing link was asked for too soon after the last ones (`signing.link_renewal`):
    nothing was sent; `retry_at`, when one may be asked again (`retry_after`, in seconds);
    `dead`, the link's own end, for its page."""

    def __init__(self, dead: DeadLink, retry_at: datetime, retry_after: int) -> None:
        self.dead = dead
        self.retry_at = retry_at
        self.retry_after = retry_after
        super().__init__("Un nouveau lien vous a déjà été envoyé il y a peu.")


class AlreadyExists(CosigneError):
    """A school of that UAI, or an account of that address, exists already; nothing was added."""


class NotAllowed(CosigneError):
    """The user may not do this (an admin managing a head); nothing was changed."""


class TooManyAttempts(CosigneError):
    """Too many failures lately (logins on this address or from this IP, signing links or API
    tokens guessed from this address): refused before anything is checked; `retry_after`, the
    seconds until the same request may be answered, when known."""

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class SignatureRefused(CosigneError):
    """The signing form is incomplete or wrong; `issues` say which field and why."""

    def __init__(self, issues: list[FieldIssue]) -> None:
        self.issues = issues
        super().__init__("; ".join(i.message for i in issues))
