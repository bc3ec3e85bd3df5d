"""The messages Cosigne sends the school's staff, not a document's parties: a party declined
(`declined_notice`, to the head), parties wait for a signature in person or on paper
(`in_school_notice`, to the head and the référent), the scheduled archive check
(`archive_damaged`) and the référent's digest (`follow_up_digest`).
Composed as `service.mail.compose` composes the parties' messages, and re-exported there."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from service.accounts.models import School
from service.documents.models import Document
from service.mail.addresses import SUBJECT_MAX, header_text
from service.mail.compose import Message, render, subject_line
from service.mail.mail_values import document_values, plain, school_values
from service.signers.models import Signer


def declined_notice(document: Document, signer: Signer, school: School, reason: str) -> Message:
    """Tells the head that `signer` declined, their reason, and what to do next."""
    doc, sch = document_values(document), school_values(school)
    text, html = render(
        "declined_notice",
        {
            "document": doc,
            "school": sch,
            "signer_name": plain(signer.full_name),
            "signer_role": signer.role_noun,
            "signer_email": plain(signer.email),
            "reason": plain(reason),
        },
    )
    return Message(
        to=school.head_email,
        subject=subject_line("Signature refusée : ", doc, sch),
        text=text,
        html=html,
        document_id=document.id,
    )


def in_school_notice(
    document: Document, waiting: Sequence[Signer], school: School, to: str, url: str
) -> Message:
    """Tells the head (or the référent, `to`) that the `waiting` signers of the just issued
    `document` were mailed no link: each waits for a signature in person or on paper, at the
    school, from the document's page (`url`)."""
    doc, sch = document_values(document), school_values(school)
    people = [
        {
            "name": plain(signer.full_name),
            "role": signer.role_noun,
            "waits_for": signer.signs_by.waits_for,
        }
        for signer in waiting
    ]
    text, html = render(
        "in_school_notice", {"document": doc, "school": sch, "waiting": people, "url": url}
    )
    return Message(
        to=to,
        subject=subject_line("À faire signer à l'établissement : ", doc, sch),
        text=text,
        html=html,
        document_id=document.id,
    )


def archive_damaged(
    school: School, to: str, findings: list[tuple[int, str, str]], base_url: str
) -> Message:
    """Tells a school's admin which archived final PDFs the scheduled check found damaged or
    missing (`findings`: document number, problem, the document page's address)."""
    sch = school_values(school)
    text, html = render(
        "archive_damaged",
        {
            "school": sch,
            "findings": [
                {"id": number, "problem": plain(problem), "url": url}
                for number, problem, url in findings
            ],
            "base_url": base_url,
        },
    )
    count = len(findings)
    noun = "document signé endommagé" if count == 1 else "documents signés endommagés"
    return Message(
        to=to,
        subject=header_text(f"Archives : {count} {noun} – {sch['name']}")[:SUBJECT_MAX],
        text=text,
        html=html,
    )


def follow_up_digest(school: School, to: str, name: str, items: dict[str, list[Any]]) -> Message:
    """The référent's digest: `items` "upcoming" and "overdue" (day, pupil, label, url)."""
    sch, count = school_values(school), len(items["upcoming"]) + len(items["overdue"])
    text, html = render("follow_up_digest", {"school": sch, "name": plain(name), **items})
    head = "En retard" if items["overdue"] else "À venir"
    subject = header_text(f"Mon suivi – {head} : {count} échéance(s) – {sch['name']}")
    return Message(to=to, subject=subject[:SUBJECT_MAX], text=text, html=html)
