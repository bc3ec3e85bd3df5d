"""``POST /api/v1/documents/{id}/reviews``: a review's draft of a completed contract, on the API's
blueprint (`service.api.views.bp`), with its errors and its token check."""

from __future__ import annotations

from flask import jsonify, make_response, url_for
from flask.typing import ResponseReturnValue

from service import context
from service.accounts import bearer
from service.api.shapes import document_json
from service.api.views import ID, _json_body, _reread, bp
from service.follow_up.create_review import create_review


@bp.post(f"/documents/<{ID}:document_id>/reviews")
def create_document_review(document_id: int) -> ResponseReturnValue:
    created = create_review(context.current(), bearer.current_user(), document_id, _json_body())
    response = make_response(jsonify(document_json(_reread(created.id))), 201)
    response.headers["Location"] = url_for("api.read_document", document_id=created.id)
    return response
