"""The signer's pages around a dead link, on the signer pages' blueprint: « M'envoyer un nouveau
lien » (`service.signers.renew_link`), and the forms' addresses reopened by GET.

A browser that posted a form shows its address: reopened the next day (a refusal's page from
the history, a tab restored), it is a GET on an address that only takes a POST. It leads back
to the link's own page, which says where the link stands now — never a 405.
"""

from __future__ import annotations

from flask import redirect, url_for
from flask.typing import ResponseReturnValue

from service import context
from service.clock import school_moment
from service.errors import RenewalTooSoon, answer
from service.signers.dead_links import dead_link_facts
from service.signers.pages import dead_page
from service.signers.renew_link import renew_link
from service.signers.views import bp


@bp.post("/<token>/nouveau-lien")
def new_link(token: str) -> ResponseReturnValue:
    ctx = context.current()
    try:
        facts = renew_link(ctx, token, context.origin())
    except RenewalTooSoon as exc:
        return _too_soon(token, exc)
    if facts is None:  # the link is alive: its page is the answer
        return redirect(url_for("sign.page", token=token), 303)
    title = "Un nouveau lien vous a été envoyé"
    return dead_page(200, title, "", hint="", facts=facts, sent_to=facts.sent_to, token=token)


def _too_soon(token: str, exc: RenewalTooSoon) -> ResponseReturnValue:
    """Asked again too soon: nothing sent; the page says from when to ask again (429)."""
    facts = dead_link_facts(context.current(), exc.dead)
    when = school_moment(exc.retry_at, facts.school_uai if facts else None)
    message = (
        f"{exc} Vérifiez votre boîte de réception et vos indésirables ; vous pourrez en "
        f"demander un autre à partir du {when}."
    )
    headers = {"Retry-After": str(exc.retry_after)}
    title = answer(exc).title
    return dead_page(
        429, title, message, hint="", facts=facts, headers=headers, token=token, retry=True
    )


@bp.get("/<token>/decline")
@bp.get("/<token>/code")
@bp.get("/<token>/nouveau-lien")
@bp.post("/<token>/document.pdf")
def form_reopened(token: str) -> ResponseReturnValue:
    """Back to the link's own page (a POST to the PDF, too: only its GET serves it)."""
    return redirect(url_for("sign.page", token=token), 303)
