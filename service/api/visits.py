"""``POST /api/v1/documents/{id}/visits``: plan or move a completed convention's site visit
(``{"planned_date": …, "reason": …}``), or record it done (``{"done_date": …, "visited_by": …,
"report": …, "tutor_met": …}``). Registered on the API's blueprint (`service.api.views`)."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue

from service import context
from service.accounts import bearer
from service.api.views import ID, _json_body, _reread, bp
from service.clock import school_day
from service.follow_up.move_visit import move_visit
from service.follow_up.record_visit import record_visit
from service.follow_up.visit_view import visit_json
from signing.errors import FieldIssue, ValidationFailed

DONE_FIELDS = ("done_date", "visited_by", "report", "tutor_met")


@bp.post(f"/documents/<{ID}:document_id>/visits")
def document_visit(document_id: int) -> ResponseReturnValue:
    """201 with the visit recorded done; 200 with the visit planned or moved."""
    body = _json_body()
    if not isinstance(body, dict) or not ({"done_date", "planned_date"} & body.keys()):
        raise ValidationFailed(
            [FieldIssue("", "objet attendu avec « planned_date » ou « done_date »")]
        )
    ctx, user = context.current(), bearer.current_user()
    if "done_date" in body:
        values = {name: body.get(name) for name in DONE_FIELDS}
        visit = record_visit(ctx, user, document_id, origin=context.origin(), **values)
        status = 201
    else:
        visit, _ = move_visit(
            ctx,
            user,
            document_id,
            planned_date=body.get("planned_date"),
            reason=body.get("reason"),
            origin=context.origin(),
        )
        status = 200
    document = _reread(document_id)
    return jsonify(visit_json(visit, school_day(ctx.now(), document.school.uai))), status
