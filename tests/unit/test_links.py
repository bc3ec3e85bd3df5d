"""Signed links: round trip, forgery, purpose, expiry to the second, key rotation, nonce."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from signing.errors import LinkError, LinkExpired, LinkInvalid, LinkRevoked
from signing.links import LinkClaims, LinkPurpose, LinkSigner, check_nonce, new_nonce

NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
THIRTY_DAYS = timedelta(days=30)
KEY = "k" * 32
OLD_KEY = "o" * 32
NONCE = "r4nd0m-n0nce_0f-22-chr"
BASE64_URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def signer(
    keys: tuple[str, ...] = (KEY,),
    purpose: LinkPurpose = LinkPurpose.SIGN,
    max_age: timedelta = THIRTY_DAYS,
) -> LinkSigner:
    return LinkSigner(keys, purpose, max_age)


@pytest.fixture
def token() -> str:
    return signer().make(42, NONCE, now=NOW)


def test_round_trip(token: str) -> None:
    assert signer().read(token, now=NOW) == LinkClaims(42, NONCE, NOW)


def test_signed_at_is_utc_to_the_second() -> None:
    paris = datetime(2026, 11, 28, 10, 30, 0, 999_999, tzinfo=timezone(timedelta(hours=1)))
    claims = signer().read(signer().make(1, NONCE, now=paris), now=paris)
    assert claims.signed_at.utcoffset() == timedelta(0)
    assert claims.signed_at == NOW


def test_token_is_url_safe_and_short() -> None:
    token = signer().make(9_999_999, new_nonce(), now=NOW)
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", token)
    assert len(token) < 100


def test_each_new_nonce_is_url_safe_and_fresh() -> None:
    nonces = {new_nonce() for _ in range(100)}
    assert len(nonces) == 100
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", nonce) for nonce in nonces)


def _flip(char: str) -> str:
    """Another character whose most significant bit differs, so the decoded bytes always change
    (flipping a low bit of a token's last character may only touch base64 padding bits)."""
    if char == ".":
        return "A"
    return BASE64_URL[BASE64_URL.index(char) ^ 0b100000]


def test_every_single_character_changed_is_refused(token: str) -> None:
    for position, char in enumerate(token):
        forged = token[:position] + _flip(char) + token[position + 1 :]
        with pytest.raises(LinkInvalid):
            signer().read(forged, now=NOW)


@pytest.mark.parametrize(
    "garbled",
    ["", ".", "..", "abc", "a.b.c", "é.é.é", "\udc80", "x" * 10_000, "eyJ9.AAAA.AAAA"],
)
def test_garbled_tokens_are_invalid(garbled: str) -> None:
    with pytest.raises(LinkInvalid):
        signer().read(garbled, now=NOW)


def test_truncated_or_extended_token_is_invalid(token: str) -> None:
    for damaged in (token[:-1], token[1:], token + "A", token.rsplit(".", 1)[0]):
        with pytest.raises(LinkInvalid):
            signer().read(damaged, now=NOW)


@pytest.mark.parametrize("made_for", list(LinkPurpose))
@pytest.mark.parametrize("read_for", list(LinkPurpose))
def test_a_token_reads_only_for_its_own_purpose(
    made_for: LinkPurpose, read_for: LinkPurpose
) -> None:
    token = signer(purpose=made_for).make(42, NONCE, now=NOW)
    if made_for is read_for:
        assert signer(purpose=read_for).read(token, now=NOW).subject_id == 42
    else:
        with pytest.raises(LinkInvalid):
            signer(purpose=read_for).read(token, now=NOW)


def test_valid_at_exactly_max_age(token: str) -> None:
    assert signer().read(token, now=NOW + THIRTY_DAYS).subject_id == 42


def test_valid_until_the_next_second(token: str) -> None:
    almost = NOW + THIRTY_DAYS + timedelta(microseconds=999_999)
    assert signer().read(token, now=almost).subject_id == 42


def test_expired_one_second_after_max_age(token: str) -> None:
    with pytest.raises(LinkExpired) as caught:
        signer().read(token, now=NOW + THIRTY_DAYS + timedelta(seconds=1))
    assert caught.value.signed_at == NOW
    assert caught.value.expired_at == NOW + THIRTY_DAYS
    assert str(caught.value) == "Ce lien a expiré le 28/12/2026 à 09:30 (UTC)."


def test_max_age_is_the_readers() -> None:
    token = signer(max_age=timedelta(days=30)).make(42, NONCE, now=NOW)
    with pytest.raises(LinkExpired):
        signer(max_age=timedelta(days=7)).read(token, now=NOW + timedelta(days=8))


def test_token_from_the_future_is_invalid(token: str) -> None:
    with pytest.raises(LinkInvalid):
        signer().read(token, now=NOW - timedelta(seconds=1))


def test_rotation_old_key_still_reads_while_listed() -> None:
    old_token = signer(keys=(OLD_KEY,)).make(42, NONCE, now=NOW)
    assert signer(keys=(OLD_KEY, KEY)).read(old_token, now=NOW).subject_id == 42


def test_rotation_the_last_key_signs() -> None:
    token = signer(keys=(OLD_KEY, KEY)).make(42, NONCE, now=NOW)
    assert signer(keys=(KEY,)).read(token, now=NOW).subject_id == 42
    with pytest.raises(LinkInvalid):
        signer(keys=(OLD_KEY,)).read(token, now=NOW)


def test_rotation_removed_key_no_longer_reads() -> None:
    old_token = signer(keys=(OLD_KEY,)).make(42, NONCE, now=NOW)
    with pytest.raises(LinkInvalid):
        signer(keys=(KEY,)).read(old_token, now=NOW)


def test_an_expired_token_of_an_old_key_is_expired_not_invalid() -> None:
    old_token = signer(keys=(OLD_KEY,)).make(42, NONCE, now=NOW)
    with pytest.raises(LinkExpired):
        signer(keys=(OLD_KEY, KEY)).read(old_token, now=NOW + THIRTY_DAYS + timedelta(seconds=1))


def test_current_nonce_passes(token: str) -> None:
    claims = signer().read(token, now=NOW)
    check_nonce(claims, NONCE)


@pytest.mark.parametrize("current", [None, "", "another-nonce", NONCE + "x", NONCE.upper()])
def test_other_nonce_is_revoked(token: str, current: str | None) -> None:
    claims = signer().read(token, now=NOW)
    with pytest.raises(LinkRevoked):
        check_nonce(claims, current)


def test_link_errors_share_one_base_and_speak_french() -> None:
    for error in (LinkInvalid(), LinkRevoked(), LinkExpired(NOW, NOW + THIRTY_DAYS)):
        assert isinstance(error, LinkError)
        assert str(error).startswith("Ce lien")


@pytest.mark.parametrize(
    ("keys", "max_age"),
    [
        ((), THIRTY_DAYS),
        (("",), THIRTY_DAYS),
        ((KEY,), timedelta(0)),
        ((KEY,), timedelta(seconds=-1)),
        ((KEY,), timedelta(seconds=1.5)),
    ],
)
def test_misconfigured_signer_is_refused(keys: tuple[str, ...], max_age: timedelta) -> None:
    with pytest.raises(ValueError, match=r"key|max_age"):
        LinkSigner(keys, LinkPurpose.SIGN, max_age)


def test_naive_time_is_refused(token: str) -> None:
    naive = NOW.replace(tzinfo=None)
    with pytest.raises(ValueError, match="aware"):
        signer().make(42, NONCE, now=naive)
    with pytest.raises(ValueError, match="aware"):
        signer().read(token, now=naive)
