"""Public pages that need no account."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> ResponseReturnValue:
    return render_template("home.html")


@bp.get("/healthz")
def health() -> ResponseReturnValue:
    return jsonify({"status": "ok"})
