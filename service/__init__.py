"""The Cosigne web service: one package per concern (documents, signers, finalize, verify,
accounts, mail, api, cli), each with its tables, its use cases (one module each) and its views.
`service.app.create_app` assembles them."""

from service.app import create_app

__all__ = ["create_app"]
