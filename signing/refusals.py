"""The French words of the workflow's refusals (`signing.workflow`): what a person is told when
the action they tried is not allowed in the document's or the signer's state."""

from __future__ import annotations

from signing.vocabulary import DocumentAction, DocumentState, SignerState

_D = DocumentState
_S = SignerState

_DOCUMENT_STATE_MESSAGES: dict[DocumentState, str] = {
    _D.DRAFT: "Ce document est un brouillon : il n'a pas encore été envoyé pour signature.",
    _D.AWAITING_SIGNATURES: "Ce document attend encore des signatures.",
    _D.SIGNED: "Ce document a déjà été signé par toutes les parties.",
    _D.COMPLETED: (
        "Ce document est signé et archivé : il ne peut plus changer que par un avenant."
    ),
    _D.DECLINED: "Ce document a été refusé par l'un des signataires.",
    _D.CANCELLED: "Ce document a été annulé.",
    _D.EXPIRED: "Le délai de signature de ce document est dépassé.",
}

_DOCUMENT_ACTION_MESSAGES: dict[tuple[DocumentState, DocumentAction], str] = {
    (_D.AWAITING_SIGNATURES, DocumentAction.EDIT): (
        "Ce document a été envoyé pour signature : il ne peut plus être modifié. "
        "Annulez-le, puis émettez une nouvelle version."
    ),
    (_D.AWAITING_SIGNATURES, DocumentAction.ISSUE): "Ce document a déjà été envoyé pour signature.",
    **{
        (state, DocumentAction.AMEND): (
            "Ce document n'est pas finalisé : seul un document signé par toutes les parties et "
            "archivé peut faire l'objet d'un avenant."
        )
        for state in DocumentState
        if state not in (_D.COMPLETED, _D.DRAFT)
    },
    (_D.DRAFT, DocumentAction.AMEND): (
        "Ce document est un brouillon : modifiez-le directement ; un avenant ne concerne qu'un "
        "document signé par toutes les parties et archivé."
    ),
}

_SIGNER_STATE_MESSAGES: dict[SignerState, str] = {
    _S.WAITING: (
        "Ce n'est pas encore le tour de ce signataire : il sera invité quand toutes les autres "
        "parties auront signé."
    ),
    _S.INVITED: "Ce signataire a déjà été invité.",
    _S.OPENED: "Ce signataire a déjà été invité.",
    _S.SIGNED: "Ce signataire a déjà signé ce document.",
    _S.DECLINED: "Ce signataire a refusé de signer ce document.",
}


def document_refusal(state: DocumentState, action: DocumentAction) -> str:
    """Why `action` is refused in `state`, for the person who tried it."""
    return _DOCUMENT_ACTION_MESSAGES.get((state, action), _DOCUMENT_STATE_MESSAGES[state])


def signer_refusal(state: SignerState) -> str:
    """Why a signer in `state` cannot do what they tried."""
    return _SIGNER_STATE_MESSAGES[state]


def unmailed_refusal(signs_by: str) -> str:
    """Why a signer who signs `signs_by` (« sur papier ») is sent no reminder nor link."""
    return (
        f"Ce signataire signe {signs_by} : aucun lien ne lui est envoyé, faites-le signer à "
        "l'établissement."
    )


def amend_refusal(amendment_id: int, *, replaced: bool) -> str:
    """Why a document cannot be amended: its amendment `amendment_id` replaced it (completed),
    or is still under way."""
    if replaced:
        return (
            f"Ce document a déjà été modifié par l'avenant n° {amendment_id} : établissez "
            "le nouvel avenant à partir de celui-ci."
        )
    return (
        f"Un avenant à ce document est déjà en cours (n° {amendment_id}) : terminez-le "
        "ou annulez-le avant d'en établir un autre."
    )
