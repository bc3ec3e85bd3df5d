"""``GET /api/v1/follow-up/due?within_days=7``: the caller's due and overdue items (« Mon
suivi » as JSON, the same selection as the page, `service.follow_up.week`)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from service import context, db
from service.accounts import bearer
from service.api.views import bp
from service.follow_up.week import my_week
from signing.errors import FieldIssue, ValidationFailed
from signing.follow_up.week import WeekItem, parse_within_days


@bp.get("/follow-up/due")
def follow_up_due() -> ResponseReturnValue:
    within = parse_within_days(request.args.get("within_days"))
    if isinstance(within, str):
        raise ValidationFailed([FieldIssue("within_days", within)])
    mine = my_week(db.session(), bearer.current_user(), context.current().now(), within)
    return jsonify(
        {
            "today": mine.today.isoformat(),
            "within_days": mine.within_days,
            "items": [due_json(w) for w in mine.week.overdue + mine.week.due],
        }
    )


def due_json(w: WeekItem) -> dict[str, Any]:
    base = context.current().settings.base_url
    return {
        "document_id": w.document_id,
        "pupil_name": w.pupil_name,
        "what": w.item.what,
        "day": w.item.day.isoformat(),
        "label": w.item.label,
        "objective": w.item.objective,
        "overdue": w.item.overdue,
        "url": f"{base}/documents/{w.document_id}#{w.anchor}",
    }
