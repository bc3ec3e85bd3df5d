"""« L'année en chiffres » (issue 13 §7): the school's pathways of a school year counted, on a
page (``/chiffres?year=2026-2027``) and as a CSV file (``/chiffres.csv?year=…``, see
`service.follow_up.figures_csv`). For the head and the référent (`StaffAction.READ_FIGURES`);
without a year, the current one; a year that does not read is a 422 in French."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, request
from flask.typing import ResponseReturnValue

from service import context, db
from service.accounts.session import login_required
from service.clock import paris_day
from service.documents.blueprint import staff_user
from service.documents.queries import school_years
from service.follow_up.figures_csv import report_csv
from service.follow_up.year_figures import scheme_labels, year_report
from signing.data.school_year import parse_school_year, school_year, school_year_label
from signing.follow_up.figures import figure_rows
from signing.permissions import StaffAction, roles_allowed

bp = Blueprint("figures", __name__)

BAD_YEAR = "Année scolaire : choisissez une année de la liste, sous la forme 2026-2027."


def _year() -> int | None:
    """The asked year; the current one when none is asked; None when it does not read."""
    asked = request.args.get("year", "")
    if not asked:
        return school_year(paris_day(context.current().now()))
    return parse_school_year(asked[:20])


@bp.get("/chiffres")
@login_required(*roles_allowed(StaffAction.READ_FIGURES))
def figures() -> ResponseReturnValue:
    user = staff_user()
    session = db.session()
    year = _year()
    current = school_year(paris_day(context.current().now()))
    years = sorted({current, *school_years(session, user.school_id)}, reverse=True)
    if year is None:
        page = render_template(
            "staff/figures.html", error=BAD_YEAR, rows=[], year="", years=_labels(years)
        )
        return page, 422
    report = year_report(session, user, year, context.current().now())
    if year not in years:
        years = sorted({*years, year}, reverse=True)
    return render_template(
        "staff/figures.html",
        error=None,
        rows=figure_rows(report.figures, scheme_labels()),
        year=school_year_label(year),
        years=_labels(years),
        pathways=report.figures.pathways,
    )


@bp.get("/chiffres.csv")
@login_required(*roles_allowed(StaffAction.READ_FIGURES))
def figures_csv() -> ResponseReturnValue:
    year = _year()
    if year is None:
        return BAD_YEAR, 422, {"Content-Type": "text/plain; charset=utf-8"}
    report = year_report(db.session(), staff_user(), year, context.current().now())
    response = make_response(report_csv(report).encode("utf-8"))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="annee-en-chiffres-{school_year_label(year)}.csv"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _labels(years: list[int]) -> list[str]:
    return [school_year_label(y) for y in years]
