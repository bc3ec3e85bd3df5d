"""The follow-up's API routes (issue 13 §8), on the API's blueprint (`service.api.views.bp`):
a completed contract's follow-up, and a note on one of its objectives. The same use cases and
the same roles as the pages (`service.follow_up.pages`): every staff member reads, the head and
the référent (`StaffAction.FOLLOW_UP`) write; another school's document is a 404."""

from __future__ import annotations

from flask import jsonify, make_response, url_for
from flask.typing import ResponseReturnValue

from service import context, db
from service.accounts import bearer
from service.api.follow_up_shapes import follow_up_json, note_json
from service.api.views import ID, _json_body, _reread, bp
from service.documents.links import require_current
from service.follow_up.add_objective_note import add_objective_note
from service.follow_up.summary import follow_up_of
from signing.errors import FieldIssue, ValidationFailed
from signing.follow_up import require_followed

NOTE_FIELDS = ("status", "note", "date", "new_deadline")
"""What a note's body may hold; `date` is the school's today when left out, `new_deadline` only
for a postponement."""


@bp.get(f"/documents/<{ID}:document_id>/follow-up")
def document_follow_up(document_id: int) -> ResponseReturnValue:
    document = _reread(document_id)
    follow_up = follow_up_of(db.session(), document, context.current().now())
    if follow_up is None:
        require_followed(document.kind.spec.followed, document.state)  # raises: 409
        require_current(db.session(), document)  # raises: 409, naming the amendment
        raise AssertionError("a followed document has a follow-up")
    return jsonify(follow_up_json(document.id, follow_up))


@bp.post(f"/documents/<{ID}:document_id>/objectives/<{ID}:number>/notes")
def add_note(document_id: int, number: int) -> ResponseReturnValue:
    body = _json_body()
    if not isinstance(body, dict):
        raise ValidationFailed([FieldIssue("", "un objet JSON est attendu")])
    unknown = sorted(set(body) - set(NOTE_FIELDS))
    if unknown:
        raise ValidationFailed(
            [FieldIssue(name, "champ inconnu pour une note d'objectif") for name in unknown]
        )
    note = add_objective_note(
        context.current(),
        bearer.current_user(),
        document_id,
        number,
        status=body.get("status"),
        note=body.get("note"),
        day=body.get("date"),
        new_deadline=body.get("new_deadline"),
        origin=context.origin(),
    )
    response = make_response(jsonify(note_json(note)), 201)
    response.headers["Location"] = url_for("api.document_follow_up", document_id=document_id)
    return response
