"""The certificate of signature alone: its content, read back with pypdf, and its helpers."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import unicodedata
from datetime import timedelta
from pathlib import Path

import pytest
import qrcode
import qrcode.constants
from pdftools import drawn_characters, page_texts, pdffonts, qpdf_check, squash
from pypdf import PdfReader
from trails import CONSENT, ISSUED_AT, SEAL, SHA256, SIGNERS, TRAIL_HEAD, VERIFY_URL, make_trail

from signing.data.territory import territory_of
from signing.pdf.certificate import audit_pages
from signing.pdf.certificate_records import EVENT_LABELS, mask_email, short_user_agent
from signing.pdf.certificate_signers import consent_sha256
from signing.pdf.evidence_texts import Identification, identification, proof_agreement

HOSTILE_NAME = 'Zoé & <Lou> "O\'Brien" </para>'


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("nadia.martin@example.org", "n•••••@example.org"),
        ("a@b.fr", "a•••••@b.fr"),
        ("  Zoe.M@ac-nantes.fr ", "Z•••••@ac-nantes.fr"),
        ("odd@name@example.org", "o•••••@example.org"),
        ("@example.org", "•••••@example.org"),
        ("pas-une-adresse", "p•••••"),
        ("", ""),
    ],
)
def test_an_email_is_masked_to_its_first_letter_and_domain(email: str, masked: str) -> None:
    assert mask_email(email) == masked


@pytest.mark.parametrize(
    ("agent", "short"),
    [
        ("Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0",
         "Firefox 132 sur Android"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
         "like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "Safari 17 sur iPhone"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Safari/537.36", "Chrome 131 sur Windows"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86", "Edge 131 sur Windows"),
        ("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
         "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
         "Samsung Internet 26 sur Android"),
        ("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
         "CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1", "Chrome 131 sur iPad"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
         "like Gecko) FxiOS/132.0 Mobile/15E148 Safari/605.1.15", "Firefox 132 sur iPhone"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
         "Gecko) Version/18.1 Safari/605.1.15", "Safari 18 sur macOS"),
        ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
         "Firefox 133 sur Linux"),
        ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Safari/537.36", "Chrome 131 sur ChromeOS"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Safari/537.36 OPR/115.0.0.0", "Opera 115 sur Windows"),
        ("Mozilla/5.0 (compatible; Firefox/120.0)", "Firefox 120"),
        ("curl/8.5.0", "curl/8.5.0"),
        ("Un navigateur inconnu\tavec   des espaces et un nom très long",
         "Un navigateur inconnu avec des espaces e"),
        ("", ""),
    ],
)  # fmt: skip
def test_a_user_agent_is_told_in_short(agent: str, short: str) -> None:
    assert short_user_agent(agent) == short


def test_the_certificate_tells_the_document_the_signers_and_the_events() -> None:
    pdf = audit_pages(make_trail())

    text = squash("\n".join(page_texts(pdf)))
    assert text.startswith("Certificat de signature Convention de stage – Lycée professionnel")
    assert "n° 42, version 1" in text
    assert SHA256 in text
    assert SHA256[::-1] in text  # the stamped file's hash
    assert (
        "Élève mineure (16 ans) au 28 novembre 2026 : accord du représentant légal requis" in text
    )
    flat = text.replace(" ", "")
    for number, (role, label, name, email, ip, _, _) in enumerate(SIGNERS):
        assert f"{label} — {name}" in text
        assert email in flat, role  # as registered, in full (a long address may wrap)
        assert f"06 00 00 00 0{number}" in text
        assert ip in flat, role  # a long IPv6 address wraps
    assert "Firefox 132 sur Android" in text
    assert "Safari 17 sur iPhone" in text
    # Paris time and UTC: signed 09:30:12 UTC in November.
    assert (
        "28 novembre 2026 à 13 h 30 min 12 s (heure de Paris, UTC+1) soit 2026-11-28 12:30:12 UTC"
        in text
    )
    assert (
        "28/11/2026 09:30:12 UTC+1 08:30:12 Document émis pour signature Anne Leroy "
        "(chef d'établissement)" in text
    )
    assert "Les heures sont données en heure de Paris, avec leur écart au temps universel" in text
    for word in ("créé", "émis", "file d'envoi", "ouvert", "signé", "Relancé", "finalisé"):
        assert word in text
    assert "Courriel remis Invitation à signer pour nadia.martin@example.org" in text
    assert "Cosigne (automatique)" in text
    assert VERIFY_URL in text


def test_the_certificate_says_how_each_signer_was_identified_and_what_they_accepted() -> None:
    text = squash("\n".join(page_texts(audit_pages(make_trail()))))

    assert text.count(f"Consentement accepté « {CONSENT} »") == len(SIGNERS)
    assert text.count(f"SHA-256 {consent_sha256(CONSENT)}") == len(SIGNERS)
    assert consent_sha256(CONSENT) == hashlib.sha256(CONSENT.encode()).hexdigest()
    for method in Identification:
        said = identification(method).text.replace("{witness}", "Paul Garnier (référent)")
        assert f"Identification {squash(said)}" in text
    assert text.count(f"Fichier présenté (SHA-256) {SHA256} identique au fichier émis") == len(
        SIGNERS
    )
    assert "nom saisi : « nadia martin »" in text
    # How each signed: four drew their signature, the guardian typed her name, the tutor signed
    # on paper (issue 14 §2).
    assert text.count("Signature signature tracée à la main, à l'écran ; nom saisi") == 4
    assert text.count("Signature nom saisi, qui tient lieu de signature ; nom saisi") == 1
    paper = "Signature signature manuscrite sur papier, numérisée par Paul Garnier (référent)"
    assert text.count(f"{paper} (copie en annexe)") == 1


def test_the_certificate_names_the_trail_head_the_seal_and_the_proof_agreement() -> None:
    text = squash("\n".join(page_texts(audit_pages(make_trail()))))

    assert f"Piste d'audit {TRAIL_HEAD}" in text
    assert SEAL.holder in text
    assert SEAL.issuer in text
    assert "1a2b3c (valable jusqu'au 28 novembre 2036)" in text
    assert "http://tsa.example.org/tsa" in text
    assert squash(proof_agreement().text) in text
    assert "Code civil 1356" in text
    assert "signature électronique simple : sa fiabilité n'est pas présumée" in text


def test_without_a_timestamp_authority_the_certificate_says_the_time_is_the_servers() -> None:
    seal = dataclasses.replace(SEAL, timestamp_authorities=())
    text = squash("\n".join(page_texts(audit_pages(make_trail(seal=seal)))))

    assert "l'heure du cachet est celle du serveur" in text


def test_a_signer_who_saw_another_file_is_told_apart() -> None:
    trail = make_trail()
    signers = (dataclasses.replace(trail.signers[0], shown_pdf_sha256="0" * 64), *trail.signers[1:])
    text = squash("\n".join(page_texts(audit_pages(dataclasses.replace(trail, signers=signers)))))

    assert f"{'0' * 64} DIFFÉRENT au fichier émis" in text


def test_the_events_are_listed_in_order_over_as_many_pages_as_they_need() -> None:
    trail = make_trail(rounds=8)
    pages = page_texts(audit_pages(trail))

    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} sur {len(pages)}" in page
        assert "Certificat de signature – Convention de stage n° 42, version 1" in page
    listing = [page for page in pages if "Document ouvert" in page]
    assert len(listing) >= 2
    assert all("Date (heure de Paris)" in page for page in listing)  # the table's head, repeated
    times = [
        line.split()[0] + " " + line.split()[1]
        for page in pages
        for line in page.splitlines()
        if line[:2].isdigit() and line[2:3] == "/"
    ]
    assert len(times) == len(trail.events)
    expected = [f"{event.at + timedelta(hours=1):%d/%m/%Y %H:%M:%S}" for event in trail.events]
    assert times == expected


def test_every_event_type_has_a_french_wording() -> None:
    trail = make_trail()
    events = tuple(
        type(trail.events[0])(ISSUED_AT, kind, "Anne Leroy", "head") for kind in EVENT_LABELS
    )
    events += (type(trail.events[0])(ISSUED_AT, "archived", None, "admin"),)

    text = squash("\n".join(page_texts(audit_pages(make_trail(events=events)))))

    for wording in EVENT_LABELS.values():
        assert wording in text
    assert "archived administrateur" in text  # unknown type as it is; staff role in French


def test_names_with_markup_characters_are_printed_as_they_are() -> None:
    trail = make_trail()
    pupil = trail.signers[3]
    signers = (*trail.signers[:3], type(pupil)(**{**pupil.__dict__, "name": HOSTILE_NAME}))

    text = squash("\n".join(page_texts(audit_pages(make_trail(signers=signers)))))

    assert HOSTILE_NAME in text


def test_chinese_arabic_and_hebrew_names_are_printed_with_real_glyphs(tmp_path: Path) -> None:
    """Each name is drawn by an embedded face that has its glyphs (never .notdef) and reads
    back as typed, Arabic joined and right to left (readers move the space after a
    right-to-left run, so spaces are left out of the comparison)."""
    names = ("王小明", "محمد علي", "דוד כהן")
    trail = make_trail()
    # Those who typed their name (on paper, nothing is typed: `test_…_identified_…` reads it).
    typing = [n for n, s in enumerate(trail.signers) if s.identification != Identification.PAPER]
    given = dict(zip(typing, names, strict=False))
    signers = tuple(
        dataclasses.replace(signer, name=given[number], typed_name=given[number])
        if number in given
        else signer
        for number, signer in enumerate(trail.signers)
    )

    pdf = audit_pages(make_trail(signers=signers))

    text = "".join(unicodedata.normalize("NFKC", "\n".join(page_texts(pdf))).split())
    drawn: set[str] = set()
    for page in range(len(PdfReader(io.BytesIO(pdf)).pages)):
        drawn |= drawn_characters(pdf, tmp_path, page)
    for number, name in given.items():
        title = "".join(f"{signers[number].role_label} — {name}".split())
        assert title in text, text  # the signer's block
        assert "".join(f"nom saisi : « {name} »".split()) in text, text
        assert set(name.replace(" ", "")) <= drawn, sorted(drawn)
    fonts = pdffonts(pdf, tmp_path)
    assert any("WenQuanYi" in font for font in fonts), fonts
    assert all(fonts.values()), fonts


def test_the_certificate_uses_only_embedded_fonts_and_is_a_valid_a4_pdf(tmp_path: Path) -> None:
    pdf = audit_pages(make_trail())

    fonts = pdffonts(pdf, tmp_path)
    assert fonts
    assert all(fonts.values()), fonts
    assert all("Liberation" in name for name in fonts), fonts
    checked = qpdf_check(pdf, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_the_qr_code_on_the_first_page_encodes_the_verification_address() -> None:
    pdf = audit_pages(make_trail())

    images = PdfReader(io.BytesIO(pdf)).pages[0].images
    assert len(images) == 1
    picture = images[0].image.convert("L")
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(VERIFY_URL)
    code.make(fit=True)
    modules = code.get_matrix()
    box = picture.width // len(modules)
    assert picture.size == (box * len(modules),) * 2
    size = len(modules)
    seen = [
        [picture.getpixel((x * box + box // 2, y * box + box // 2)) < 128 for x in range(size)]
        for y in range(size)
    ]
    assert seen == modules


def test_the_certificate_is_the_same_bytes_each_time() -> None:
    assert audit_pages(make_trail()) == audit_pages(make_trail())


def test_a_school_overseas_gets_its_own_time_and_offset() -> None:
    trail = dataclasses.replace(make_trail(), territory=territory_of("9740001A"))

    text = squash("\n".join(page_texts(audit_pages(trail))))

    assert "Les heures sont données en heure de La Réunion, avec leur écart" in text
    assert "28/11/2026 12:30:12 UTC+4 08:30:12 Document émis pour signature" in text
    assert "heure de Paris" not in text
