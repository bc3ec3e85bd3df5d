"""A party's link to download the final PDF, when it was too large to travel attached."""

from __future__ import annotations

from flask import Blueprint, Response, render_template
from flask.typing import ResponseReturnValue

from service import context
from service.finalize.download_final_pdf import download_final_pdf
from signing.errors import LinkError

bp = Blueprint("download", __name__)


@bp.get("/telechargement/<token>")
def final_pdf(token: str) -> ResponseReturnValue:
    try:
        final = download_final_pdf(context.current(), token)
    except LinkError:
        return render_template(
            "error.html", code=410, message="Ce lien de téléchargement n’est plus valable."
        ), 410
    response = Response(final.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{final.name}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
