"""THE state machine of documents and signers: two transition tables, and decisions built on them.

Pure functions over plain values: the service reads the states, asks a ``decide_*`` function and
applies the answer with a compare-and-set (``UPDATE … WHERE state = :expected``) in the
transaction of its events; a refusal raises `TransitionRefused` and nothing changes.

Documents: ``draft → awaiting_signatures → signed → completed``; ``draft`` and
``awaiting_signatures`` can be cancelled; ``awaiting_signatures`` can be declined or expire. Only a
draft is edited; a completed document changes only through an amendment (a new document, see
`decide_amend`).

Signers: ``waiting → invited → opened → signed | declined``. Every signer but the head is invited
when the document is issued and signs in any order; the head waits until all of them have signed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from signing.errors import TransitionRefused
from signing.refusals import amend_refusal, document_refusal, signer_refusal, unmailed_refusal
from signing.vocabulary import (
    DocumentAction,
    DocumentState,
    Role,
    SignerAction,
    SignerState,
    SigningChannel,
)

_D = DocumentState
_S = SignerState

DOCUMENT_TRANSITIONS: dict[tuple[DocumentState, DocumentAction], DocumentState] = {
    (_D.DRAFT, DocumentAction.EDIT): _D.DRAFT,
    (_D.DRAFT, DocumentAction.ISSUE): _D.AWAITING_SIGNATURES,
    (_D.DRAFT, DocumentAction.CANCEL): _D.CANCELLED,
    (_D.AWAITING_SIGNATURES, DocumentAction.CANCEL): _D.CANCELLED,
    (_D.AWAITING_SIGNATURES, DocumentAction.DECLINE): _D.DECLINED,
    (_D.AWAITING_SIGNATURES, DocumentAction.EXPIRE): _D.EXPIRED,
    (_D.AWAITING_SIGNATURES, DocumentAction.OPEN): _D.AWAITING_SIGNATURES,
    (_D.AWAITING_SIGNATURES, DocumentAction.REMIND): _D.AWAITING_SIGNATURES,
    (_D.AWAITING_SIGNATURES, DocumentAction.SIGN): _D.AWAITING_SIGNATURES,
    (_D.AWAITING_SIGNATURES, DocumentAction.SIGN_LAST): _D.SIGNED,
    (_D.SIGNED, DocumentAction.COMPLETE): _D.COMPLETED,
    (_D.COMPLETED, DocumentAction.AMEND): _D.COMPLETED,
}
"""Every allowed (state, action) of a document and where it leads; anything else is refused."""

SIGNER_TRANSITIONS: dict[tuple[SignerState, SignerAction], SignerState] = {
    (_S.WAITING, SignerAction.INVITE): _S.INVITED,
    (_S.INVITED, SignerAction.OPEN): _S.OPENED,
    (_S.OPENED, SignerAction.OPEN): _S.OPENED,
    (_S.INVITED, SignerAction.REMIND): _S.INVITED,
    (_S.OPENED, SignerAction.REMIND): _S.OPENED,
    (_S.INVITED, SignerAction.SIGN): _S.SIGNED,
    (_S.OPENED, SignerAction.SIGN): _S.SIGNED,
    (_S.INVITED, SignerAction.DECLINE): _S.DECLINED,
    (_S.OPENED, SignerAction.DECLINE): _S.DECLINED,
}
"""Every allowed (state, action) of a signer; the document's own state is checked separately."""


def allows(state: DocumentState, action: DocumentAction) -> bool:
    """Whether the table lets a document in `state` take `action`."""
    return (state, action) in DOCUMENT_TRANSITIONS


def signer_allows(state: SignerState, action: SignerAction) -> bool:
    """Whether the table lets a signer in `state` take `action`."""
    return (state, action) in SIGNER_TRANSITIONS


def _states_allowing(action: DocumentAction) -> frozenset[DocumentState]:
    return frozenset(state for state, act in DOCUMENT_TRANSITIONS if act == action)


LINKS_LIVE_IN = _states_allowing(DocumentAction.OPEN)
"""Document states in which a signing link leads to its page (every other state kills them)."""
ANSWERING_SIGNERS = frozenset(
    state for state, act in SIGNER_TRANSITIONS if act == SignerAction.SIGN
)
"""Signer states in which the signer may still answer: sign or decline, and be reminded."""
EXPIRES_IN = _states_allowing(DocumentAction.EXPIRE)
"""Document states the worker expires once their deadline has passed."""
REMINDS_IN = _states_allowing(DocumentAction.REMIND)
"""Document states whose answering signers the worker reminds."""
FINALIZES_IN = _states_allowing(DocumentAction.COMPLETE)
"""Document states the worker seals and archives (every required signature is in)."""


