"""The state machine: every (state, action) pair against a table written out here, then the
decisions a service asks for, walked through whole signing rounds."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import permutations

import pytest

from signing.errors import TransitionRefused
from signing.vocabulary import (
    DocumentAction,
    DocumentState,
    Role,
    SignerAction,
    SignerState,
    SigningChannel,
)
from signing.workflow import (
    DeclineDecision,
    IssueDecision,
    SignDecision,
    SignerView,
    awaits_in_school,
    decide_cancel,
    decide_complete,
    decide_decline,
    decide_edit,
    decide_expire,
    decide_issue,
    decide_open,
    decide_remind,
    decide_sign,
    mails_links,
    next_document_state,
    next_signer_state,
)

D = DocumentState
S = SignerState
A = DocumentAction
X = None  # refused
DR, AW, SG, CO = D.DRAFT, D.AWAITING_SIGNATURES, D.SIGNED, D.COMPLETED
DE, CA, EX = D.DECLINED, D.CANCELLED, D.EXPIRED
WA, IN, OP, SI, DC = S.WAITING, S.INVITED, S.OPENED, S.SIGNED, S.DECLINED

# fmt: off
DOCUMENT_COLUMNS = (
    A.EDIT, A.ISSUE, A.CANCEL, A.DECLINE, A.EXPIRE, A.OPEN, A.REMIND, A.SIGN, A.SIGN_LAST,
    A.COMPLETE, A.AMEND,
)
EXPECTED_DOCUMENT: dict[DocumentState, tuple[DocumentState | None, ...]] = {
    #    EDIT ISSUE CANCEL DECLINE EXPIRE OPEN REMIND SIGN SIGN_LAST COMPLETE AMEND
    DR: (DR,  AW,   CA,    X,      X,     X,   X,     X,   X,        X,       X),
    AW: (X,   X,    CA,    DE,     EX,    AW,  AW,    AW,  SG,       X,       X),
    SG: (X,   X,    X,     X,      X,     X,   X,     X,   X,        CO,      X),
    CO: (X,   X,    X,     X,      X,     X,   X,     X,   X,        X,       CO),
    DE: (X,   X,    X,     X,      X,     X,   X,     X,   X,        X,       X),
    CA: (X,   X,    X,     X,      X,     X,   X,     X,   X,        X,       X),
    EX: (X,   X,    X,     X,      X,     X,   X,     X,   X,        X,       X),
}

SIGNER_COLUMNS = (
    SignerAction.INVITE, SignerAction.OPEN, SignerAction.REMIND, SignerAction.SIGN,
    SignerAction.DECLINE,
)
EXPECTED_SIGNER: dict[SignerState, tuple[SignerState | None, ...]] = {
    #    INVITE OPEN REMIND SIGN DECLINE
    WA: (IN,    X,   X,     X,   X),
    IN: (X,     OP,  IN,    SI,  DC),
    OP: (X,     OP,  OP,    SI,  DC),
    SI: (X,     X,   X,     X,   X),
    DC: (X,     X,   X,     X,   X),
}
# fmt: on

DOCUMENT_CASES = [
    (state, action, row[column])
    for state, row in EXPECTED_DOCUMENT.items()
    for column, action in enumerate(DOCUMENT_COLUMNS)
]
SIGNER_CASES = [
    (state, action, row[column])
    for state, row in EXPECTED_SIGNER.items()
    for column, action in enumerate(SIGNER_COLUMNS)
]


def document_allows(state: DocumentState, action: DocumentAction) -> bool:
    return EXPECTED_DOCUMENT[state][DOCUMENT_COLUMNS.index(action)] is not None


def expected_signer(state: SignerState, action: SignerAction) -> SignerState | None:
    return EXPECTED_SIGNER[state][SIGNER_COLUMNS.index(action)]


def test_the_tables_here_cover_every_state_and_action() -> None:
    assert set(EXPECTED_DOCUMENT) == set(DocumentState)
    assert set(DOCUMENT_COLUMNS) == set(DocumentAction)
    assert len(DOCUMENT_COLUMNS) == len(DocumentAction)
    assert all(len(row) == len(DOCUMENT_COLUMNS) for row in EXPECTED_DOCUMENT.values())
    assert set(EXPECTED_SIGNER) == set(SignerState)
    assert set(SIGNER_COLUMNS) == set(SignerAction)
    assert len(SIGNER_COLUMNS) == len(SignerAction)
    assert all(len(row) == len(SIGNER_COLUMNS) for row in EXPECTED_SIGNER.values())


@pytest.mark.parametrize(("state", "action", "expected"), DOCUMENT_CASES)
def test_document_transition(
    state: DocumentState, action: DocumentAction, expected: DocumentState | None
) -> None:
    if expected is None:
        with pytest.raises(TransitionRefused) as caught:
            next_document_state(state, action)
        assert (caught.value.state, caught.value.action, caught.value.signer_state) == (
            state,
            action,
            None,
        )
        assert str(caught.value).startswith(("Ce document", "Le délai"))
    else:
        assert next_document_state(state, action) is expected


@pytest.mark.parametrize(("state", "action", "expected"), SIGNER_CASES)
def test_signer_transition_while_awaiting_signatures(
    state: SignerState, action: SignerAction, expected: SignerState | None
) -> None:
    if expected is None:
        with pytest.raises(TransitionRefused) as caught:
            next_signer_state(D.AWAITING_SIGNATURES, state, action)
        assert caught.value.signer_state == state
        assert caught.value.action == action
        assert str(caught.value).startswith("Ce ")
    else:
        assert next_signer_state(D.AWAITING_SIGNATURES, state, action) is expected


# The decisions, over every document state (and every signer state for a signer's action).

ROLES = (Role.PUPIL, Role.GUARDIAN, Role.REFERENT, Role.HEAD)


@pytest.mark.parametrize("state", list(DocumentState))
def test_decide_issue(state: DocumentState) -> None:
    if not document_allows(state, A.ISSUE):
        with pytest.raises(TransitionRefused):
            decide_issue(state, ROLES)
        return
    assert decide_issue(state, ROLES) == IssueDecision(
        D.AWAITING_SIGNATURES, (S.INVITED, S.INVITED, S.INVITED, S.WAITING)
    )


@pytest.mark.parametrize(
    ("decide", "action"),
    [
        (decide_edit, A.EDIT),
        (decide_cancel, A.CANCEL),
        (decide_expire, A.EXPIRE),
        (decide_complete, A.COMPLETE),
    ],
)
@pytest.mark.parametrize("state", list(DocumentState))
def test_document_decisions(
    decide: Callable[[DocumentState], DocumentState], action: DocumentAction, state: DocumentState
) -> None:
    expected = EXPECTED_DOCUMENT[state][DOCUMENT_COLUMNS.index(action)]
    if expected is None:
        with pytest.raises(TransitionRefused) as caught:
            decide(state)
        assert caught.value.state == state
    else:
        assert decide(state) is expected


SIGNER_PAIRS = [(d, s) for d in DocumentState for s in SignerState]


def _check_signer_decision(
    decide: Callable[[DocumentState, SignerState], object],
    document_state: DocumentState,
    signer_state: SignerState,
    action: SignerAction,
) -> None:
    document_action = {SignerAction.OPEN: A.OPEN, SignerAction.REMIND: A.REMIND}.get(
        action, A.DECLINE
    )
    expected = expected_signer(signer_state, action)
    if not document_allows(document_state, document_action) or expected is None:
        with pytest.raises(TransitionRefused):
            decide(document_state, signer_state)
    elif action is SignerAction.DECLINE:
        assert decide(document_state, signer_state) == DeclineDecision(S.DECLINED, D.DECLINED)
    else:
        assert decide(document_state, signer_state) is expected


@pytest.mark.parametrize(("document_state", "signer_state"), SIGNER_PAIRS)
def test_decide_open(document_state: DocumentState, signer_state: SignerState) -> None:
    _check_signer_decision(decide_open, document_state, signer_state, SignerAction.OPEN)


@pytest.mark.parametrize(("document_state", "signer_state"), SIGNER_PAIRS)
def test_decide_remind(document_state: DocumentState, signer_state: SignerState) -> None:
    _check_signer_decision(decide_remind, document_state, signer_state, SignerAction.REMIND)


@pytest.mark.parametrize("channel", [SigningChannel.IN_PERSON, SigningChannel.PAPER])
def test_one_who_signs_in_person_or_on_paper_is_mailed_no_link_nor_reminder(
    channel: SigningChannel,
) -> None:
    assert decide_remind(AW, IN, SigningChannel.LINK) is IN
    with pytest.raises(TransitionRefused, match="aucun lien ne lui est envoyé"):
        decide_remind(AW, IN, channel)
    with pytest.raises(TransitionRefused, match="a déjà signé"):  # the state is told first
        decide_remind(AW, SI, channel)
    assert mails_links(SigningChannel.LINK)
    assert not mails_links(channel)
    # Their turn comes as anyone's: the school has to have them sign while they may answer.
    assert [awaits_in_school(channel, s) for s in (WA, IN, OP, SI, DC)] == [
        False,
        True,
        True,
        False,
        False,
    ]
    assert not awaits_in_school(SigningChannel.LINK, IN)


@pytest.mark.parametrize(("document_state", "signer_state"), SIGNER_PAIRS)
def test_decide_decline(document_state: DocumentState, signer_state: SignerState) -> None:
    _check_signer_decision(decide_decline, document_state, signer_state, SignerAction.DECLINE)


@pytest.mark.parametrize(("document_state", "signer_state"), SIGNER_PAIRS)
def test_decide_sign_a_signature_that_is_not_the_last(
    document_state: DocumentState, signer_state: SignerState
) -> None:
    signers = [
        SignerView(1, Role.PUPIL, signer_state),
        SignerView(2, Role.REFERENT, S.INVITED),
        SignerView(3, Role.HEAD, S.WAITING),
    ]
    expected = expected_signer(signer_state, SignerAction.SIGN)
    if not document_allows(document_state, A.SIGN) or expected is None:
        with pytest.raises(TransitionRefused):
            decide_sign(document_state, signers, 1)
    else:
        assert decide_sign(document_state, signers, 1) == SignDecision(
            S.SIGNED, D.AWAITING_SIGNATURES, invite=()
        )


# The messages a refusal carries: the document's state speaks first.


@pytest.mark.parametrize(
    ("document_state", "signer_state", "message"),
    [
        (D.SIGNED, S.SIGNED, "Ce document a déjà été signé par toutes les parties."),
        (D.CANCELLED, S.INVITED, "Ce document a été annulé."),
        (D.EXPIRED, S.OPENED, "Le délai de signature de ce document est dépassé."),
        (D.DECLINED, S.OPENED, "Ce document a été refusé par l'un des signataires."),
        (D.AWAITING_SIGNATURES, S.SIGNED, "Ce signataire a déjà signé ce document."),
        (D.AWAITING_SIGNATURES, S.DECLINED, "Ce signataire a refusé de signer ce document."),
    ],
)
def test_refusal_messages(
    document_state: DocumentState, signer_state: SignerState, message: str
) -> None:
    signers = [SignerView(1, Role.PUPIL, signer_state), SignerView(2, Role.HEAD, S.WAITING)]
    with pytest.raises(TransitionRefused, match=f"^{re.escape(message)}$") as caught:
        decide_sign(document_state, signers, 1)
    assert caught.value.state == document_state
    assert caught.value.action == SignerAction.SIGN


def test_an_issued_document_cannot_be_edited_and_says_what_to_do() -> None:
    with pytest.raises(TransitionRefused, match="Annulez-le, puis émettez une nouvelle version"):
        decide_edit(D.AWAITING_SIGNATURES)


def test_a_completed_document_changes_only_through_an_amendment() -> None:
    with pytest.raises(TransitionRefused, match="avenant"):
        decide_edit(D.COMPLETED)


def test_the_head_cannot_sign_before_the_others() -> None:
    signers = [SignerView(1, Role.PUPIL, S.INVITED), SignerView(2, Role.HEAD, S.WAITING)]
    with pytest.raises(TransitionRefused, match="pas encore le tour") as caught:
        decide_sign(D.AWAITING_SIGNATURES, signers, 2)
    assert caught.value.signer_state == S.WAITING


# Whole rounds, applying each decision as the service would.


def _sign_all(order: list[int], signers: list[SignerView]) -> list[tuple[int, SignDecision]]:
    document_state = D.AWAITING_SIGNATURES
    decisions = []
    for signer_id in order:
        decision = decide_sign(document_state, signers, signer_id)
        decisions.append((signer_id, decision))
        document_state = decision.document_state
        signers = [_applied(s, signer_id, decision) for s in signers]
    return decisions


def _applied(signer: SignerView, signer_id: int, decision: SignDecision) -> SignerView:
    if signer.id == signer_id:
        return SignerView(signer.id, signer.role, decision.signer_state)
    if signer.id in decision.invite:
        return SignerView(signer.id, signer.role, S.INVITED)
    return signer


def _issued(roles: tuple[Role, ...]) -> list[SignerView]:
    decision = decide_issue(D.DRAFT, roles)
    return [
        SignerView(i, role, state)
        for i, (role, state) in enumerate(zip(roles, decision.signer_states, strict=True), 1)
    ]


CONVENTION_MINOR = (
    Role.HOST_REPRESENTATIVE,
    Role.HOST_TUTOR,
    Role.REFERENT,
    Role.PUPIL,
    Role.GUARDIAN,
    Role.GUARDIAN,
    Role.HEAD,
)


def test_in_any_order_the_head_is_invited_last_then_the_document_is_signed() -> None:
    signers = _issued(CONVENTION_MINOR)
    assert [s.state for s in signers] == [S.INVITED] * 6 + [S.WAITING]

    for order in permutations(range(1, 7)):
        decisions = _sign_all([*order, 7], signers)

        assert [decision.invite for _, decision in decisions] == [()] * 5 + [(7,), ()], order
        states = [decision.document_state for _, decision in decisions]
        assert states == [D.AWAITING_SIGNATURES] * 6 + [D.SIGNED], order


def test_a_head_alone_is_invited_at_issue_and_signs() -> None:
    signers = _issued((Role.HEAD,))
    assert signers[0].state is S.INVITED
    assert _sign_all([1], signers) == [(1, SignDecision(S.SIGNED, D.SIGNED, invite=()))]


def test_an_opened_page_can_be_signed() -> None:
    signers = [SignerView(1, Role.PUPIL, S.OPENED), SignerView(2, Role.HEAD, S.WAITING)]
    assert decide_sign(D.AWAITING_SIGNATURES, signers, 1) == SignDecision(
        S.SIGNED, D.AWAITING_SIGNATURES, invite=(2,)
    )


def test_signing_twice_is_refused() -> None:
    signers = _issued((Role.PUPIL, Role.REFERENT, Role.HEAD))
    [(_, first)] = _sign_all([1], signers)
    signed = [SignerView(1, Role.PUPIL, first.signer_state), *signers[1:]]
    with pytest.raises(TransitionRefused, match="déjà signé"):
        decide_sign(first.document_state, signed, 1)


def test_an_unknown_signer_is_a_bug_not_a_refusal() -> None:
    with pytest.raises(ValueError, match="not a signer"):
        decide_sign(D.AWAITING_SIGNATURES, _issued(ROLES), 99)


def test_issuing_to_nobody_is_a_bug_not_a_refusal() -> None:
    with pytest.raises(ValueError, match="at least one signer"):
        decide_issue(D.DRAFT, ())
