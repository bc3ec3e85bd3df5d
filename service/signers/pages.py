"""What the signer's pages show: the document described in plain French, the signing page
(kept, for a signer coming back to an unchanged page), and the page of a link that is dead."""

from __future__ import annotations

import functools
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from flask import current_app, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import gettext as _

from service import context, db, i18n
from service.accounts.models import School
from service.clock import PARIS, school_day
from service.documents.amendment_said import amendment_said
from service.documents.models import Document
from service.signers.codes import CodeState, code_state
from service.signers.dead_links import DeadLinkFacts
from service.signers.links import SigningView
from service.signers.models import Signer
from service.signers.page_images import page_count
from service.signers.sign import CONSENT_TEXT
from signing.data.french import format_date_fr, format_time_fr, guardian_label
from signing.data.parties import guardians_sharing
from signing.errors import FieldIssue, PdfUnreadable
from signing.vocabulary import Role

_FIELD_ANCHORS = {
    "consent": "consent",
    "full_name": "full_name",
    "signature": "signature-pad",
    "pdf": "document",
    "reason": "reason",
    "code": "code",
}


class _RenderedPages:
    """The signing pages last rendered, by link and by the exact values the page shows: a signer
    coming back to an unchanged page gets it without rendering it again (a change of any value
    read, the link's expiry included, makes another key). The form's CSRF token is the link's
    own (`csrf.protect(bp, bound_to="token")`), the same on every visit. Bounded, least recently
    used out."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._pages: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> str | None:
        with self._lock:
            html = self._pages.get(key)
            if html is not None:
                self._pages.move_to_end(key)
            return html

    def put(self, key: tuple[str, str], html: str) -> None:
        with self._lock:
            self._pages[key] = html
            while len(self._pages) > self._size:
                self._pages.popitem(last=False)


rendered_pages = _RenderedPages(size=256)


def dead_page(
    status: int,
    title: str,
    message: str,
    *,
    hint: str,
    facts: DeadLinkFacts | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> ResponseReturnValue:
    """The page of a dead link or a refused request; `facts` (a link that names its signer)
    add what happened, the document and the school to ask (`service.signers.dead_links`)."""
    page = render_template(
        "sign/dead.html", title=title, message=message, hint=hint, facts=facts, **extra
    )
    return page, status, dict(headers or {})


def signing_page(
    view: SigningView,
    token: str,
    *,
    errors: Iterable[FieldIssue] = (),
    values: Mapping[str, Any] | None = None,
    declining: bool = False,
    code: CodeState | None = None,
    status: int | None = None,
) -> tuple[str, int]:
    """The page (200), or the page with its errors (422, or `status`)."""
    i18n.choose(view.signer.language)
    if code is None:
        code = code_state(context.current(), view.school, view.signer)
    errors_by_field: dict[str, str] = {}
    for issue in errors:
        errors_by_field.setdefault(issue.field, issue.message)
    deadline = view.document.deadline
    expires_on = school_day(view.expires_at, view.school.uai)
    page = render_template(
        "sign/page.html",
        token=token,
        errors=errors_by_field,
        anchors=_FIELD_ANCHORS,
        values=values or {},
        declining=declining,
        code=code,
        code_sent_at=(
            i18n.moment(code.sent_at, view.school.uai) if code.sent_at is not None else None
        ),
        code_expires_at=(
            i18n.moment(code.expires_at, view.school.uai) if code.expires_at else None
        ),
        consent_text=CONSENT_TEXT,
        expires=i18n.moment(view.expires_at, view.school.uai),
        deadline=i18n.day(deadline) if deadline and deadline < expires_on else None,
        summary=view.document.kind.spec.summary(
            view.document.data, view.signer.role, i18n.words(i18n.page_locale())
        ),
        page_urls=[
            url_for("sign.page_png", token=token, number=n)
            for n in range(1, page_total(view.document) + 1)
        ],
        **describe(view.document, view.signer, view.school),
    )
    return page, (status or 422) if errors_by_field else 200


def page_total(document: Document) -> int:
    """How many page images a signer's page shows (the link's and the kiosk's): none when they
    cannot be drawn (the download link stays, and the page with it)."""
    try:
        return page_count(context.current(), document)
    except PdfUnreadable:
        current_app.logger.exception("pages du document %s non dessinées", document.id)
        return 0


def _phrase(document: Document, signer: Signer) -> str:
    """« en tant que représentante légale » for a mother, else the role's own phrase, in the
    page's language."""
    guardians = document.data.get("guardians") or []
    index = signer.guardian_index
    feminine = False
    if signer.role is Role.GUARDIAN and index is not None and index < len(guardians):
        relationship = str(guardians[index].get("relationship") or "")
        feminine = guardian_label(relationship).startswith("La ")
    return i18n.role_phrase(signer.role, gettext, feminine=feminine)


