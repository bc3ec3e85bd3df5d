"""Why a signing link is dead, and when a new one may be asked: the pure rules
(`signing.link_ends.link_end`, `LinkEnd.renewable`, `signing.link_renewal`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from signing.link_ends import link_end
from signing.link_renewal import RENEW_EVERY, next_renewal
from signing.vocabulary import DocumentState, LinkEnd, SignerState

D, S = DocumentState, SignerState
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("document", "signer", "current", "aged", "end"),
    [
        (D.AWAITING_SIGNATURES, S.OPENED, True, False, None),
        (D.AWAITING_SIGNATURES, S.OPENED, False, False, LinkEnd.REPLACED),
        (D.AWAITING_SIGNATURES, S.INVITED, True, True, LinkEnd.AGED),
        (D.AWAITING_SIGNATURES, S.INVITED, False, True, LinkEnd.REPLACED),
        (D.AWAITING_SIGNATURES, S.SIGNED, False, False, LinkEnd.SIGNED),
        (D.SIGNED, S.SIGNED, False, True, LinkEnd.FINISHING),
        (D.COMPLETED, S.SIGNED, False, True, LinkEnd.COMPLETE),
        (D.DECLINED, S.DECLINED, False, False, LinkEnd.DECLINED),
        (D.DECLINED, S.SIGNED, False, False, LinkEnd.OTHER_DECLINED),
        (D.DECLINED, S.OPENED, True, False, LinkEnd.OTHER_DECLINED),
        (D.CANCELLED, S.SIGNED, False, False, LinkEnd.CANCELLED),
        (D.CANCELLED, S.INVITED, True, True, LinkEnd.CANCELLED),
        (D.EXPIRED, S.OPENED, True, False, LinkEnd.EXPIRED),
        (D.AWAITING_SIGNATURES, S.WAITING, False, False, LinkEnd.WAITING),
    ],
)
def test_what_became_of_the_signer_and_the_document_comes_before_the_link(
    document: DocumentState,
    signer: SignerState,
    current: bool,
    aged: bool,
    end: LinkEnd | None,
) -> None:
    assert link_end(document, signer, current=current, aged=aged) is end


def test_a_link_dead_only_as_a_link_past_the_deadline_is_told_the_deadline_passed() -> None:
    awaiting = D.AWAITING_SIGNATURES
    assert link_end(awaiting, S.OPENED, current=False, past_deadline=True) is LinkEnd.EXPIRED
    assert link_end(awaiting, S.OPENED, current=True, aged=True, past_deadline=True) is (
        LinkEnd.EXPIRED
    )
    # A live link's page is not this rule's business (the worker expires the document).
    assert link_end(awaiting, S.OPENED, current=True, past_deadline=True) is None


def test_only_an_aged_or_replaced_link_offers_a_new_one() -> None:
    assert {end for end in LinkEnd if end.renewable} == {LinkEnd.AGED, LinkEnd.REPLACED}


def test_every_end_has_a_heading_and_a_message() -> None:
    for end in LinkEnd:
        assert end.heading
        assert end.message.endswith(".")


def test_new_links_one_per_ten_minutes_three_a_day() -> None:
    assert next_renewal([], NOW) is None
    assert next_renewal([NOW - timedelta(minutes=4)], NOW) == NOW + timedelta(minutes=6)
    assert next_renewal([NOW - RENEW_EVERY], NOW) is None
    three = [NOW - timedelta(hours=h) for h in (5, 3, 1)]
    assert next_renewal(three, NOW) == NOW + timedelta(hours=19)
    older = [NOW - timedelta(hours=25), *three[1:]]
    assert next_renewal(older, NOW) is None
