"""What the staff's templates print for the vocabulary: the labels (`signing.vocabulary`), in the
order the pages list them, and the DSFR badge of each state."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from signing.event_types import KioskEnd
from signing.follow_up.vocabulary import ObjectiveStatus, PathwayOutcome, PathwayState
from signing.kinds import Kind
from signing.vocabulary import DocumentState, EventType, Role, SignerState

_D = DocumentState
_S = SignerState

FILTER_ORDER = (
    *(_D.DRAFT, _D.AWAITING_SIGNATURES, _D.SIGNED, _D.COMPLETED),
    *(_D.DECLINED, _D.EXPIRED, _D.CANCELLED),
)
"""The states of the dashboard's filter, in the order of a document's life."""
COUNT_ORDER = (
    *(_D.DRAFT, _D.AWAITING_SIGNATURES, _D.SIGNED, _D.DECLINED),
    *(_D.EXPIRED, _D.CANCELLED, _D.COMPLETED),
)
"""The dashboard's counters: what needs work first, the finalized last."""

STATE_BADGES: Mapping[DocumentState, str] = MappingProxyType(
    {
        _D.DRAFT: "",
        _D.AWAITING_SIGNATURES: "fr-badge--info",
        _D.SIGNED: "fr-badge--success",
        _D.COMPLETED: "fr-badge--success",
        _D.DECLINED: "fr-badge--error",
        _D.EXPIRED: "fr-badge--warning",
        _D.CANCELLED: "",
    }
)
SIGNER_BADGES: Mapping[SignerState, str] = MappingProxyType(
    {
        _S.WAITING: "",
        _S.INVITED: "fr-badge--info",
        _S.OPENED: "fr-badge--new",
        _S.SIGNED: "fr-badge--success",
        _S.DECLINED: "fr-badge--error",
    }
)


@functools.cache
def template_labels() -> Mapping[str, Any]:
    """The ``labels`` of the staff's templates, each table keyed by the vocabulary's values
    (made once: they depend on the code alone; templates only read them)."""
    return {
        "states": {state: state.label for state in FILTER_ORDER},
        "state_counts": {state: state.plural for state in COUNT_ORDER},
        "state_badges": STATE_BADGES,
        "signer_states": {state: state.label for state in SignerState},
        "signer_badges": SIGNER_BADGES,
        "kinds": {kind: kind.spec.title for kind in Kind},
        "roles": {role: role.label for role in Role},
        "events": {event: event.label for event in EventType},
        "kiosk_ends": {end: end.label for end in KioskEnd},
        "objective_statuses": {status: status.label for status in ObjectiveStatus},
        "pathway_states": {state: state.label for state in PathwayState},
        "pathway_outcomes": {outcome: outcome.label for outcome in PathwayOutcome},
    }
