"""Stage 2 of the final PDF: the "Certificat de signature" pages, after the stamped pages.

They say, in French, which document this is (number, kind, version, school, the SHA-256 of the
PDF the signers saw), who signed it and how (role, name, masked email, time, IP address, browser,
consent, drawn signature), the age rule that decided who had to sign, every event in order, and
how to check the file (a QR code and the address of the verification page). Text is set in an
embedded TrueType font (`signing.pdf.fonts`); pages are A4, as many as the events need.

`append_audit_pages` adds them to the stamped PDF as an incremental update
(`signing.pdf.increment`), so the pages before them stay byte for byte as they were.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

import qrcode
import qrcode.constants
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, NumberObject
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from signing.data.french import format_date_fr
from signing.errors import PdfUnreadable
from signing.pdf.fonts import MONO, SANS, SANS_BOLD, register_fonts
from signing.pdf.increment import Update, open_pdf
from signing.pdf.stamp import INK, format_clock_fr, paris_time
from signing.vocabulary import EventType, Role

TITLE = "Certificat de signature"

MARGIN = 2 * cm
FOOTER_HEIGHT = 0.6 * cm
WIDTH = A4[0] - 2 * MARGIN
GREY = HexColor("#3a3a3a")
MUTED = HexColor("#666666")
RULE = HexColor("#c7c7d9")
HEAD_FILL = HexColor("#ececfe")
ZEBRA = HexColor("#f6f6f6")
QR_SIZE = 3.4 * cm


@dataclass(frozen=True)
class SignerRecord:
    """One signer as the certificate shows them."""

    role: str
    """A `signing.vocabulary.Role` value."""
    role_label: str
    """``L'élève``, ``Le représentant légal``…"""
    name: str
    email: str
    """Printed masked (`mask_email`), never in full."""
    signed_at: datetime | None
    """Timezone aware; None for a party who has not signed."""
    ip: str | None
    user_agent: str | None
    """The browser's full User-Agent; printed in short (`short_user_agent`)."""
    consent: bool
    """They ticked the consent to sign electronically."""
    drawn: bool
    """They drew their signature (otherwise their typed name stands for it)."""


@dataclass(frozen=True)
class TrailEvent:
    """One event of the audit trail, in recorded order."""

    at: datetime
    """Timezone aware."""
    type: str
    """``created``, ``issued``, ``invited``, ``opened``, ``signed``, ``declined``…"""
    actor: str | None
    """Who acted or was acted upon (the signer invited, the staff member who issued)."""
    role: str | None
    """A signer role or a staff role (``admin``), when known."""


@dataclass(frozen=True)
class AuditTrail:
    """Everything the certificate prints."""

    document_id: int
    kind_title: str
    """``Convention de stage``…"""
    version: int
    school_name: str
    frozen_sha256: str
    """Hex SHA-256 of the PDF as issued to the signers (before any stamp)."""
    signers: tuple[SignerRecord, ...]
    events: tuple[TrailEvent, ...]
    age_rule: str
    """``Élève mineure (16 ans) au 28 novembre 2026 : accord du représentant légal requis``."""
    verify_url: str
    """The verification page's address, printed and encoded in the QR code."""


EVENT_LABELS: dict[str, str] = {event.value: event.certificate_label for event in EventType}
"""French wording of each event type; an unknown type is printed as it is."""

STAFF_ROLE_NAMES: dict[str, str] = {"admin": "administrateur"}

_MASK = "•••••"


def mask_email(email: str) -> str:
    """``n•••••@example.org``: first letter, a fixed run of dots (the length stays secret), then
    the whole domain."""
    email = email.strip()
    local, at, domain = email.rpartition("@")
    if not at:
        local, domain = email, ""
    if not local:
        return f"{_MASK}@{domain}" if at else ""
    return f"{local[0]}{_MASK}" + (f"@{domain}" if at else "")


_BROWSERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # Order matters: Edge, Opera and Samsung Internet also announce Chrome and Safari,
    # Chrome announces Safari.
    ("Edge", re.compile(r"\bEdg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"\b(?:OPR|Opera)/(\d+)")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/(\d+)")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"\b(?:Chrome|CriOS)/(\d+)")),
    ("Safari", re.compile(r"\bVersion/(\d+)[^ ]*(?: Mobile/\S+)? Safari/")),
)
_SYSTEMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # iOS announces "like Mac OS X", Android announces Linux: they come first.
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("macOS", re.compile(r"\bMacintosh\b|\bMac OS X\b")),
    ("Linux", re.compile(r"\bLinux\b|\bX11\b")),
)
_UNKNOWN_LENGTH = 40


def short_user_agent(ua: str) -> str:
    """``Firefox 132 sur Android``, ``Safari 17 sur iPhone``, ``Chrome 131 sur Windows``; an
    unknown browser gives the first 40 characters of `ua`."""
    ua = " ".join(ua.split())
    browser = next(
        (
            f"{name} {match.group(1)}"
            for name, pattern in _BROWSERS
            if (match := pattern.search(ua))
        ),
        None,
    )
    if browser is None:
        return ua[:_UNKNOWN_LENGTH]
    system = next((name for name, pattern in _SYSTEMS if pattern.search(ua)), None)
    return f"{browser} sur {system}" if system else browser


def audit_pages(trail: AuditTrail) -> bytes:
    """The certificate alone, as a PDF of A4 pages."""
    register_fonts()
    out = io.BytesIO()
    footer = f"{TITLE} – document n° {trail.document_id}, version {trail.version}"
    frame = Frame(
        MARGIN,
        MARGIN + FOOTER_HEIGHT,
        WIDTH,
        A4[1] - 2 * MARGIN - FOOTER_HEIGHT,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    document = BaseDocTemplate(
        out,
        pagesize=A4,
        pageTemplates=[PageTemplate(frames=[frame])],
        title=TITLE,
        author=trail.school_name,
        subject=f"{trail.kind_title} n° {trail.document_id}",
        creator="Cosigne",
        lang="fr-FR",
        invariant=True,
        initialFontName=SANS.name,
        initialFontSize=9,
    )
    document.build(
        _story(trail),
        canvasmaker=lambda *args, **kwargs: _NumberedCanvas(*args, footer=footer, **kwargs),
    )
    return out.getvalue()


def append_audit_pages(pdf: bytes, trail: AuditTrail) -> bytes:
    """`pdf` (the stamped PDF) with the certificate's pages after its last page."""
    reader = open_pdf(pdf)
    update = Update(pdf, reader)
    certificate = PdfReader(io.BytesIO(audit_pages(trail)))
    tree_ref = reader.root_object.raw_get("/Pages")
    tree = tree_ref.get_object() if isinstance(tree_ref, IndirectObject) else None
    if not isinstance(tree, DictionaryObject):
        raise PdfUnreadable("arbre des pages illisible")
    kids, count = _resolved(tree.get("/Kids")), _resolved(tree.get("/Count"))
    if not isinstance(kids, ArrayObject) or not isinstance(count, int):
        raise PdfUnreadable("arbre des pages illisible")
    memo: dict[int, IndirectObject] = {}
    added = []
    for page in certificate.pages:
        box = ArrayObject(page.mediabox)
        added.append(
            update.add(
                DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Page"),
                        NameObject("/Parent"): tree_ref,
                        # Explicit, so nothing the page tree passes down can crop or turn them.
                        NameObject("/MediaBox"): box,
                        NameObject("/CropBox"): box,
                        NameObject("/Rotate"): NumberObject(0),
                        NameObject("/Resources"): update.copy_from(
                            page.raw_get("/Resources"), memo
                        ),
                        NameObject("/Contents"): update.copy_from(page.raw_get("/Contents"), memo),
                    }
                )
            )
        )
    # The new pages hang from the root of the page tree, after every existing page.
    grown = DictionaryObject(tree.items())
    grown[NameObject("/Kids")] = ArrayObject([*kids, *added])
    grown[NameObject("/Count")] = NumberObject(int(count) + len(added))
    update.replace(tree_ref, grown)
    return update.to_bytes()


def _resolved(value: object) -> object:
    """The object an indirect reference points to (``DictionaryObject.get`` does not follow)."""
    return value.get_object() if isinstance(value, IndirectObject) else value


