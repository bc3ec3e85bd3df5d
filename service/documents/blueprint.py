"""The blueprint of the staff's document pages, and what its views share.

Every decision comes from the use cases and `signing.workflow`; the views only turn a request
into a call and the answer (or the refusal) into a page. Every query is scoped to the user's
school (another school's document is a 404); every POST carries the CSRF token and ends in a
redirect with a notice; no GET changes anything.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    url_for,
)
from flask.typing import ResponseReturnValue

from service import db
from service.accounts import csrf
from service.accounts.models import User
from service.accounts.session import current_user
from service.clock import PARIS
from service.documents.models import Document
from service.documents.store import get_document
from service.errors import NotFound
from signing.data.territory import territory_of
from signing.errors import (
    CosigneError,
)
from signing.kinds import Kind
from signing.permissions import StaffAction, roles_allowed
from signing.vocabulary import StaffRole

bp = Blueprint("staff", __name__)
csrf.protect(bp)

STAFF_ROLES = roles_allowed(StaffAction.PREPARE)
"""Who prepares and follows documents (`signing.permissions`). An admin (who manages the school's
accounts) may read the dashboard and the documents, where the login sends everyone, but changes
nothing."""


READ_ROLES = roles_allowed(StaffAction.READ)


@bp.app_template_filter("paris")
def paris_time(moment: Any) -> str:
    """A moment as the school reads it: « 28/11/2026 à 10:00 » in Paris time, or in its own
    time, named, overseas (« 28/11/2026 à 13:00, heure de La Réunion »)."""
    if moment is None:
        return ""
    user = current_user()
    territory = territory_of(user.school.uai if user is not None else None)
    shown = territory.local(moment).strftime("%d/%m/%Y à %H:%M")
    return shown if territory.zone.key == PARIS.key else f"{shown}, {territory.clock_name}"


@bp.app_template_filter("french_date")
def french_date(value: Any) -> str:
    """An ISO date (or a date) as « 06/01/2027 »; anything else as it is."""
    if value is None or value == "":
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    parts = text[:10].split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else text


@bp.app_template_global()
def document_kinds() -> list[Kind]:
    """Every document kind, in the registry's order."""
    return list(Kind)


@bp.app_template_global()
def new_document_links() -> list[tuple[str, str, tuple[StaffRole, ...]]]:
    """The staff menu's « Nouveau … » entries: address, label, who may follow them."""
    return [
        (url_for("staff.new_document", kind=kind), kind.spec.new_label, STAFF_ROLES)
        for kind in Kind
    ]


def staff_user() -> User:
    user = current_user()
    assert user is not None  # noqa: S101 — login_required guarantees it
    return user


def document_of(document_id: int) -> Document:
    try:
        return get_document(db.session(), staff_user().school_id, document_id)
    except NotFound:
        abort(404)


def to_document(document_id: int) -> ResponseReturnValue:
    return redirect(url_for("staff.document", document_id=document_id))


def refused(exc: CosigneError, document_id: int) -> ResponseReturnValue:
    flash(sentence(str(exc)), "error")
    return to_document(document_id)


def sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."
