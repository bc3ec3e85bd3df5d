"""The certificate's evidence sentences (proof agreement, identification methods, seal), as data
with their sources (`evidence_texts.toml`): legal wording lives in the data, never in code."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

_FILE = Path(__file__).with_name("evidence_texts.toml")


class Identification(StrEnum):
    """How a signer was identified when they signed (the ``identification`` of their
    ``signed`` event)."""

    EMAIL_LINK = "email_link"
    EMAIL_LINK_CODE = "email_link_code"
    STAFF_SESSION = "staff_session"
    IN_PERSON = "in_person"
    """Signed on the school's device, handed over by a logged-in head or référent who vouches
    for the signer's identity (`service.kiosk`)."""
    PAPER = "paper"
    """Signed by hand on the paper sheet printed for this signer, scanned and brought back by a
    logged-in head or référent (`service.signers.paper`)."""


IDENTIFICATION_NAMES = {
    Identification.EMAIL_LINK: "Lien personnel reçu par courriel",
    Identification.EMAIL_LINK_CODE: "Lien personnel reçu par courriel et code à usage unique",
    Identification.STAFF_SESSION: "Compte du personnel de l'établissement",
    Identification.IN_PERSON: (
        "En présence de … (personnel de l'établissement), sur l'appareil de l'établissement"
    ),
    Identification.PAPER: "Signature manuscrite sur papier, numérisée par le personnel",
}
"""Short names, for the staff's pages and the JSON export."""


@dataclass(frozen=True)
class Sourced:
    text: str
    source: str


@functools.cache
def _texts() -> dict[str, object]:
    with _FILE.open("rb") as fh:
        return tomllib.load(fh)


def _sourced(entry: object) -> Sourced:
    assert isinstance(entry, dict)  # noqa: S101 — the file is ours, tested
    return Sourced(text=str(entry["text"]), source=str(entry["source"]))


def proof_agreement() -> Sourced:
    return _sourced(_texts()["proof_agreement"])


def reliability() -> Sourced:
    return _sourced(_texts()["reliability"])


def seal_statement() -> Sourced:
    return _sourced(_texts()["seal"])


def identification(method: Identification) -> Sourced:
    methods = _texts()["identification"]
    assert isinstance(methods, dict)  # noqa: S101
    return _sourced(methods[method.value])


def in_person_witness(signed_data: dict[str, object] | None) -> str | None:
    """« Anne Leroy (Chef d’établissement) »: the staff member in whose presence a signer
    signed on the school's device, as the ``signed`` event names them; None otherwise."""
    data = signed_data or {}
    name = data.get("witness_name")
    if not name:
        return None
    role = data.get("witness_role_label")
    return f"{name} ({role})" if role else str(name)


def paper_digitizer(signed_data: dict[str, object] | None) -> str | None:
    """« Anne Leroy (proviseure) le 4 décembre 2026 »: who brought a paper signature's scan back
    and when, as the ``signed`` event names them; None for another method."""
    data = signed_data or {}
    if data.get("identification") != Identification.PAPER.value:
        return None
    who = in_person_witness(
        {
            "witness_name": data.get("digitizer_name"),
            "witness_role_label": data.get("digitizer_role_label"),
        }
    )
    day = data.get("digitized_on")
    return f"{who or '?'} le {day}" if day else who


def witness_of(signed_data: dict[str, object] | None) -> str | None:
    """The staff member a method names: in whose presence one signed, or who digitized a paper
    signature (and when)."""
    return paper_digitizer(signed_data) or in_person_witness(signed_data)


def identification_of(signed_data: dict[str, object] | None) -> Identification:
    """The method a ``signed`` event's data records; an event from before methods were
    recorded was a link (`EMAIL_LINK`) unless a staff member's account signed
    (``logged_in_user``)."""
    data = signed_data or {}
    try:
        return Identification(str(data.get("identification")))
    except ValueError:
        if data.get("logged_in_user") is not None:
            return Identification.STAFF_SESSION
        return Identification.EMAIL_LINK