# Layout


def _style(name: str, **changes: Any) -> ParagraphStyle:
    base: dict[str, Any] = {
        "fontName": SANS.name,
        "fontSize": 8.5,
        "leading": 11,
        "textColor": GREY,
        "alignment": TA_LEFT,
    }
    base.update(changes)
    return ParagraphStyle(name, **base)


class _Styles:
    title = _style("title", fontName=SANS_BOLD.name, fontSize=20, leading=24, textColor=INK)
    subtitle = _style("subtitle", fontSize=11, leading=14, textColor=MUTED, spaceBefore=4)
    body = _style("body", fontSize=9, leading=12.5)
    small = _style("small", fontSize=7.5, leading=10, textColor=MUTED)
    section = _style(
        "section",
        fontName=SANS_BOLD.name,
        fontSize=11,
        leading=14,
        textColor=INK,
        spaceBefore=14,
        spaceAfter=2,
        keepWithNext=1,
    )
    label = _style("label", fontName=SANS_BOLD.name, textColor=MUTED)
    value = _style("value")
    mono = _style("mono", fontName=MONO.name, fontSize=8, leading=11)
    cell = _style("cell", fontSize=7.5, leading=9.5)
    cell_mono = _style("cell_mono", fontName=MONO.name, fontSize=7, leading=9.5)
    head = _style("head", fontName=SANS_BOLD.name, fontSize=7.5, leading=9.5, textColor=INK)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: anything markup-like in it (a name with « < » or « & ») is
    printed as it is."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _story(trail: AuditTrail) -> list[Flowable]:
    return [
        _p(TITLE, _Styles.title),
        _p(f"{trail.kind_title} – {trail.school_name}", _Styles.subtitle),
        _Rule(),
        _p(
            "Ce certificat fait partie du document signé électroniquement décrit ci-dessous. "
            "Il indique qui l'a signé, quand et comment, et comment vérifier que le fichier n'a "
            "pas été modifié depuis. Les heures sont données en heure de Paris.",
            _Styles.body,
        ),
        _p("Document", _Styles.section),
        _document_table(trail),
        _p("Signataires", _Styles.section),
        _signers_table(trail.signers),
        Spacer(1, 4),
        _p(
            "Consenti : la personne a accepté de signer électroniquement avant de signer. "
            "Signature : dessinée à l'écran, ou nom saisi, qui tient alors lieu de signature.",
            _Styles.small,
        ),
        KeepTogether([_p("Vérification", _Styles.section), _verification(trail.verify_url)]),
        _p("Historique", _Styles.section),
        _events_table(trail.events),
    ]


def _document_table(trail: AuditTrail) -> Table:
    rows = [
        ("Document", _p(f"n° {trail.document_id}, version {trail.version}", _Styles.value)),
        ("Nature", _p(trail.kind_title, _Styles.value)),
        ("Établissement", _p(trail.school_name, _Styles.value)),
        (
            "Empreinte SHA-256",
            [
                _p(trail.frozen_sha256, _Styles.mono),
                _p(
                    "du fichier PDF présenté aux signataires, avant l'apposition des signatures",
                    _Styles.small,
                ),
            ],
        ),
        ("Règle d'âge appliquée", _p(trail.age_rule, _Styles.value)),
    ]
    table = Table(
        [[_p(label, _Styles.label), value] for label, value in rows],
        colWidths=[4.2 * cm, WIDTH - 4.2 * cm],
    )
    table.setStyle(
        TableStyle(
            [
                *_CELL_FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LINEBELOW", (0, 0), (-1, -2), 0.25, RULE),
            ]
        )
    )
    return table


