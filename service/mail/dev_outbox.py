"""`/dev/outbox`, in development only: the outbox newest first with the links of each message, so
the invitations and password links can be followed without a mail server. It answers 404 unless
COSIGNE_ENV is development."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask.typing import ResponseReturnValue

from service import db
from service.mail.addresses import find_links
from service.mail.outbox import newest

bp = Blueprint("dev", __name__, url_prefix="/dev")

OUTBOX_PAGE_SIZE = 200


@bp.before_request
def development_only() -> None:
    if current_app.config["COSIGNE"].env != "development":
        abort(404)


@bp.get("/outbox")
def outbox() -> ResponseReturnValue:
    rows = newest(db.session(), OUTBOX_PAGE_SIZE)
    messages = [
        {"row": row, "links": list(dict.fromkeys(find_links(row.text_body)))} for row in rows
    ]
    return render_template("dev/outbox.html", messages=messages, limit=OUTBOX_PAGE_SIZE)
