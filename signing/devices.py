"""Two parties signing from one device: the same browser on the same network, a short time
apart. A flag for the staff and the trail, never a refusal: a family often signs on one phone,
and only the staff can tell whether each party signed for themselves.

"The same network" is the same IPv4 address (a household behind one box), or the same /64 for
IPv6, which one connection holds whole while its machines change their last 64 bits over time.
An unknown address or browser shares nothing.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

IPV6_NETWORK_BITS = 64


@dataclass(frozen=True)
class Signature:
    """Where and when one party signed."""

    signer_id: int
    ip: str | None
    user_agent: str | None
    at: datetime


@dataclass(frozen=True)
class SharedDevice:
    """An earlier signature made from the device of a new one."""

    signer_id: int
    """The earlier signer."""
    minutes: int
    """Whole minutes between the two signatures."""


def same_network(first: str | None, second: str | None) -> bool:
    """Whether two addresses are one IPv4 address, or in one IPv6 /64; False for an unknown or
    malformed one."""
    try:
        a, b = ipaddress.ip_address(first or ""), ipaddress.ip_address(second or "")
    except ValueError:
        return False
    if a.version != b.version:
        return False
    if isinstance(a, ipaddress.IPv4Address):
        return a == b
    network = ipaddress.IPv6Network((a, IPV6_NETWORK_BITS), strict=False)
    return b in network


def shared_devices(
    earlier: Iterable[Signature], new: Signature, within: timedelta
) -> tuple[SharedDevice, ...]:
    """The earlier signatures of other parties from the same browser and network as `new`, at
    most `within` before it, the most recent first."""
    if not new.user_agent:
        return ()
    found = [
        previous
        for previous in earlier
        if previous.signer_id != new.signer_id
        and previous.user_agent == new.user_agent
        and same_network(previous.ip, new.ip)
        and timedelta(0) <= new.at - previous.at <= within
    ]
    found.sort(key=lambda previous: previous.at, reverse=True)
    return tuple(
        SharedDevice(p.signer_id, int((new.at - p.at).total_seconds() // 60)) for p in found
    )


def elapsed_fr(minutes: int) -> str:
    """``3 minutes``, ``1 minute``, ``moins d'une minute``."""
    if minutes < 1:
        return "moins d'une minute"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def shared_device_sentence(other_name: str, other_role: str, minutes: int) -> str:
    """What the trail says beside the flag, of the party who signed first."""
    return (
        f"Même navigateur et même réseau que {other_name} ({other_role}), qui avait signé "
        f"{elapsed_fr(minutes)} plus tôt"
    )
