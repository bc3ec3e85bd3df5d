"""The rule of a signer's copy link: it reads what they signed from their signature until the
document is completed, and never otherwise."""

from __future__ import annotations

import pytest

from signing.links import copy_readable
from signing.vocabulary import DocumentState, SignerState


@pytest.mark.parametrize("document", list(DocumentState))
@pytest.mark.parametrize("signer", list(SignerState))
def test_a_copy_reads_only_for_a_signer_who_signed_until_completion(
    document: DocumentState, signer: SignerState
) -> None:
    expected = signer is SignerState.SIGNED and document in {
        DocumentState.AWAITING_SIGNATURES,
        DocumentState.SIGNED,  # sealing still to do: the final mail is not sent yet
    }
    assert copy_readable(document, signer) is expected
