"""THE map from errors to answers: each error the service or the core raises on purpose, with its
HTTP status and French title, for the pages and the JSON API alike.

The service's own errors are declared in `service.error_types` and given here (the core's are
in `signing.errors`). A view never picks a status: it asks `answer(exc)`, then words the body
for its reader — the API's one error shape (`json_errors`), a signer's page, the staff's
notice. Anything else that escapes a view is an HTTP error (`HTTP_MESSAGES`) or a 500,
answered here without a stack trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from service.error_types import (
    AlreadyExists,
    BadBody,
    Conflict,
    CopyClosed,
    DeadLink,
    NotAllowed,
    NotFound,
    ObjectiveNotFound,
    PageNotFound,
    RenewalTooSoon,
    SignatureRefused,
    SignerNotFound,
    TooManyAttempts,
    Unauthorized,
)
from signing.errors import (
    ArchiveCorrupted,
    ArchiveError,
    ArchiveMismatch,
    ArchiveMissing,
    ConversionError,
    CosigneError,
    LinkExpired,
    LinkInvalid,
    LinkRevoked,
    RenderError,
    TransitionRefused,
    UnknownKind,
    ValidationFailed,
    VerificationUnavailable,
)

__all__ = [
    "AlreadyExists",
    "BadBody",
    "Conflict",
    "CopyClosed",
    "DeadLink",
    "NotAllowed",
    "NotFound",
    "ObjectiveNotFound",
    "PageNotFound",
    "RenewalTooSoon",
    "SignatureRefused",
    "SignerNotFound",
    "TooManyAttempts",
    "Unauthorized",
]  # the service's errors, declared in service.error_types

# ---------------------------------------------------------------------------------------------
# The map


@dataclass(frozen=True)
class Answer:
    """How an error is answered."""

    status: int
    title: str
    """The French heading of a page about it."""
    field: str = ""
    """The request's field it is about, in the API's body (``""``: the request as a whole)."""
    retry_after: int | None = None
    """Seconds after which the same request may succeed (a 503): the ``Retry-After`` header."""
    public_message: str | None = None
    """What the answer says instead of the error's own words, which must not be told."""


_PDF_UNAVAILABLE = Answer(
    503,
    "Le PDF n'a pas pu être fabriqué",
    retry_after=30,
    public_message=(
        "La fabrication du PDF a échoué (convertisseur indisponible) ; rien n'a été modifié. "
        "Réessayez dans quelques instants."
    ),
)

_ARCHIVE_DAMAGED = Answer(
    503,
    "Le PDF signé archivé est endommagé",
    public_message=(
        "Le PDF signé archivé de ce document est absent, endommagé ou n'est plus le sien : il "
        "n'est pas servi, et il n'est jamais refait. L'administrateur de Cosigne le constate "
        "avec « cosigne archive check » et le restaure depuis la sauvegarde."
    ),
)
"""Not a passing fault: the file is wrong, and saying « réessayez » would mislead."""

ANSWERS: Mapping[type[BaseException], Answer] = MappingProxyType(
    {
        BadBody: Answer(
            400,
            "La demande est incorrecte",
            public_message="Le corps de la demande doit être un document JSON valide.",
        ),
        Unauthorized: Answer(401, "Authentification requise"),
        # The same words whether the document does not exist or belongs to another school.
        NotFound: Answer(404, "Document introuvable", public_message="Document introuvable."),
        NotAllowed: Answer(403, "Vous n’avez pas accès à cette page"),
        AlreadyExists: Answer(409, "Cela existe déjà"),
        TooManyAttempts: Answer(429, "Trop de tentatives"),
        RenewalTooSoon: Answer(429, "Un nouveau lien vient de vous être envoyé"),
        PageNotFound: Answer(404, "Page introuvable"),
        SignerNotFound: Answer(
            404,
            "Signataire introuvable",
            public_message="Ce document n'a pas de signataire de ce numéro.",
        ),
        ObjectiveNotFound: Answer(
            404,
            "Objectif introuvable",
            public_message="Ce contrat n'a pas d'objectif de ce numéro.",
        ),
        LinkInvalid: Answer(404, "Ce lien n'est pas valide"),
        LinkExpired: Answer(410, "Ce lien a expiré"),
        LinkRevoked: Answer(410, "Ce lien n'est plus valable"),
        DeadLink: Answer(410, "Ce lien n'est plus valable"),
        CopyClosed: Answer(410, "Ce lien ne sert plus"),
        Conflict: Answer(409, "Votre demande n'a pas abouti"),
        TransitionRefused: Answer(409, "Cette action n'est plus possible"),
        ValidationFailed: Answer(422, "Les données ne sont pas valides"),
        SignatureRefused: Answer(422, "La signature n'a pas été enregistrée"),
        UnknownKind: Answer(422, "Type de document inconnu", field="kind"),
        ConversionError: _PDF_UNAVAILABLE,
        RenderError: _PDF_UNAVAILABLE,
        ArchiveError: Answer(503, "Le PDF signé est momentanément indisponible"),
        ArchiveMissing: _ARCHIVE_DAMAGED,
        ArchiveCorrupted: _ARCHIVE_DAMAGED,
        ArchiveMismatch: _ARCHIVE_DAMAGED,
        VerificationUnavailable: Answer(
            503,
            "La vérification est momentanément indisponible",
            retry_after=30,
            public_message=(
                "La vérification est momentanément indisponible ; réessayez dans quelques instants."
            ),
        ),
    }
)
"""Every error raised on purpose, by class (a subclass takes its nearest parent's answer)."""

