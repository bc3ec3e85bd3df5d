"""Amendments: only the latest completed version of a document may be amended, once at a time."""

from __future__ import annotations

import pytest

from signing.errors import TransitionRefused
from signing.vocabulary import DocumentAction, DocumentState
from signing.workflow import AmendmentView, decide_amend

D = DocumentState


def test_a_completed_document_without_amendment_gives_a_draft() -> None:
    assert decide_amend(D.COMPLETED, []) is D.DRAFT


@pytest.mark.parametrize("state", [s for s in DocumentState if s is not D.COMPLETED])
def test_only_a_completed_document_may_be_amended(state: DocumentState) -> None:
    with pytest.raises(TransitionRefused, match="avenant") as caught:
        decide_amend(state, [])
    assert caught.value.action == DocumentAction.AMEND
    assert caught.value.state == state


def test_a_draft_is_told_to_be_edited_instead() -> None:
    with pytest.raises(TransitionRefused, match="modifiez-le directement"):
        decide_amend(D.DRAFT, [])


@pytest.mark.parametrize("over", [D.CANCELLED, D.DECLINED, D.EXPIRED])
def test_an_amendment_that_came_to_nothing_does_not_block_a_new_one(over: DocumentState) -> None:
    assert decide_amend(D.COMPLETED, [AmendmentView(7, over)]) is D.DRAFT


@pytest.mark.parametrize("running", [D.DRAFT, D.AWAITING_SIGNATURES, D.SIGNED])
def test_an_amendment_under_way_blocks_a_second_one(running: DocumentState) -> None:
    with pytest.raises(TransitionRefused, match=r"déjà en cours \(n° 7\)"):
        decide_amend(D.COMPLETED, [AmendmentView(3, D.CANCELLED), AmendmentView(7, running)])


def test_a_replaced_document_points_to_its_amendment_which_may_be_amended_in_turn() -> None:
    with pytest.raises(TransitionRefused, match="modifié par l'avenant n° 7"):
        decide_amend(D.COMPLETED, [AmendmentView(7, D.COMPLETED)])
    # The amendment n° 7 is a completed document with no amendment yet: it may be amended.
    assert decide_amend(D.COMPLETED, []) is D.DRAFT
