"""« Mon suivi » (``/suivi``): the pupils a référent follows (the head: the school's), what falls
due in the next 7 days and what is overdue, each with its link to the contract's page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from service import context, db
from service.accounts.session import login_required
from service.documents.blueprint import staff_user
from service.documents.labels import template_labels
from service.follow_up.week import my_week
from signing.permissions import StaffAction, roles_allowed

bp = Blueprint("follow_up_week", __name__)


@bp.get("/suivi")
@login_required(*roles_allowed(StaffAction.FOLLOW_UP_WEEK))
def week() -> ResponseReturnValue:
    user = staff_user()
    return render_template(
        "staff/week.html",
        mine=my_week(db.session(), user, context.current().now()),
        is_head=user.role == "head",
        labels=template_labels(),
    )
