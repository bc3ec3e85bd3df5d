"""How a signer signs (issue 14 §3): by a link mailed to them, in person on the school's device,
or on paper; `signing.vocabulary` gives it with the other words of the domain."""

from __future__ import annotations

from enum import StrEnum


class SigningChannel(StrEnum):
    """How a signer signs, chosen per signer in the document's data (``pupil.signs_by``,
    ``guardians[].signs_by``; issue 14 §3): the choices of those fields are these values and
    labels. Only a signer who signs by link is mailed a link, reminded, asked a code; the
    others sign on the school's device or on paper, their email (optional then) getting only
    the final PDF."""

    LINK = "link"
    IN_PERSON = "in_person"
    PAPER = "paper"

    @property
    def label(self) -> str:
        """As the form offers it: « par lien envoyé par courriel »."""
        return _CHANNEL_LABELS[self][0]

    @property
    def pending(self) -> str:
        """What the staff's page says of such a signer whose turn it is, instead of « Invité »
        (empty for a link, whose signer is invited)."""
        return _CHANNEL_LABELS[self][1]

    @property
    def waits_for(self) -> str:
        """« une signature en présence », for the staff's notice."""
        return _CHANNEL_LABELS[self][2]


_CHANNEL_LABELS: dict[SigningChannel, tuple[str, str, str]] = {
    SigningChannel.LINK: ("par lien envoyé par courriel", "", "sa signature par lien"),
    SigningChannel.IN_PERSON: (
        "en présence, sur l'appareil de l'établissement",
        "À faire signer en présence",
        "une signature en présence, sur l'appareil de l'établissement",
    ),
    SigningChannel.PAPER: (
        "sur papier",
        "À faire signer sur papier",
        "une signature sur papier",
    ),
}


def signing_channel(value: object) -> SigningChannel:
    """The channel a document's data gives a signer (``signs_by``): by link when absent, as
    every document issued before the choice existed was."""
    try:
        return SigningChannel(str(value)) if value else SigningChannel.LINK
    except ValueError:
        return SigningChannel.LINK
