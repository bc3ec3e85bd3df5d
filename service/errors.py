"""Error answers: a JSON body for the API, a French page elsewhere; never a stack trace."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: "La demande est incorrecte.",
    403: "Vous n’avez pas accès à cette page.",
    404: "Cette page n’existe pas.",
    405: "Cette action n’est pas possible ici.",
    413: "Le fichier envoyé est trop volumineux.",
    500: "Une erreur inattendue s’est produite. Réessayez plus tard.",
}


def _answer(code: int) -> tuple[Response | str, int]:
    message = MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500])
    if request.path.startswith("/api/"):
        return jsonify({"errors": [{"field": "", "message": message}]}), code
    return render_template("error.html", code=code, message=message), code


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response | str, int]:
        return _answer(exc.code or 500)

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError) -> tuple[Response | str, int]:
        app.logger.error("erreur interne", exc_info=exc.original_exception)
        return _answer(500)
