"""« M'envoyer un nouveau lien »: when a signer may ask for a fresh signing link from a dead one,
and how often. Pure rules; `service.signers.renew_link` applies them.

Only a link that aged or was replaced is renewed (`LinkEnd.renewable`): the document still
awaits this signer and nothing but the link is in the way. The new link goes to the address the
school registered for the signer, never to one typed on the page, so asking for it from a
forwarded link only mails the signer again.

A document past its deadline gets no new link, even before the worker marks it expired: the
deadline is the school's decision (it set it when it issued the document; an expired document
moves no more, so a new deadline means a new document the school issues), and a fresh link
would let a party sign after it. The page
says the deadline passed and gives the school's contact instead.

The limits are ours, not a text's: one new link per signer every 10 minutes (enough for a mail
that is slow to arrive) and 3 a day, so a link left in a shared or forwarded mailbox cannot be
used to flood the signer's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

RENEW_EVERY = timedelta(minutes=10)
"""The shortest time between two new links for one signer."""
RENEW_PER_DAY = 3
"""New links one signer may get in any 24 hours."""
DAY = timedelta(days=1)


def next_renewal(previous: Iterable[datetime], now: datetime) -> datetime | None:
    """When this signer may next get a new link, given when they got the earlier ones; None
    when they may get one `now`."""
    recent = sorted(at for at in previous if at > now - DAY)
    waits = []
    if recent and recent[-1] + RENEW_EVERY > now:
        waits.append(recent[-1] + RENEW_EVERY)
    if len(recent) >= RENEW_PER_DAY:
        waits.append(recent[-RENEW_PER_DAY] + DAY)
    return max(waits) if waits else None