INTERNAL = Answer(500, "Une erreur inattendue s’est produite. Réessayez plus tard.")


def answer(exc: BaseException) -> Answer:
    """The answer to `exc`: its class's, or its nearest parent's; a 500 for anything else."""
    for cls in type(exc).__mro__:
        found = ANSWERS.get(cls)
        if found is not None:
            return found
    return INTERNAL


def sentence(text: str) -> str:
    """`text` as a sentence: a capital first, a full stop last."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if not text or text.endswith((".", "!", "?")) else f"{text}."


def public_message(exc: BaseException) -> str:
    """What an answer may say of `exc`: its own words, unless its answer hides them."""
    found = answer(exc)
    return found.public_message or sentence(str(exc))


# ---------------------------------------------------------------------------------------------
# The bodies


def json_errors(status: int, issues: list[dict[str, str]], **extra: Any) -> tuple[Response, int]:
    """The API's one error shape: ``{"errors": [{"field": …, "message": …}], …}``, never
    cached."""
    response = jsonify({"errors": issues, **extra})
    response.headers["Cache-Control"] = "no-store"
    return response, status


def json_answer(exc: CosigneError) -> tuple[Response, int]:
    """The API's body for `exc`, with its status (and ``Retry-After`` when it has one)."""
    found = answer(exc)
    if isinstance(exc, ValidationFailed):
        return json_errors(
            found.status,
            [e.as_json() for e in exc.errors],
            warnings=[w.as_json() for w in exc.warnings],
        )
    response, status = json_errors(
        found.status, [{"field": found.field, "message": public_message(exc)}]
    )
    retry_after = exc.retry_after if isinstance(exc, TooManyAttempts) else found.retry_after
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response, status


HTTP_MESSAGES: Mapping[int, str] = MappingProxyType(
    {
        400: "La demande est incorrecte.",
        403: "Vous n’avez pas accès à cette page.",
        404: "Cette page n’existe pas.",
        405: "Cette action n’est pas possible ici.",
        413: "Le fichier envoyé est trop volumineux.",
        500: INTERNAL.title,
    }
)
"""What a page or the API says for an HTTP error that no view answered itself."""


def _http_answer(code: int) -> tuple[Response | str, int]:
    message = HTTP_MESSAGES.get(code, HTTP_MESSAGES[400] if code < 500 else HTTP_MESSAGES[500])
    if request.path.startswith("/api/"):
        return json_errors(code, [{"field": "", "message": message}])
    return render_template("error.html", code=code, message=message), code


def register(app: Flask) -> None:
    """Answer HTTP errors and every unexpected exception: a JSON body under ``/api/``, a French
    page elsewhere; never a stack trace."""

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[Response | str, int]:
        return _http_answer(exc.code or 500)

    @app.errorhandler(InternalServerError)
    def server_error(exc: InternalServerError) -> tuple[Response | str, int]:
        app.logger.error("erreur interne", exc_info=exc.original_exception)
        return _http_answer(500)
