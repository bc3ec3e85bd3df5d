"""The certificate's line for a signature says how the signer was identified and how they
signed: a signature drawn by hand, or their typed name."""

from __future__ import annotations

from service.finalize.evidence_details import event_detail
from signing.vocabulary import EventType

SHA256 = "ab" * 32


def test_a_signature_line_says_whether_it_was_drawn_or_typed() -> None:
    drawn = event_detail(
        EventType.SIGNED, {"identification": "email_link", "drawn": True, "pdf_sha256": SHA256}
    )
    typed = event_detail(
        EventType.SIGNED,
        {"identification": "email_link_code", "drawn": False, "pdf_sha256": SHA256},
    )

    assert drawn == (
        f"Lien personnel reçu par courriel ; signature tracée à la main ; fichier SHA-256 {SHA256}"
    )
    assert typed == (
        "Lien personnel reçu par courriel et code à usage unique ; nom saisi ; "
        f"fichier SHA-256 {SHA256}"
    )


def test_a_signature_line_without_the_method_names_none() -> None:
    assert event_detail(EventType.SIGNED, {"identification": "email_link"}) == (
        "Lien personnel reçu par courriel"
    )


def test_an_in_person_signature_names_the_staff_member_present() -> None:
    data = {
        "identification": "in_person",
        "witness_user": 7,
        "witness_name": "Anne Leroy",
        "witness_role_label": "proviseure",
        "drawn": False,
    }
    assert event_detail(EventType.SIGNED, data) == (
        "Signé en présence de Anne Leroy (proviseure), sur l'appareil de l'établissement"
        " ; nom saisi"
    )
