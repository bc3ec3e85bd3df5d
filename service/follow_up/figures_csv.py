"""The school year in figures as a CSV file, for French Excel: UTF-8 with a BOM (so Excel reads
the accents), ``;`` between cells (Excel's separator in a French locale), CRLF line ends.

Safe from formula injection (OWASP « CSV Injection »): a cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is prefixed with ``'``, so a pupil named
``=HYPERLINK(…)`` is read as text and never run. (PyPI's ``defusedcsv`` does the same; one
function here spares a dependency.)"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from service.follow_up.year_figures import YearReport, scheme_labels
from signing.data.school_year import school_year_label
from signing.follow_up.figures import NOT_GIVEN, figure_rows

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value: object) -> str:
    """`value` as text, with a leading ``'`` when a spreadsheet would read it as a formula."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return BOM + out.getvalue()


def report_csv(report: YearReport) -> str:
    """The figures (section, line, value), then one line per pathway counted."""
    labels = scheme_labels()
    rows: list[Sequence[object]] = [
        ("Année scolaire", school_year_label(report.year), ""),
        ("Rubrique", "Ligne", "Valeur"),
        *figure_rows(report.figures, labels),
        (),
        ("Contrat n°", "Élève", "Dispositif", "État", "Issue", "Objectifs atteints"),
    ]
    for pathway in report.pathways:
        facts = pathway.facts
        reached = sum(1 for s in facts.objectives if s.value == "reached")
        rows.append(
            (
                pathway.document_id,
                pathway.pupil,
                labels.get(facts.scheme, facts.scheme),
                facts.state.label,
                facts.outcome or NOT_GIVEN,
                f"{reached}/{len(facts.objectives)}",
            )
        )
    return csv_text(rows)
