"""What a mail says of the rows it speaks about: a name on one line, the pupil, the school, the
document. Shared by the signers' messages (`service.mail.compose`) and the staff's
(`service.mail.staff_messages`)."""

from __future__ import annotations

from typing import Any

from service.accounts.models import School
from service.documents.amendment_said import amendment_said
from service.documents.models import Document
from service.mail.addresses import header_text
from signing.data.french import format_date_fr


def plain(value: object) -> str:
    """A name or a reason from the database, on one line (it is shown, never interpreted)."""
    return header_text(str(value or ""))


def pupil_names(document: Document) -> tuple[str, str]:
    """The pupil's full name (for the body) and first name with the last name's initial (for
    the subject line, which mail programs show in lists and notifications)."""
    pupil = document.data.get("pupil") or {}
    first = plain(pupil.get("first_name"))
    last = plain(pupil.get("last_name"))
    short = f"{first} {last[0]}." if last else first
    return f"{first} {last}".strip(), short.strip()


def school_values(school: School) -> dict[str, Any]:
    """The school as a mail names it, with its contact."""
    head = plain(f"{school.head_first_name} {school.head_last_name}")
    return {
        "name": plain(school.name),
        "head_name": head,
        "head_title": plain(school.head_title or "Chef d'établissement"),
        "email": plain(school.email or school.head_email),
        "phone": plain(school.phone),
    }


def document_values(document: Document) -> dict[str, Any]:
    """The document as a mail names it: title (an amendment said as such), pupil, host."""
    full, short = pupil_names(document)
    spec = document.kind.spec
    host, said = spec.host_name(document.data), amendment_said(document)
    return {
        "id": document.id,
        "title": said.heading if said is not None else spec.title,
        "amendment": said,
        "pupil_name": full,
        "pupil_short": short,
        "host_name": plain(host) or None,
        "deadline": format_date_fr(document.deadline) if document.deadline else None,
    }
