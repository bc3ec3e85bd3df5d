"""The certificate's signer blocks: for each party, who they are as registered, how they were
identified, what they consented to (the text and its SHA-256), when they signed (local time and
UTC), from where, and the SHA-256 of the exact PDF they were shown beside their signature."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from signing.data.french import format_date_fr
from signing.data.parties import same_address
from signing.data.territory import Territory
from signing.pdf.certificate_records import SignerRecord, short_user_agent
from signing.pdf.certificate_style import CELL_FONT, HEAD_FILL, RULE, WIDTH, Styles, paragraph
from signing.pdf.evidence_texts import Identification, identification
from signing.pdf.fonts import DOCUMENT_SANS_BOLD, markup

_LABEL_WIDTH = 3.6 * cm


def consent_sha256(text: str) -> str:
    """SHA-256 (hex) of the consent sentence as shown, UTF-8, without trailing spaces."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def moment_lines(at: datetime, territory: Territory) -> str:
    """``7 décembre 2026 à 14 h 32 min 05 s (heure de Paris, UTC+1)`` then, on a second line,
    ``soit 2026-12-07 13:32:05 UTC``."""
    local = territory.local(at)
    return (
        f"{format_date_fr(territory.day(at))} à {local.hour} h {local.minute:02d} min "
        f"{local.second:02d} s ({territory.clock_name}, {territory.utc_offset(at)})\n"
        f"soit {at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
    )


def signer_blocks(
    signers: Sequence[SignerRecord], territory: Territory, frozen_sha256: str
) -> list[Flowable]:
    blocks: list[Flowable] = []
    for signer in signers:
        block = _block(signer, territory, frozen_sha256, _sharing(signer, signers))
        blocks.append(KeepTogether([block, Spacer(1, 6)]))
    return blocks


def _sharing(signer: SignerRecord, signers: Sequence[SignerRecord]) -> str:
    """« adresse partagée avec Karim Martin (Le représentant légal) … » when other signers'
    links went to this signer's address (two guardians on one mailbox): the address alone does
    not tell them apart, their own links and names do."""
    others = [
        f"{other.name} ({other.role_label})"
        for other in signers
        if other is not signer and same_address(signer.email, other.email)
    ]
    if not others:
        return ""
    return (
        f"adresse partagée avec {', '.join(others)} : chaque signataire a reçu son propre "
        "lien, à son nom"
    )


def _block(
    signer: SignerRecord, territory: Territory, frozen_sha256: str, sharing: str = ""
) -> Table:
    font = Styles.cell.fontName
    title = Paragraph(
        f"<b>{markup(signer.role_label, DOCUMENT_SANS_BOLD.name)}</b> — "
        f"{markup(signer.name, font)}",
        Styles.value,
    )
    rows: list[tuple[str, Any]] = [
        ("Courriel enregistré", _email_cell(signer.email, sharing)),
        ("Téléphone enregistré", paragraph(signer.phone or "—", Styles.cell)),
    ]
    if signer.signed_at is None:
        rows.append(("Signature", paragraph("n'a pas signé", Styles.cell)))
    else:
        rows.extend(_signed_rows(signer, territory, frozen_sha256))
    table = Table(
        [[title, ""], *([paragraph(label, Styles.head), value] for label, value in rows)],
        colWidths=[_LABEL_WIDTH, WIDTH - _LABEL_WIDTH],
    )
    table.setStyle(
        TableStyle(
            [
                *CELL_FONT,
                ("SPAN", (0, 0), (-1, 0)),
                ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("LINEBELOW", (0, 1), (-1, -2), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table


def _email_cell(email: str, sharing: str) -> Any:
    if not email:  # a signer who signed in person or on paper may have no address of their own
        return paragraph("aucun (pas de lien par courriel)", Styles.cell)
    if not sharing:
        return paragraph(email, Styles.cell)
    return [paragraph(email, Styles.cell), paragraph(sharing, Styles.small)]


def _signed_rows(
    signer: SignerRecord, territory: Territory, frozen_sha256: str
) -> list[tuple[str, Any]]:
    assert signer.signed_at is not None  # noqa: S101
    method = identification(signer.identification) if signer.identification else None
    method_text = method.text.replace("{witness}", signer.witness or "?") if method else None
    consent = signer.consent_text
    consent_cell: Any = paragraph("non recueilli", Styles.cell)
    if consent:
        consent_cell = [
            paragraph(f"« {consent} »", Styles.cell),
            paragraph(f"SHA-256 {consent_sha256(consent)}", Styles.cell_mono),
        ]
    shown = signer.shown_pdf_sha256
    shown_cell: Any = paragraph("non enregistré", Styles.cell)
    if shown:
        same = "identique" if shown == frozen_sha256 else "DIFFÉRENT"
        shown_cell = [
            paragraph(shown, Styles.cell_mono),
            paragraph(f"{same} au fichier émis décrit plus haut", Styles.small),
        ]
    paper = signer.identification == Identification.PAPER
    drawn = (
        f"signature manuscrite sur papier, numérisée par {signer.witness} (copie en annexe)"
        if paper
        else "signature tracée à la main, à l'écran"
        if signer.drawn
        else "nom saisi, qui tient lieu de signature"
    )
    typed = f" ; nom saisi : « {signer.typed_name} »" if signer.typed_name and not paper else ""
    agent = signer.user_agent or ""
    short = short_user_agent(agent)
    # The full string under its short name, unless it is that name already ("cosigne demo").
    full = paragraph(agent[:300], Styles.small) if agent and agent != short else Spacer(1, 0)
    return [
        ("Identification", paragraph(method_text or "non enregistrée", Styles.cell)),
        ("Consentement accepté", consent_cell),
        ("Signé le", paragraph(moment_lines(signer.signed_at, territory), Styles.cell)),
        ("Signature", paragraph(drawn + typed, Styles.cell)),
        ("Fichier présenté (SHA-256)", shown_cell),
        ("Adresse IP", paragraph(signer.ip or "inconnue", Styles.cell_mono)),
        (
            "Navigateur",
            [
                paragraph(short or "inconnu", Styles.cell),
                full,
            ],
        ),
    ]
