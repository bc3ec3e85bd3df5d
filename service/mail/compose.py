"""The French messages Cosigne sends, composed from the rows they speak about (`invitation`,
`reminder`, `cancelled`, `completed`), then queued (`service.mail.outbox`); the staff's own
messages are in `service.mail.staff_messages`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from service.accounts.models import School
from service.documents.models import Document
from service.i18n import role_phrase
from service.mail.addresses import SUBJECT_MAX, header_text
from service.mail.languages import environment, gettext, language_of
from service.mail.mail_values import document_values, plain, school_values
from service.signers.models import Signer
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


def subject_line(
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
        "addressee": plain(name),
        "shared_with": [plain(other) for other in shared_with],
        "shared_item": item,
    }


def _attention(prefix: str, name: str, shared_with: Sequence[str], language: str) -> str:
    """« Signé : », or « Signé, à l'attention de Nadia Martin : » when others read the same
    mailbox: a subject names its person before the list cuts it (`prefix` is translated)."""
    tr = gettext(language)
    if not shared_with:
        return tr("{prefix} : ").format(prefix=prefix)
    return tr("{prefix}, à l'attention de {name} : ").format(prefix=prefix, name=plain(name))


def _signing_message(
    document: Document,
    signer: Signer,
    school: School,
    url: str,
    *,
    reminder: bool,
    shared_with: Sequence[str] = (),
) -> Message:
    doc, sch, language = document_values(document), school_values(school), signer.language
    tr = gettext(language)
    role = role_phrase(signer.role, tr)
    if signer.role == Role.GUARDIAN:
        role = tr("{role} de {pupil}").format(role=role, pupil=doc["pupil_name"])
    values = {
        "reminder": reminder,
        "document": doc,
        "school": sch,
        "signer_name": plain(signer.full_name),
        "is_head": signer.role == Role.HEAD,
        "role": role,
        "url": url,
        **_shared(signer.full_name, shared_with, "link"),
    }
    text, html = render("invitation", values, language)
    prefix = tr("Rappel : ") if reminder else ""
    subject = subject_line(prefix, doc, sch, tr(" à signer"), language)
    if shared_with:  # « Lien de signature pour Nadia Martin : Contrat … de Zoé M. – Lycée … »
        lead = tr("Rappel : lien de signature") if reminder else tr("Lien de signature")
        name = plain(signer.full_name)
        subject = subject_line(
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
    doc, sch = document_values(document), school_values(school)
    values = {
        "document": doc,
        "school": sch,
        "signer_name": plain(signer.full_name),
        "code": code,
        "expires": expires,
        **_shared(signer.full_name, shared_with, "code"),
    }
    tr = gettext(signer.language)
    text, html = render("code", values, signer.language)
    subject = tr("Votre code pour signer : {code}").format(code=code) + f" – {sch['name']}"
    if shared_with:
        said = tr("Code de signature pour {name} : {code}")
        subject = said.format(name=plain(signer.full_name), code=code) + f" – {sch['name']}"
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
    doc, sch = document_values(document), school_values(school)
    values = {"document": doc, "school": sch, "signer_name": plain(signer.full_name)}
    values["reason"] = plain(reason)
    language = signer.language
    text, html = render("cancelled", {**values, **_shared(signer.full_name, shared_with)}, language)
    tr = gettext(language)
    lead = _attention(tr("Annulé"), signer.full_name, shared_with, language)
    return Message(
        to=signer.email,
        subject=subject_line(lead, doc, sch, "", language),
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
    doc, sch = document_values(document), school_values(school)
    language = language_of(document, signer)
    text, html = render(
        "completed",
        {
            "document": doc,
            "school": sch,
            "signer_name": plain(signer.full_name),
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
        subject=subject_line(lead, doc, sch, "", language),
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
    doc, sch = document_values(document), school_values(school)
    values = {"document": doc, "school": sch, "person_name": plain(person.full_name)}
    language = language_of(document, person)
    text, html = render("informed", {**values, **_shared(person.full_name, shared_with)}, language)
    tr = gettext(language)
    lead = _attention(tr("Pour information"), person.full_name, shared_with, language)
    return Message(
        to=person.email,
        subject=subject_line(lead, doc, sch, "", language),
        text=text,
        html=html,
        document_id=document.id,
        attachment_sha256=attachment[0],
        attachment_name=attachment[1],
    )
