"""What the certificate's pages hold, in order: the document, its signers, the age rule, its
events, and how to check the file (the verification page's address and its QR code)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import qrcode
import qrcode.constants
from reportlab.lib.units import cm
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
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
    SignerRecord,
    TrailEvent,
    mask_email,
    short_user_agent,
)
from signing.pdf.certificate_style import (
    CELL_FONT,
    MUTED,
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
from signing.pdf.fonts import DOCUMENT_SANS_BOLD, markup
from signing.pdf.stamp import format_clock_fr
from signing.vocabulary import Role


def story(trail: AuditTrail) -> list[Flowable]:
    return [
        paragraph(TITLE, Styles.title),
        paragraph(f"{trail.kind_title} – {trail.school_name}", Styles.subtitle),
        Rule(),
        paragraph(
            "Ce certificat fait partie du document signé électroniquement décrit ci-dessous. "
            "Il indique qui l'a signé, quand et comment, et comment vérifier que le fichier n'a "
            f"pas été modifié depuis. Les heures sont données en {trail.territory.clock_name}, "
            "avec leur écart au temps universel (UTC).",
            Styles.body,
        ),
        paragraph("Document", Styles.section),
        _document_table(trail),
        paragraph("Signataires", Styles.section),
        _signers_table(trail.signers, trail.territory),
        Spacer(1, 4),
        paragraph(
            "Consenti : la personne a accepté de signer électroniquement avant de signer. "
            "Signature : dessinée à l'écran, ou nom saisi, qui tient alors lieu de signature.",
            Styles.small,
        ),
        KeepTogether([paragraph("Vérification", Styles.section), _verification(trail.verify_url)]),
        paragraph("Historique", Styles.section),
        _events_table(trail.events, trail.territory),
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


def _signers_table(signers: Sequence[SignerRecord], territory: Territory) -> Table:
    head = ["Signataire", "Signé le", "Adresse IP", "Navigateur", "Consenti", "Signature"]
    rows: list[list[Any]] = [[paragraph(text, Styles.head) for text in head]]
    for signer in signers:
        font = Styles.cell.fontName
        who = Paragraph(
            f"<b>{markup(signer.role_label, DOCUMENT_SANS_BOLD.name)}</b><br/>"
            f"{markup(signer.name, font)}<br/>"
            f'<font color="#{MUTED.hexval()[2:]}">'
            f"{markup(mask_email(signer.email), font)}</font>",
            Styles.cell,
        )
        if signer.signed_at is None:
            when = "non signé"
        else:
            place, at = territory, signer.signed_at
            day = format_date_fr(place.day(at))
            when = f"{day}\nà {format_clock_fr(at, place)}\n({place.utc_offset(at)})"
        rows.append(
            [
                who,
                paragraph(when, Styles.cell),
                paragraph(signer.ip or "—", Styles.cell_mono),
                paragraph(short_user_agent(signer.user_agent or "") or "—", Styles.cell),
                paragraph("oui" if signer.consent else "non", Styles.cell),
                paragraph("dessinée" if signer.drawn else "nom saisi", Styles.cell),
            ]
        )
    widths = [5.2 * cm, 2.9 * cm, 2.6 * cm, 2.8 * cm, 1.6 * cm]
    table = Table(rows, colWidths=[*widths, WIDTH - sum(widths)], repeatRows=1)
    table.setStyle(grid(len(rows)))
    return table


def _events_table(events: Sequence[TrailEvent], territory: Territory) -> Table:
    rows: list[list[Any]] = [
        [paragraph(text, Styles.head) for text in ("Date et heure", "Événement", "Qui")]
    ]
    for event in events:
        local = territory.local(event.at)
        rows.append(
            [
                paragraph(
                    f"{local:%d/%m/%Y %H:%M:%S} {territory.utc_offset(event.at)}",
                    Styles.cell_mono,
                ),
                paragraph(EVENT_LABELS.get(event.type, event.type), Styles.cell),
                paragraph(_who(event), Styles.cell),
            ]
        )
    if not events:
        rows.append([paragraph("—", Styles.cell), paragraph("aucun événement", Styles.cell), ""])
    widths = [3.6 * cm, 5.2 * cm]
    table = Table(rows, colWidths=[*widths, WIDTH - sum(widths)], repeatRows=1)
    table.setStyle(grid(len(rows)))
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
            "Ce fichier est scellé : après la dernière signature, l'établissement y a apposé un "
            "cachet électronique (signature PAdES) qui couvre tout le fichier, ce certificat "
            "compris. La moindre modification ultérieure rend ce cachet invalide.",
            Styles.body,
        ),
        Spacer(1, 4),
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