_SIGNER_ACTION_ON_DOCUMENT: dict[SignerAction, DocumentAction] = {
    SignerAction.OPEN: DocumentAction.OPEN,
    SignerAction.REMIND: DocumentAction.REMIND,
    SignerAction.SIGN: DocumentAction.SIGN,
    SignerAction.DECLINE: DocumentAction.DECLINE,
}


@dataclass(frozen=True)
class SignerView:
    """What a decision needs to know of a signer."""

    id: int
    role: Role
    state: SignerState


@dataclass(frozen=True)
class IssueDecision:
    document_state: DocumentState
    signer_states: tuple[SignerState, ...]
    """One per role given, in the same order: ``invited`` now, or ``waiting`` (the head)."""


@dataclass(frozen=True)
class SignDecision:
    signer_state: SignerState
    document_state: DocumentState
    """``signed`` when this was the last required signature, else ``awaiting_signatures``."""
    invite: tuple[int, ...]
    """Ids of signers to move from ``waiting`` to ``invited`` now (the head, after the others)."""


@dataclass(frozen=True)
class DeclineDecision:
    signer_state: SignerState
    document_state: DocumentState
    """``declined``: the document is over; the service kills every signer's link."""


def next_document_state(state: DocumentState, action: DocumentAction) -> DocumentState:
    """The state `action` leads to from `state`, or `TransitionRefused`."""
    try:
        return DOCUMENT_TRANSITIONS[state, action]
    except KeyError:
        raise TransitionRefused(action, state, document_refusal(state, action)) from None


def next_signer_state(
    document_state: DocumentState, signer_state: SignerState, action: SignerAction
) -> SignerState:
    """The signer's state after `action`, or `TransitionRefused`.

    The document is checked first (a signer of a cancelled document is told it was cancelled),
    except for ``invite``, which happens only inside a document transition (issue, sign).
    """
    if action in _SIGNER_ACTION_ON_DOCUMENT:
        next_document_state(document_state, _SIGNER_ACTION_ON_DOCUMENT[action])
    try:
        return SIGNER_TRANSITIONS[signer_state, action]
    except KeyError:
        message = signer_refusal(signer_state)
        raise TransitionRefused(action, document_state, message, signer_state) from None


def decide_edit(state: DocumentState) -> DocumentState:
    """Changing a document's data: drafts only (an issued one is cancelled and issued anew)."""
    return next_document_state(state, DocumentAction.EDIT)


def decide_issue(state: DocumentState, roles: Sequence[Role]) -> IssueDecision:
    """Issuing a draft to `roles`, the signers in the order of the plan (`plan_signers`).

    Every signer but the head is invited now; the head waits for them. A plan with the head
    alone invites the head now. `roles` must not be empty (`ValueError`: a bug, not a refusal).
    """
    if not roles:
        raise ValueError("a document is issued to at least one signer")
    document_state = next_document_state(state, DocumentAction.ISSUE)
    head_waits = any(role != Role.HEAD for role in roles)
    signer_states = tuple(
        _S.WAITING if role == Role.HEAD and head_waits else _S.INVITED for role in roles
    )
    return IssueDecision(document_state, signer_states)


def decide_open(document_state: DocumentState, signer_state: SignerState) -> SignerState:
    """A signer opening their page: ``invited`` becomes ``opened``, ``opened`` stays.

    Opening never changes anything else and never uses the link up (mail scanners open links).
    """
    return next_signer_state(document_state, signer_state, SignerAction.OPEN)


def decide_remind(
    document_state: DocumentState,
    signer_state: SignerState,
    signs_by: SigningChannel = SigningChannel.LINK,
) -> SignerState:
    """A reminder (or the invitation resent with a new link): the signer's state is unchanged.

    Only for a signer who was invited and has not answered, while the document awaits
    signatures, and who signs by link: one who signs in person or on paper is mailed no link.
    """
    state = next_signer_state(document_state, signer_state, SignerAction.REMIND)
    if not mails_links(signs_by):
        message = unmailed_refusal(signs_by.label)
        raise TransitionRefused(SignerAction.REMIND, document_state, message, signer_state)
    return state