def describe(document: Document, signer: Signer, school: School) -> dict[str, Any]:
    """What every page about the document says (the signing page adds the link's expiry)."""
    data = document.data
    pupil = data.get("pupil", {})
    i18n.choose(signer.language)
    return {
        "document": document,
        "signer": signer,
        "school": school,
        "kind_title": document.kind.spec.title,
        "amendment": amendment_said(document, db.session()),
        "pupil_name": f"{pupil.get('first_name', '')} {pupil.get('last_name', '')}".strip(),
        "pupil_class": pupil.get("class_name", ""),
        "period": _period(data.get("start_date"), data.get("end_date")),
        "host_name": document.kind.spec.host_name(data) or "",
        "head": _head(school),
        "role": _phrase(document, signer),
        "contact": _contact(school),
        "pdf_size": _size(document.pdf_size or 0),
        "pdf_filename": pdf_filename(document),
        "shared_with": _sharing(document, signer),
    }


def _sharing(document: Document, signer: Signer) -> tuple[str, ...]:
    """The other signers whose link went to this signer's address (two guardians on one
    mailbox), read from the frozen data: the page says whose link this is."""
    if signer.role is not Role.GUARDIAN or signer.guardian_index is None:
        return ()
    return guardians_sharing(document.data, signer.guardian_index)


@functools.lru_cache(maxsize=1024)
def _date_fr(day: date | str) -> str:
    """`format_date_fr`, remembered: Babel's formatting costs more than the rest of the page's
    values together, and the same few dates come back on every page."""
    return format_date_fr(day)


def paris_moment(moment: datetime) -> str:
    """``28 décembre 2026 à 10 h (heure de Paris)``: for a page that knows no school (an
    expired link names none), Paris time, said so."""
    local = moment.astimezone(PARIS)
    clock = format_time_fr(local.hour * 60 + local.minute)
    return f"{_date_fr(local.date())} à {clock} (heure de Paris)"


def pdf_filename(document: Document) -> str:
    """An ASCII file name: ``contrat-de-parcours-individualise-martin-lefevre-zoe.pdf``."""
    pupil = document.data.get("pupil", {})
    words = " ".join(
        (document.kind.spec.title, pupil.get("last_name", ""), pupil.get("first_name", ""))
    )
    plain = unicodedata.normalize("NFKD", words).encode("ascii", "ignore").decode().casefold()
    slug = "-".join("".join(c if c.isalnum() else " " for c in plain).split())
    return f"{slug or 'document'}.pdf"


def _period(start: str | None, end: str | None) -> str:
    if not start or not end:
        return ""
    return str(_("du %(start)s au %(end)s", start=i18n.day(start), end=i18n.day(end)))


def _head(school: School) -> str:
    title = school.head_title or "Chef d'établissement"
    return f"{school.head_first_name} {school.head_last_name}, {title}"


def _contact(school: School) -> dict[str, str]:
    email = school.email or school.head_email
    return {"name": school.name, "email": email, "phone": school.phone or ""}


def _size(length: int) -> str:
    kilobytes = max(1, round(length / 1024))
    if kilobytes < 1024:
        return f"{kilobytes} ko"
    return f"{length / 1024 / 1024:.1f} Mo".replace(".", ",")
