"""The dashboard: the school's documents by state, filtered, a page at a time."""

from __future__ import annotations

from flask import (
    render_template,
    request,
)
from flask.typing import ResponseReturnValue

from service import context, db
from service.accounts.session import login_required
from service.clock import paris_day
from service.documents.blueprint import (
    READ_ROLES,
    STAFF_ROLES,
    bp,
    staff_user,
)
from service.documents.labels import COUNT_ORDER, template_labels
from service.documents.queries import count_by_state, list_documents, school_years
from signing.data.school_year import parse_school_year, school_year, school_year_label
from signing.kinds import Kind
from signing.vocabulary import DocumentState

PER_PAGE = 20


@bp.get("/tableau-de-bord")
@login_required(*READ_ROLES)
def dashboard() -> ResponseReturnValue:
    user = staff_user()
    session = db.session()
    state = request.args.get("etat", "")
    kind = request.args.get("type", "")
    pupil = request.args.get("eleve", "").strip()[:100]
    state = state if state in tuple(DocumentState) else ""
    kind = kind if kind in tuple(Kind) else ""
    # A year that does not parse (a typo, a hand-made address) means every year.
    year = parse_school_year(request.args.get("annee", ""))
    page = request.args.get("page", "1")
    page_number = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    by_state = count_by_state(session, user.school_id, school_year=year)
    counts = {s: by_state.get(s, 0) for s in COUNT_ORDER}
    documents, total = list_documents(
        session,
        user.school_id,
        state=DocumentState(state) if state else None,
        kind=Kind(kind) if kind else None,
        pupil=pupil or None,
        school_year=year,
        page=page_number,
        per_page=PER_PAGE,
    )
    pages = max(1, -(-total // PER_PAGE))
    year_label = school_year_label(year) if year is not None else ""
    filters = {
        k: v
        for k, v in (("etat", state), ("type", kind), ("eleve", pupil), ("annee", year_label))
        if v
    }
    current_year = school_year(paris_day(context.current().now()))
    years = sorted({current_year, *school_years(session, user.school_id)}, reverse=True)
    if year is not None and year not in years:
        years.append(year)
    return render_template(
        "staff/dashboard.html",
        counts=counts,
        documents=documents,
        total=total,
        can_create=staff_user().role in STAFF_ROLES,
        page=page_number,
        pages=pages,
        filters=filters,
        state=state,
        kind=kind,
        pupil=pupil,
        year=year_label,
        years=[school_year_label(y) for y in years],
        labels=template_labels(),
    )
