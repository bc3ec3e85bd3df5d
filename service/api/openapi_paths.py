"""The paths of the API's OpenAPI description: every operation, its parameters and answers."""

from __future__ import annotations

from typing import Any

from service.api.openapi_data import ref, values
from service.api.openapi_due import due_operation
from service.api.openapi_follow_up import follow_up_paths
from service.api.openapi_operations import DOCUMENT_ID, SIGNER_ID, json_response, operation, query
from service.api.openapi_paper import paper_paths
from service.api.openapi_reviews import review_paths
from service.api.openapi_verify import verify_operation
from service.api.openapi_visits import visit_paths
from signing.kinds import Kind
from signing.vocabulary import DocumentState

Json = dict[str, Any]


def paths() -> Json:
    """Every path of the API, with its operations."""
    return {
        **_collection_paths(),
        **_document_paths(),
        **_action_paths(),
        "/verify": {"post": verify_operation()},
        **review_paths(),
        **visit_paths(),
        **paper_paths(),
        "/follow-up/due": {"get": due_operation()},
        **follow_up_paths(),
    }


def _collection_paths() -> Json:
    return {
        "/openapi.json": {
            "get": operation(
                "openapi",
                "Cette description (sans authentification).",
                {
                    "200": {
                        "description": "Le document OpenAPI.",
                        "content": {"application/json": {}},
                    }
                },
                secured=False,
            )
        },
        "/documents": {
            "post": operation(
                "createDocument",
                f"Créer un brouillon ({' ou '.join(kind.spec.short_title for kind in Kind)}).",
                {
                    "201": json_response(
                        "Le brouillon créé (`status: draft`) et ses avertissements.",
                        ref("Document"),
                        Location={
                            "description": "Chemin du document créé.",
                            "schema": {"type": "string"},
                        },
                    )
                },
                errors=("BadRequest", "Forbidden", "NotFound", "Conflict", "Invalid"),
                body={"schema": ref("CreateDocument")},
            ),
            "get": operation(
                "listDocuments",
                "Les documents de l'établissement, les plus récents d'abord.",
                {"200": json_response("Une page de documents.", ref("DocumentList"))},
                errors=("Invalid",),
                parameters=_list_parameters(),
            ),
        },
    }


def _list_parameters() -> list[Json]:
    """The document list's filters (`service.api.list_query`)."""
    return [
        query("status", "Statut.", {"type": "string", "enum": values(DocumentState)}),
        query(
            "kind",
            "Type de document.",
            {"type": "string", "enum": values(Kind)},
        ),
        query(
            "pupil",
            "Partie du prénom ou du nom de l'élève (sans distinction de casse).",
            {"type": "string", "maxLength": 100},
        ),
        query(
            "school_year",
            "Année scolaire de la date de début (1er septembre – 31 août).",
            {
                "type": "string",
                "pattern": "^[0-9]{4}-[0-9]{4}$",
                "examples": ["2026-2027"],
            },
        ),
        query("page", "Numéro de page.", {"type": "integer", "minimum": 1, "default": 1}),
        query(
            "per_page",
            "Documents par page.",
            {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
        ),
    ]


def _document_paths() -> Json:
    document = json_response("Le document.", ref("Document"))
    return {
        "/documents/{document_id}": {
            "parameters": [DOCUMENT_ID],
            "get": operation(
                "getDocument",
                "Un document, ses signataires et leur avancement.",
                {"200": document},
                errors=("NotFound",),
            ),
            "put": operation(
                "updateDocument",
                "Remplacer les données d'un brouillon (un document émis ne se modifie plus).",
                {"200": document},
                errors=("BadRequest", "Forbidden", "NotFound", "Conflict", "Invalid"),
                body={"schema": ref("UpdateDocument")},
            ),
        },
        "/documents/{document_id}/pdf": {
            "parameters": [DOCUMENT_ID],
            "get": operation(
                "getDocumentPdf",
                "Le PDF : aperçu d'un brouillon, PDF figé une fois émis.",
                {
                    "200": {
                        "description": "Le PDF (`Content-Disposition: inline; "
                        'filename="<kind>-<id>.pdf"`).',
                        "content": {
                            "application/pdf": {
                                "schema": {"type": "string", "contentMediaType": "application/pdf"}
                            }
                        },
                    }
                },
                errors=("NotFound", "Unavailable"),
            ),
        },
    }


def _action_paths() -> Json:
    return {
        "/documents/{document_id}/issue": {
            "parameters": [DOCUMENT_ID],
            "post": operation(
                "issueDocument",
                "Émettre : figer le PDF, désigner les signataires, envoyer les invitations.",
                {
                    "200": json_response(
                        "Le document, `status: awaiting_signatures`.", ref("Document")
                    )
                },
                errors=("Forbidden", "NotFound", "Conflict", "Invalid", "Unavailable"),
            ),
        },
        "/documents/{document_id}/cancel": {
            "parameters": [DOCUMENT_ID],
            "post": operation(
                "cancelDocument",
                "Annuler (brouillon ou en attente de signatures) ; tous les liens cessent de "
                "fonctionner.",
                {"200": json_response("Le document, `status: cancelled`.", ref("Document"))},
                errors=("BadRequest", "Forbidden", "NotFound", "Conflict", "Invalid"),
                body={"schema": ref("CancelRequest")},
            ),
        },
        "/documents/{document_id}/signers/{signer_id}/remind": {
            "parameters": [DOCUMENT_ID, SIGNER_ID],
            "post": operation(
                "remindSigner",
                "Relancer un signataire invité (le lien reste le même, son délai repart).",
                {"200": json_response("Le signataire.", ref("Signer"))},
                errors=("Forbidden", "NotFound", "Conflict"),
            ),
        },
        "/documents/{document_id}/events": {
            "parameters": [DOCUMENT_ID],
            "get": operation(
                "listDocumentEvents",
                "Le journal du document, dans l'ordre.",
                {"200": json_response("Les événements.", ref("EventList"))},
                errors=("NotFound",),
            ),
        },
        "/documents/{document_id}/evidence": {
            "parameters": [DOCUMENT_ID],
            "get": operation(
                "getDocumentEvidence",
                "Le dossier de preuve : les faits du certificat de signature (identité et moyen "
                "d'identification de chaque signataire, consentement et son empreinte, fichier "
                "présenté, événements en UTC et en heure locale, remise des courriels, tête de la "
                "piste d'audit, cachet), au format cosigne-evidence/1.",
                {"200": json_response("Le dossier de preuve.", {"type": "object"})},
                errors=("NotFound", "Conflict"),
            ),
        },
    }