def mails_links(signs_by: SigningChannel) -> bool:
    """Whether a signer who signs so is mailed links (invitation, reminders, new link, codes):
    by link only. The others' turn comes unmailed; an email they gave gets the final PDF."""
    return signs_by is SigningChannel.LINK


def awaits_in_school(signs_by: SigningChannel, signer_state: SignerState) -> bool:
    """Whether the school has to have this signer sign in person or on paper now: their turn
    has come (invited), they have not answered, and no link was mailed to them."""
    return not mails_links(signs_by) and signer_state in ANSWERING_SIGNERS


def decide_sign(
    document_state: DocumentState, signers: Sequence[SignerView], signer_id: int
) -> SignDecision:
    """Signer `signer_id` signs.

    `signers` are all the signers of the document, as read in the same transaction. When every
    signer but the head has signed, the waiting head is invited; when everyone has, the document
    is ``signed``. `signer_id` must be among `signers` (`ValueError` otherwise: a bug).
    """
    signer = _find(signers, signer_id)
    signer_state = next_signer_state(document_state, signer.state, SignerAction.SIGN)
    after = [(s.id, s.role, signer_state if s.id == signer_id else s.state) for s in signers]
    if all(state == _S.SIGNED for _, _, state in after):
        last = next_document_state(document_state, DocumentAction.SIGN_LAST)
        return SignDecision(signer_state, last, invite=())
    others_signed = all(state == _S.SIGNED for _, role, state in after if role != Role.HEAD)
    invite = tuple(
        id_
        for id_, role, state in after
        if others_signed and role == Role.HEAD and state == _S.WAITING
    )
    more = next_document_state(document_state, DocumentAction.SIGN)
    return SignDecision(signer_state, more, invite)


def decide_decline(document_state: DocumentState, signer_state: SignerState) -> DeclineDecision:
    """A signer declines (with a reason, which the service records): the document is declined."""
    new_signer_state = next_signer_state(document_state, signer_state, SignerAction.DECLINE)
    return DeclineDecision(
        new_signer_state, next_document_state(document_state, DocumentAction.DECLINE)
    )


def decide_cancel(state: DocumentState) -> DocumentState:
    """Cancelling a draft or a document awaiting signatures; the service kills every link."""
    return next_document_state(state, DocumentAction.CANCEL)


def decide_expire(state: DocumentState) -> DocumentState:
    """Expiring a document whose deadline the caller has found passed; signers stay as they are."""
    return next_document_state(state, DocumentAction.EXPIRE)


def decide_complete(state: DocumentState) -> DocumentState:
    """Recording that a signed document was sealed and archived."""
    return next_document_state(state, DocumentAction.COMPLETE)


@dataclass(frozen=True)
class AmendmentView:
    """An amendment already made of a document: its number and its state."""

    id: int
    state: DocumentState


AMENDMENT_OVER = frozenset({_D.DECLINED, _D.CANCELLED, _D.EXPIRED})
"""Amendments that came to nothing: they neither replace the document nor block a new one."""


def decide_amend(state: DocumentState, amendments: Sequence[AmendmentView]) -> DocumentState:
    """Starting an amendment of a document whose existing amendments are `amendments`.

    Only a completed document is amended (before that, it is edited, or cancelled and issued
    anew). An amendment is itself a document: once completed, it may be amended in turn. So only
    the latest completed version of a chain may be amended: a document that a completed
    amendment replaced is refused, and so is one with an amendment still under way (a draft or
    one awaiting signatures), so that two amendments never compete. Returns the state of the
    new document: a draft.
    """
    next_document_state(state, DocumentAction.AMEND)
    for amendment in sorted(amendments, key=lambda a: a.id):
        if amendment.state == _D.COMPLETED or amendment.state not in AMENDMENT_OVER:
            message = amend_refusal(amendment.id, replaced=amendment.state == _D.COMPLETED)
            raise TransitionRefused(DocumentAction.AMEND, state, message)
    return _D.DRAFT


def _find(signers: Sequence[SignerView], signer_id: int) -> SignerView:
    found = next((signer for signer in signers if signer.id == signer_id), None)
    if found is None:
        raise ValueError(f"signer {signer_id} is not a signer of this document")
    return found
