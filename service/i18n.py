"""The signer's language on pages and in mails (issue 14 §8), through Flask-Babel and the
gettext catalogues of ``service/translations`` (French msgids; ``babel.cfg`` says what is
extracted; ``scripts/setup.sh`` compiles the .mo files, which are also committed).

A page: the staff's choice for the signer (`Signer.language`) unless the link's page was
switched with ``?lang=…`` (kept for that link in a cookie scoped to ``/sign/<token>``); an
unknown value gives French, never an error. Staff pages stay French: the locale is French
unless a signer's view chose one (`choose`). A mail: `translations` of the addressee's language,
passed to the mail's Jinja templates (`service.mail.compose`), outside any request.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations
from flask import Flask, Response, g, has_request_context, request, url_for
from flask_babel import Babel, refresh

from signing.i18n import (
    AUTONYMS,
    FRENCH,
    FRENCH_CODE,
    LANGUAGES,
    Words,
    direction,
    language_or_french,
)

TRANSLATIONS = Path(__file__).parent / "translations"
COOKIE = "cosigne_langue"
"""The language a signer picked on a link's page, kept for that link only (its path)."""


def page_locale() -> str:
    """Flask-Babel's locale: the one a signer's view chose, else French."""
    if has_request_context():
        return str(getattr(g, "signer_language", FRENCH_CODE))
    return FRENCH_CODE


def choose(signer_language: str | None) -> str:
    """The language of this signer's page: asked in the query (an unknown value: French), else
    the link's cookie, else the staff's choice for the signer. Flask-Babel is told."""
    if "lang" in request.args:
        chosen = language_or_french(request.args.get("lang"))
    elif request.cookies.get(COOKIE) in LANGUAGES:
        chosen = language_or_french(request.cookies.get(COOKIE))
    else:
        chosen = language_or_french(signer_language)
    g.signer_language = chosen
    refresh()
    return chosen


def keep_choice(response: Response, link_path: str) -> Response:
    """Remember a language asked in the query for this link's pages (no staff session: the
    link's own path is the cookie's scope)."""
    asked = request.args.get("lang")
    if asked is not None:
        response.set_cookie(
            COOKIE,
            language_or_french(asked),
            path=link_path,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


@functools.cache
def translations(code: str) -> NullTranslations:
    """The compiled catalogue of a language (French: the msgids themselves)."""
    if code == FRENCH_CODE or code not in LANGUAGES:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [code])


def words(code: str) -> Words:
    """The core's `Words` for a language: its catalogue's gettext, its dates."""
    code = language_or_french(code)
    if code == FRENCH_CODE:
        return FRENCH
    return Words(code, translations(code).gettext)


def _language_links() -> list[tuple[str, str]]:
    """The language menu of a link's page: each language → this page (a GET) or the link's
    page (after a POST) with ``?lang=…``; none on a page a signer's view did not choose for."""
    token = (request.view_args or {}).get("token")
    if "signer_language" not in g or request.endpoint is None or token is None:
        return []
    endpoint = request.endpoint if request.method == "GET" else "sign.page"
    return [(code, url_for(endpoint, token=token, lang=code)) for code in LANGUAGES]


def _template_values() -> dict[str, Any]:
    code = page_locale()
    return {
        "page_lang": code,
        "page_dir": direction(code),
        "autonyms": AUTONYMS,
        "lang_links": _language_links() if has_request_context() else [],
    }


def init_app(app: Flask) -> None:
    Babel(
        app,
        locale_selector=page_locale,
        default_translation_directories=str(TRANSLATIONS),
    )
    app.context_processor(_template_values)
