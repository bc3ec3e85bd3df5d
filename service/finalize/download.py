"""A party's link to download the final PDF, when it was too large to travel attached."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template
from flask.typing import ResponseReturnValue

from service import context, db
from service.finalize.final_pdf import archive, file_name
from service.signers.models import Signer
from signing.errors import LinkError, LinkRevoked
from signing.links import LinkPurpose, check_nonce
from signing.vocabulary import DocumentState

bp = Blueprint("download", __name__)


@bp.get("/telechargement/<token>")
def final_pdf(token: str) -> ResponseReturnValue:
    ctx = context.current()
    try:
        claims = ctx.link_signer(LinkPurpose.DOWNLOAD).read(token, now=ctx.now())
        signer = db.session().get(Signer, claims.subject_id)
        if signer is None:
            raise LinkRevoked
        document = signer.document
        digest = document.final_pdf_sha256 if document.state == DocumentState.COMPLETED else None
        # The link carries the start of the file's hash: it leads to that file and no other.
        check_nonce(claims, digest[:16] if digest else None)
    except LinkError:
        return render_template(
            "error.html", code=410, message="Ce lien de téléchargement n’est plus valable."
        ), 410
    if digest is None:
        abort(404)
    response = Response(archive(ctx.settings).get(digest), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(document)}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
