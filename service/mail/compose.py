"""The French messages Cosigne sends, composed from the rows they speak about (`invitation`,
`reminder`, `cancelled`, `completed`), then queued (`service.mail.outbox`); the staff's own
messages are in `service.mail.staff_messages`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from service.accounts.models import School
from service.documents.amendment_said import amendment_said
from service.documents.models import Document
from service.i18n import role_phrase
from service.mail.addresses import SUBJECT_MAX, header_text
from service.mail.languages import environment, gettext, language_of
from service.signers.models import Signer
from signing.data.french import format_date_fr
from signing.vocabulary import Role


@dataclass(frozen=True)
class Message:
    """One email ready to be queued."""

    to: str
    subject: str
    text: str
    html: str
    document_id: int | None = None
    attachment_sha256: str | None = None
    """An archived PDF to attach, read from the archive when the message is sent."""
    attachment_name: str | None = None


def render(name: str, values: dict[str, Any], language: str = "fr") -> tuple[str, str]:
    """The text and HTML of a mail, in `language` (`service.mail.languages`)."""
    env = environment(language)
    text = env.get_template(f"{name}.txt").render(values)
    html = env.get_template(f"{name}.html").render(values)
    return text, html


def _plain(value: object) -> str:
    """A name or a reason from the database, on one line (it is shown, never interpreted)."""
    return header_text(str(value or ""))


def _pupil(document: Document) -> tuple[str, str]:
    """The pupil's full name (for the body) and first name with the last name's initial (for
    the subject line, which mail programs show in lists and notifications)."""
    pupil = document.data.get("pupil") or {}
    first = _plain(pupil.get("first_name"))
    last = _plain(pupil.get("last_name"))
    short = f"{first} {last[0]}." if last else first
    return f"{first} {last}".strip(), short.strip()


def _school(school: School) -> dict[str, Any]:
    head = _plain(f"{school.head_first_name} {school.head_last_name}")
    return {
        "name": _plain(school.name),
        "head_name": head,
        "head_title": _plain(school.head_title or "Chef d'établissement"),
        "email": _plain(school.email or school.head_email),
        "phone": _plain(school.phone),
    }


def _document(document: Document) -> dict[str, Any]:
    full, short = _pupil(document)
    spec = document.kind.spec
    host, said = spec.host_name(document.data), amendment_said(document)
    return {
        "id": document.id,
        "title": said.heading if said is not None else spec.title,
        "amendment": said,
        "pupil_name": full,
        "pupil_short": short,
        "host_name": _plain(host) or None,
        "deadline": format_date_fr(document.deadline) if document.deadline else None,
    }


def _subject(
    prefix: str, doc: dict[str, Any], school: dict[str, Any], suffix: str = "", language: str = "fr"
) -> str:
    tr = gettext(language)
    what = tr("{title} de {pupil}").format(title=doc["title"], pupil=doc["pupil_short"])
    subject = f"{prefix}{what}{suffix} – {school['name']}"
    return header_text(subject)[:SUBJECT_MAX]


def _shared(name: str, shared_with: Sequence[str], item: str = "") -> dict[str, Any]:
    """What the greeting's « Ce message est pour … » says (`_shared.txt`): the addressee, the
    others who use the same address, and what of theirs the message carries (a link, a code)."""
    return {
        "addressee": _plain(name),
        "shared_with": [_plain(other) for other in shared_with],
        "shared_item": item,
    }


def _attention(prefix: str, name: str, shared_with: Sequence[str], language: str) -> str:
    """« Signé : », or « Signé, à l'attention de Nadia Martin : » when others read the same
    mailbox: a subject names its person before the list cuts it (`prefix` is translated)."""
    tr = gettext(language)
    if not shared_with:
        return tr("{prefix} : ").format(prefix=prefix)
    return tr("{prefix}, à l'attention de {name} : ").format(prefix=prefix, name=_plain(name))


def _signing_message(
    document: Document,
    signer: Signer,
    school: School,
    url: str,
    *,
    reminder: bool,
    shared_with: Sequence[str] = (),
) -> Message:
    doc, sch, language = _document(document), _school(school), signer.language
    tr = gettext(language)
    role = role_phrase(signer.role, tr)
    if signer.role == Role.GUARDIAN:
        role = tr("{role} de {pupil}").format(role=role, pupil=doc["pupil_name"])
    values = {
        "reminder": reminder,
        "document": doc,
        "school": sch,
        "signer_name": _plain(signer.full_name),
        "is_head": signer.role == Role.HEAD,
        "role": role,
        "url": url,
        **_shared(signer.full_name, shared_with, "link"),
    }
    text, html = render("invitation", values, language)
    prefix = tr("Rappel : ") if reminder else ""
    subject = _subject(prefix, doc, sch, tr(" à signer"), language)
    if shared_with:  # « Lien de signature pour Nadia Martin : Contrat … de Zoé M. – Lycée … »
        lead = tr("Rappel : lien de signature") if reminder else tr("Lien de signature")
        name = _plain(signer.full_name)
        subject = _subject(
            tr("{lead} pour {name} : ").format(lead=lead, name=name), doc, sch, "", language
        )
    return Message(
        to=signer.email,
        subject=subject,
        text=text,
        html=html,
        document_id=document.id,
    )


def invitation(
    document: Document, signer: Signer, school: School, url: str, *, shared_with: Sequence[str] = ()
) -> Message:
    """Asks `signer` to sign `document` through their link `url`. `shared_with` names the
    others mailed about the document at the same address (`service.mail.household`): then the
    subject and the greeting say whose link this is."""
    return _signing_message(document, signer, school, url, reminder=False, shared_with=shared_with)


def reminder(
    document: Document, signer: Signer, school: School, url: str, *, shared_with: Sequence[str] = ()
) -> Message:
    """The invitation again, marked "Rappel :"."""
    return _signing_message(document, signer, school, url, reminder=True, shared_with=shared_with)


def signing_code(
    document: Document,
    signer: Signer,
    school: School,
    code: str,
    expires: str,
    *,
    shared_with: Sequence[str] = (),
) -> Message:
    """The one-time code `signer` types before signing (`signing.codes`), valid until
    `expires` (the school's local time, said in words); naming its person when others read the
    same mailbox (`shared_with`)."""
    doc, sch = _document(document), _school(school)
    values = {
        "document": doc,
        "school": sch,
        "signer_name": _plain(signer.full_name),
        "code": code,
        "expires": expires,
        **_shared(signer.full_name, shared_with, "code"),
    }
    tr = gettext(signer.language)
    text, html = render("code", values, signer.language)
    subject = tr("Votre code pour signer : {code}").format(code=code) + f" – {sch['name']}"
    if shared_with:
        said = tr("Code de signature pour {name} : {code}")
        subject = said.format(name=_plain(signer.full_name), code=code) + f" – {sch['name']}"
    return Message(
        to=signer.email,
        subject=header_text(subject)[:SUBJECT_MAX],
        text=text,
        html=html,
        document_id=document.id,
    )


def cancelled(
    document: Document,
    signer: Signer,
    school: School,
    reason: str,
    *,
    shared_with: Sequence[str] = (),
) -> Message:
    """Tells `signer` the document was cancelled, why, and that their link no longer works."""
    doc, sch = _document(document), _school(school)
    values = {"document": doc, "school": sch, "signer_name": _plain(signer.full_name)}
    values["reason"] = _plain(reason)
    language = signer.language
    text, html = render("cancelled", {**values, **_shared(signer.full_name, shared_with)}, language)
    tr = gettext(language)
    lead = _attention(tr("Annulé"), signer.full_name, shared_with, language)
    return Message(
        to=signer.email,
        subject=_subject(lead, doc, sch, "", language),
        text=text,
        html=html,
        document_id=document.id,
    )


def completed(
    document: Document,
    signer: Addressee,
    school: School,
    *,
    verify_url: str,
    attachment: tuple[str, str] | None = None,
    download_url: str | None = None,
    link_days: int = 30,
    shared_with: Sequence[str] = (),
) -> Message:
    """The final, sealed PDF for one party: attached (`attachment` = archive hash and file
    name) or, when too large, a download link; with neither (a guardian only informed, who has
    no link of their own), the offer of a copy from the school."""
    doc, sch, language = _document(document), _school(school), language_of(document, signer)
    text, html = render(
        "completed",
        {
            "document": doc,
            "school": sch,
            "signer_name": _plain(signer.full_name),
            "download_url": download_url,
            "attached": attachment is not None,
            "verify_url": verify_url,
            "link_days": link_days,
            **_shared(signer.full_name, shared_with),
        },
        language,
    )
    tr = gettext(language)
    lead = _attention(tr("Signé"), signer.full_name, shared_with, language)
    return Message(
        to=signer.email,
        subject=_subject(lead, doc, sch, "", language),
        text=text,
        html=html,
        document_id=document.id,
        attachment_sha256=attachment[0] if attachment else None,
        attachment_name=attachment[1] if attachment else None,
    )


class Addressee(Protocol):
    """Whom a message is for: a signer, or a guardian who is only informed."""

    @property
    def full_name(self) -> str: ...

    @property
    def email(self) -> str: ...


def informed(
    document: Document,
    person: Addressee,
    school: School,
    *,
    attachment: tuple[str, str],
    shared_with: Sequence[str] = (),
) -> Message:
    """The document as issued, for a guardian who does not sign it: for information."""
    doc, sch = _document(document), _school(school)
    values = {"document": doc, "school": sch, "person_name": _plain(person.full_name)}
    language = language_of(document, person)
    text, html = render("informed", {**values, **_shared(person.full_name, shared_with)}, language)
    tr = gettext(language)
    lead = _attention(tr("Pour information"), person.full_name, shared_with, language)
    return Message(
        to=person.email,
        subject=_subject(lead, doc, sch, "", language),
        text=text,
        html=html,
        document_id=document.id,
        attachment_sha256=attachment[0],
        attachment_name=attachment[1],
    )
