"""Signing on paper through the API (issue 14 §2), on the API's blueprint
(`service.api.views.bp`): the same use cases and roles as the pages
(`service.signers.paper_views`), the head and the référent (`StaffAction.SIGN_ON_PAPER`).

``POST …/signers/{id}/paper-sheet`` answers the PDF to print (the document and the sheet);
``POST …/signers/{id}/paper-signature`` takes the signed scan (multipart: ``scan``, and
``code``, the sheet's code, which the QR code on the scan may stand for) and answers the signer.
"""

from __future__ import annotations

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue

from service import context
from service.accounts import bearer
from service.api.shapes import signer_json
from service.api.views import ID, _reread, bp
from service.errors import SignatureRefused, json_errors
from service.signers.print_paper_sheet import print_paper_sheet
from service.signers.sign_on_paper import sign_on_paper
from signing.paper.scan import MAX_BYTES


@bp.post(f"/documents/<{ID}:document_id>/signers/<{ID}:signer_id>/paper-sheet")
def paper_sheet(document_id: int, signer_id: int) -> ResponseReturnValue:
    printed = print_paper_sheet(
        context.current(), bearer.current_user(), document_id, signer_id, context.origin()
    )
    response = Response(printed.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{printed.file_name}"'
    response.headers["X-Cosigne-Sheet-Code"] = printed.code
    return response


@bp.post(f"/documents/<{ID}:document_id>/signers/<{ID}:signer_id>/paper-signature")
def paper_signature(document_id: int, signer_id: int) -> ResponseReturnValue:
    request.max_content_length = MAX_BYTES + 64 * 1024
    data = b""
    for sent in request.files.getlist("scan")[:1]:
        with sent.stream:
            data = sent.stream.read(MAX_BYTES + 1)
    try:
        sign_on_paper(
            context.current(),
            bearer.current_user(),
            document_id,
            signer_id,
            context.origin(),
            code=request.form.get("code", "")[:100],
            upload=data,
        )
    except SignatureRefused as exc:
        return json_errors(422, [issue.as_json() for issue in exc.issues])
    signer = next(s for s in _reread(document_id).signers if s.id == signer_id)
    return jsonify(signer_json(signer))