def _signers_table(signers: Sequence[SignerRecord]) -> Table:
    head = ["Signataire", "Signé le", "Adresse IP", "Navigateur", "Consenti", "Signature"]
    rows: list[list[Any]] = [[_p(text, _Styles.head) for text in head]]
    for signer in signers:
        who = Paragraph(
            f"<b>{escape(signer.role_label)}</b><br/>{escape(signer.name)}<br/>"
            f'<font color="#666666">{escape(mask_email(signer.email))}</font>',
            _Styles.cell,
        )
        if signer.signed_at is None:
            when = "non signé"
        else:
            day = format_date_fr(paris_time(signer.signed_at).date())
            when = f"{day}\nà {format_clock_fr(signer.signed_at)}"
        rows.append(
            [
                who,
                _p(when, _Styles.cell),
                _p(signer.ip or "—", _Styles.cell_mono),
                _p(short_user_agent(signer.user_agent or "") or "—", _Styles.cell),
                _p("oui" if signer.consent else "non", _Styles.cell),
                _p("dessinée" if signer.drawn else "nom saisi", _Styles.cell),
            ]
        )
    widths = [5.2 * cm, 2.9 * cm, 2.6 * cm, 2.8 * cm, 1.6 * cm]
    table = Table(rows, colWidths=[*widths, WIDTH - sum(widths)], repeatRows=1)
    table.setStyle(_grid(len(rows)))
    return table


def _events_table(events: Sequence[TrailEvent]) -> Table:
    rows: list[list[Any]] = [
        [_p(text, _Styles.head) for text in ("Date et heure", "Événement", "Qui")]
    ]
    for event in events:
        local = paris_time(event.at)
        rows.append(
            [
                _p(f"{local:%d/%m/%Y %H:%M:%S}", _Styles.cell_mono),
                _p(EVENT_LABELS.get(event.type, event.type), _Styles.cell),
                _p(_who(event), _Styles.cell),
            ]
        )
    if not events:
        rows.append([_p("—", _Styles.cell), _p("aucun événement", _Styles.cell), ""])
    widths = [3.6 * cm, 5.2 * cm]
    table = Table(rows, colWidths=[*widths, WIDTH - sum(widths)], repeatRows=1)
    table.setStyle(_grid(len(rows)))
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


_CELL_FONT = (("FONT", (0, 0), (-1, -1), SANS.name, 7.5, 9.5),)
"""Tables select a font for every cell, even one holding paragraphs: never reportlab's
default (Helvetica, not embedded)."""


def _grid(rows: int) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        *_CELL_FONT,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    commands.extend(("BACKGROUND", (0, row), (-1, row), ZEBRA) for row in range(2, rows, 2))
    return TableStyle(commands)


def _verification(url: str) -> Table:
    text = [
        _p("Adresse de vérification", _Styles.label),
        _p(url, _Styles.mono),
        Spacer(1, 5),
        _p(
            "Ce fichier est scellé : après la dernière signature, l'établissement y a apposé un "
            "cachet électronique (signature PAdES) qui couvre tout le fichier, ce certificat "
            "compris. La moindre modification ultérieure rend ce cachet invalide.",
            _Styles.body,
        ),
        Spacer(1, 4),
        _p(
            "Pour le vérifier, ouvrez l'adresse ci-dessus ou lisez le code QR, puis déposez le "
            "fichier sur cette page : elle indique si le cachet est valide, si le fichier est "
            "intact et s'il correspond à l'original archivé. Un lecteur PDF qui affiche les "
            "signatures (panneau « Signatures ») montre aussi le cachet et son titulaire.",
            _Styles.body,
        ),
    ]
    table = Table([[_qr_code(url), text]], colWidths=[QR_SIZE + 0.6 * cm, None])
    table.setStyle(
        TableStyle(
            [
                *_CELL_FONT,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.8, INK),
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


class _Rule(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A short, thick rule under the title, in the French state's blue."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, 12

    def draw(self) -> None:
        self.canv.setFillColor(INK)
        self.canv.rect(0, 5, 1.6 * cm, 2.2, stroke=0, fill=1)


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """Pages are kept until the end, so each footer can say "page 1 sur 3"."""

    def __init__(self, *args: Any, footer: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802  # reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_footer(number, total)
            super().showPage()
        super().save()

    def _draw_footer(self, number: int, total: int) -> None:
        width, _ = self._pagesize
        y = MARGIN - 0.2 * cm
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, y + 10, width - MARGIN, y + 10)
        self.setFillColor(MUTED)
        self.setFont(SANS.name, 7.5)
        self.drawString(MARGIN, y, self._footer)
        self.drawRightString(width - MARGIN, y, f"Page {number} sur {total}")
