"""The shared-device rule: which earlier party signed from the browser and network of a new
signature, within the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from signing.devices import (
    SharedDevice,
    Signature,
    elapsed_fr,
    same_network,
    shared_device_sentence,
    shared_devices,
)

AT = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)
PHONE = "Mozilla/5.0 (Android 14; Mobile; rv:132.0) Gecko/132.0 Firefox/132.0"
LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0 Safari/537.36"
WINDOW = timedelta(minutes=10)


def signature(signer_id: int, minutes: float, ip: str | None = "203.0.113.7", agent=PHONE):
    return Signature(signer_id, ip, agent, AT + timedelta(minutes=minutes))


def test_the_pupil_then_the_guardian_on_one_phone_is_flagged() -> None:
    pupil = signature(1, 0)

    assert shared_devices([pupil], signature(2, 3), WINDOW) == (SharedDevice(1, 3),)


@pytest.mark.parametrize(
    ("earlier", "why"),
    [
        (signature(1, 0, agent=LAPTOP), "another browser"),
        (signature(1, 0, ip="203.0.113.8"), "another IPv4 address"),
        (signature(1, -10.5), "more than ten minutes before"),
        (signature(1, 4), "after the new one (a clock moved back)"),
        (signature(2, 0), "the same party"),
        (signature(1, 0, ip=None), "an unknown address"),
    ],
)
def test_nothing_is_flagged_without_browser_network_and_time_in_common(
    earlier: Signature, why: str
) -> None:
    assert shared_devices([earlier], signature(2, 3), WINDOW) == (), why


def test_exactly_the_window_is_still_flagged_and_the_newest_comes_first() -> None:
    earlier = [signature(1, -10), signature(3, -2)]

    found = shared_devices(earlier, signature(2, 0), WINDOW)

    assert found == (SharedDevice(3, 2), SharedDevice(1, 10))


def test_an_unknown_browser_shares_nothing() -> None:
    assert shared_devices([signature(1, 0, agent="")], signature(2, 1, agent=""), WINDOW) == ()


def test_ipv6_addresses_share_their_network_by_their_first_64_bits() -> None:
    assert same_network("2001:db8:1:2::10", "2001:db8:1:2:abcd::1")
    assert not same_network("2001:db8:1:2::10", "2001:db8:1:3::10")
    assert not same_network("203.0.113.7", "::ffff:203.0.113.8")
    assert not same_network("not-an-ip", "not-an-ip")
    assert not same_network(None, None)


def test_the_sentence_names_the_other_party_and_the_time_between() -> None:
    assert elapsed_fr(0) == "moins d'une minute"
    assert elapsed_fr(1) == "1 minute"
    assert shared_device_sentence("Léa Martin", "élève", 3) == (
        "Même navigateur et même réseau que Léa Martin (élève), qui avait signé 3 minutes plus tôt"
    )
