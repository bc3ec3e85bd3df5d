"""The French sentences a signer's page shows that are made at run time, not written in a
template: why a link is dead (`signing.vocabulary.LinkEnd`: its heading and message) and the
commonest refusal of the signing form. Marked here with `N_` so ``pybabel extract`` puts them in
the catalogues; the page translates them with the ``translated`` filter (`service.i18n`).
tests/unit/test_catalogues.py checks that this list is exactly what those sources say."""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802 — gettext's name for "mark, do not translate yet"
    return text


LINK_ENDS = (
    N_("Vous avez déjà signé"),
    N_("Vous avez déjà signé ce document : il n'y a plus rien à faire."),
    N_("Toutes les parties ont signé"),
    N_(
        "Vous avez déjà signé ce document, comme toutes les autres parties : le document signé "
        "est en cours de finalisation et vous sera envoyé par courriel."
    ),
    N_("Ce document est signé par toutes les parties"),
    N_("Vous avez déjà signé ce document, et toutes les parties l'ont signé."),
    N_("Vous avez refusé de signer"),
    N_("Vous avez refusé de signer ce document."),
    N_("Ce document ne sera pas signé"),
    N_("Une autre partie a refusé de signer ce document : il ne peut plus être signé."),
    N_("Ce document a été annulé"),
    N_("Ce document a été annulé par l'établissement."),
    N_("Le délai de signature est dépassé"),
    N_("Le délai de signature de ce document est dépassé : il ne peut plus être signé."),
    N_("Ce lien a expiré"),
    N_("Ce lien de signature a expiré, mais le document attend toujours votre signature."),
    N_("Ce lien a été remplacé"),
    N_("Ce lien a été remplacé par un lien plus récent : utilisez le dernier courriel reçu."),
    N_("Ce document ne peut plus être signé"),
    N_("Ce document ne peut plus être signé."),
    N_("Ce n'est pas encore à vous de signer"),
    N_(
        "Ce n'est pas encore à vous de signer ce document : vous recevrez un lien par courriel "
        "quand ce sera votre tour."
    ),
)
"""Each `LinkEnd`'s heading then message, in the vocabulary's order."""

FORM_REFUSALS = (N_("Cochez la case pour accepter de signer."),)
"""The signing form's refusals that quote nothing typed (`service.signers.sign`)."""
