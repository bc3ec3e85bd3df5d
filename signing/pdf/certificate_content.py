"""What the certificate's pages hold, in order: the document, its signers, the age rule, its
events, and how to check the file (the verification page's address and its QR code)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC
from typing import Any

import qrcode
import qrcode.constants
from reportlab.lib.units import cm
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Spacer,
    Table,
    TableStyle,
)

from signing.data.french import format_date_fr
from signing.data.territory import Territory
from signing.pdf.certificate_records import (
    EVENT_LABELS,
    STAFF_ROLE_NAMES,
    AuditTrail,
    TrailEvent,
    short_user_agent,
    timestamp_text,
)
from signing.pdf.certificate_signers import signer_blocks
from signing.pdf.certificate_style import (
    CELL_FONT,
    NAVY,
    QR_SIZE,
    RULE,
    TITLE,
    WIDTH,
    Rule,
    Styles,
    grid,
    paragraph,
)
from signing.pdf.evidence_texts import proof_agreement, seal_statement
from signing.pdf.evidence_texts import reliability as reliability_note
from signing.vocabulary import Role


def story(trail: AuditTrail) -> list[Flowable]:
    agreement, reliability = proof_agreement(), reliability_note()
    return [
        paragraph(TITLE, Styles.title),
        paragraph(f"{trail.kind_title} – {trail.school_name}", Styles.subtitle),
        Rule(),
        paragraph(
            "Ce certificat fait partie du document signé électroniquement décrit ci-dessous. "
            "Il indique qui l'a signé, comment chaque signataire a été identifié, ce qu'il a "
            "accepté, quand, et comment vérifier que le fichier n'a pas été modifié depuis. Les "
            f"heures sont données en {trail.territory.clock_name}, avec leur écart au temps "
            "universel, et en temps universel (UTC).",
            Styles.body,
        ),
        Spacer(1, 3),
        paragraph(reliability.text, Styles.small),
        paragraph("Document", Styles.section),
        _document_table(trail),
        KeepTogether([paragraph("Vérification", Styles.section), _verification(trail.verify_url)]),
        paragraph("Signataires", Styles.section),
        *signer_blocks(trail.signers, trail.territory, trail.frozen_sha256),
        paragraph("Historique", Styles.section),
        paragraph(
            f"{_chaining(trail)} ; « Courriel remis » est l'acceptation du message par le "
            "serveur de messagerie, distincte de sa mise en file d'envoi.",
            Styles.small,
        ),
        Spacer(1, 3),
        _events_table(trail.events, trail.territory),
        paragraph("Intégrité et cachet", Styles.section),
        _integrity_table(trail),
        KeepTogether(
            [
                paragraph("Convention de preuve", Styles.section),
                paragraph(agreement.text, Styles.body),
                Spacer(1, 3),
                paragraph(f"Fondement : {agreement.source}.", Styles.small),
            ]
        ),
    ]


def _document_table(trail: AuditTrail) -> Table:
    rows = [
        ("Document", paragraph(f"n° {trail.document_id}, version {trail.version}", Styles.value)),
        ("Nature", paragraph(trail.kind_title, Styles.value)),
        ("Établissement", paragraph(trail.school_name, Styles.value)),
        (
            "Empreinte SHA-256",
            [
                paragraph(trail.frozen_sha256, Styles.mono),
                paragraph(
                    "du fichier PDF présenté aux signataires, avant l'apposition des signatures",
                    Styles.small,
                ),
            ],
        ),
        *(
            [
                (
                    "Après signatures",
                    [
                        paragraph(trail.stamped_sha256, Styles.mono),
                        paragraph(
                            "SHA-256 du même fichier, les signatures apposées, avant ce "
                            "certificat et le cachet",
                            Styles.small,
                        ),
                    ],
                )
            ]
            if trail.stamped_sha256
            else []
        ),
        ("Règle d'âge appliquée", paragraph(trail.age_rule, Styles.value)),
    ]
    table = Table(
        [[paragraph(label, Styles.label), value] for label, value in rows],
        colWidths=[4.2 * cm, WIDTH - 4.2 * cm],
    )
    table.setStyle(
        TableStyle(
            [
                *CELL_FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LINEBELOW", (0, 0), (-1, -2), 0.25, RULE),
            ]
        )
    )
    return table


def _events_table(events: Sequence[TrailEvent], territory: Territory) -> Table:
    head = (f"Date ({territory.clock_name})", "UTC", "Événement", "Qui", "Depuis")
    rows: list[list[Any]] = [[paragraph(text, Styles.head) for text in head]]
    for event in events:
        local = territory.local(event.at)
        what: list[Flowable] = [paragraph(EVENT_LABELS.get(event.type, event.type), Styles.cell)]
        if event.detail:
            what.append(paragraph(event.detail, Styles.small))
        source = " · ".join(
            part for part in (event.ip, short_user_agent(event.user_agent or "")) if part
        )
        rows.append(
            [
                paragraph(
                    f"{local:%d/%m/%Y %H:%M:%S} {territory.utc_offset(event.at)}",
                    Styles.cell_mono,
                ),
                paragraph(f"{event.at.astimezone(UTC):%H:%M:%S}", Styles.cell_mono),
                what,
                paragraph(_who(event), Styles.cell),
                paragraph(source or "—", Styles.cell),
            ]
        )
    if not events:
        rows.append(
            [paragraph("—", Styles.cell), "", paragraph("aucun événement", Styles.cell), "", ""]
        )
    widths = [3.4 * cm, 1.5 * cm, 4.6 * cm, 3.6 * cm]
    table = Table(rows, colWidths=[*widths, WIDTH - sum(widths)], repeatRows=1)
    table.setStyle(grid(len(rows)))
    return table


def _chaining(trail: AuditTrail) -> str:
    if not trail.trail_key_id:
        return "Chaque événement est chaîné au précédent par son empreinte SHA-256"
    return (
        "Chaque événement est chaîné au précédent par une empreinte HMAC-SHA-256 calculée avec "
        f"une clé secrète propre à la piste d'audit (clé {trail.trail_key_id}), que personne ne "
        "peut recalculer sans elle"
    )


def _integrity_table(trail: AuditTrail) -> Table:
    statement = seal_statement()
    rows: list[tuple[str, Any]] = []
    if trail.trail_head:
        rows.append(
            (
                "Piste d'audit",
                [
                    paragraph(trail.trail_head, Styles.mono),
                    paragraph(
                        f"empreinte du dernier des {trail.trail_events} événements enregistrés "
                        "au scellement, scellée avec ce certificat",
                        Styles.small,
                    ),
                ],
            )
        )
    seal = trail.seal
    if seal is not None:
        rows.append(("Cachet", paragraph(statement.text, Styles.cell)))
        rows.append(("Titulaire du certificat", paragraph(seal.holder, Styles.cell)))
        rows.append(("Émis par", paragraph(seal.issuer, Styles.cell)))
        until = format_date_fr(seal.valid_until.date())
        rows.append(
            (
                "N° de série",
                paragraph(f"{seal.serial} (valable jusqu'au {until})", Styles.cell_mono),
            )
        )
        tsa = timestamp_text(seal)
        rows.append(("Horodatage", paragraph(tsa, Styles.cell)))
    table = Table(
        [[paragraph(label, Styles.label), value] for label, value in rows] or [["", ""]],
        colWidths=[4.2 * cm, WIDTH - 4.2 * cm],
    )
    table.setStyle(
        TableStyle(
            [
                *CELL_FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LINEBELOW", (0, 0), (-1, -2), 0.25, RULE),
            ]
        )
    )
    return table


def _who(event: TrailEvent) -> str:
    role = _role_name(event.role) if event.role else None
    if event.actor and role:
        return f"{event.actor} ({role})"
    return event.actor or role or "Cosigne (automatique)"


def _role_name(role: str) -> str:
    """``représentant légal``, ``élève``: the role without its article, for "Nom (rôle)"."""
    try:
        return Role(role).noun
    except ValueError:
        return STAFF_ROLE_NAMES.get(role, role)


def _verification(url: str) -> Table:
    text = [
        paragraph("Adresse de vérification", Styles.label),
        paragraph(url, Styles.mono),
        Spacer(1, 5),
        paragraph(
            "Pour le vérifier, ouvrez l'adresse ci-dessus ou lisez le code QR, puis déposez le "
            "fichier sur cette page : elle indique si le cachet est valide, si le fichier est "
            "intact et s'il correspond à l'original archivé. Un lecteur PDF qui affiche les "
            "signatures (panneau « Signatures ») montre aussi le cachet et son titulaire.",
            Styles.body,
        ),
    ]
    table = Table([[_qr_code(url), text]], colWidths=[QR_SIZE + 0.6 * cm, None])
    table.setStyle(
        TableStyle(
            [
                *CELL_FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.8, NAVY),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _qr_code(url: str) -> Image:
    """The QR code of `url` as an image, with its quiet zone; 10 pixels per module so that
    a viewer's smoothing cannot blur it."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(url)
    code.make(fit=True)
    png = io.BytesIO()
    code.make_image().get_image().convert("L").save(png, format="PNG")
    png.seek(0)
    return Image(png, width=QR_SIZE, height=QR_SIZE)
