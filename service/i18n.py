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
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.support import NullTranslations, Translations
from flask import Blueprint, Flask, Response, g, has_request_context, request, url_for
from flask_babel import Babel, gettext, refresh

from service.clock import school_moment
from signing.data.french import as_date, format_date_fr
from signing.data.territory import territory_of
from signing.i18n import (
    AUTONYMS,
    FRENCH,
    FRENCH_CODE,
    LANGUAGES,
    Words,
    direction,
    language_or_french,
)
from signing.vocabulary import Role

TRANSLATIONS = Path(__file__).parent / "translations"
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
_PAGES_OF_A_LINK = frozenset({"sign.page", "sign.copy_page"})
"""The pages a language link leads back to; from anything else (a POST, a refused PDF or page
image), the link's page."""
COOKIE = "cosigne_langue"
"""The language a signer picked on a link's page, kept for that link only (its path)."""


def page_locale() -> str:
    """Flask-Babel's locale: the one a signer's view chose, else French."""
    if has_request_context():
        return str(getattr(g, "signer_language", FRENCH_CODE))
    return FRENCH_CODE


def choose(signer_language: str | None) -> str:
    """The language of this signer's page: asked in the query (an unknown value: French), else
    the link's cookie, else the staff's choice for the signer. Flask-Babel is told. Outside a
    request (a command), the signer's own."""
    if not has_request_context():
        return language_or_french(signer_language)
    if "lang" in request.args:
        chosen = language_or_french(request.args.get("lang"))
    elif request.cookies.get(COOKIE) in LANGUAGES:
        chosen = language_or_french(request.cookies.get(COOKIE))
    else:
        chosen = language_or_french(signer_language)
    g.signer_language = chosen
    refresh()
    return chosen


def serve_in_signers_language(bp: Blueprint) -> None:
    """The link pages' language: before a view, the one asked or kept for the link (a dead
    link's page knows no signer), chosen again by a view that knows its signer; after it, a
    language asked is kept for that link (`keep_choice`)."""
    bp.before_request(_choose_for_the_link)
    bp.after_request(keep_choice)


def _choose_for_the_link() -> None:
    choose(None)


def keep_choice(response: Response) -> Response:
    """Remember a language asked in the query for this link's pages (no staff session: the
    link's own path, ``/sign/<token>``, is the cookie's scope)."""
    asked = request.args.get("lang")
    token = (request.view_args or {}).get("token")
    if asked is not None and token:
        response.set_cookie(
            COOKIE,
            language_or_french(asked),
            path=f"/sign/{token}",
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
    """The core's `Words` for a language: its catalogue's gettext, its dates. Right to left, each
    ``{placeholder}`` of a translation is isolated (U+2068 … U+2069): a French place name or a
    phone number put into an Arabic sentence keeps its own order and its full stop its place."""
    code = language_or_french(code)
    if code == FRENCH_CODE:
        return FRENCH
    gettext = translations(code).gettext
    if direction(code) == "rtl":
        return Words(code, lambda msgid: _PLACEHOLDER.sub("\u2068\\g<0>\u2069", gettext(msgid)))
    return Words(code, gettext)


def moment(value: datetime, uai: str | None, language: str | None = None) -> str:
    """A moment as the school reads it, in `language` (by default the page's): French as always
    (`service.clock.school_moment`); else Babel's date, hour and the time zone's name."""
    code = language_or_french(language) if language is not None else page_locale()
    if code == FRENCH_CODE:
        return school_moment(value, uai)
    local = territory_of(uai).local(value)
    return format_datetime(local, "d MMMM y, HH:mm (zzzz)", tzinfo=local.tzinfo, locale=code)


@functools.lru_cache(maxsize=1024)
def _day(value: date | str, code: str) -> str:
    if code == FRENCH_CODE:
        return format_date_fr(value)
    return format_date(as_date(value), "d MMMM y", locale=code)


def day(value: date | str, language: str | None = None) -> str:
    """A day in `language` (by default the page's): « 4 janvier 2027 », “4 January 2027”,
    remembered (Babel's formatting costs more than the rest of a page's values together)."""
    return _day(value, language_or_french(language) if language is not None else page_locale())


def _language_links() -> list[tuple[str, str]]:
    """The language menu of a link's page: each language → this page (a GET) or the link's
    page (after a POST) with ``?lang=…``; none on a page a signer's view did not choose for."""
    token = (request.view_args or {}).get("token")
    if "signer_language" not in g or request.endpoint is None or token is None:
        return []
    shown = request.method == "GET" and request.endpoint in _PAGES_OF_A_LINK
    endpoint = request.endpoint if shown else "sign.page"
    return [(code, url_for(endpoint, token=token, lang=code)) for code in LANGUAGES]


def role_phrase(role: Role, gettext: Callable[[str], str], *, feminine: bool = False) -> str:
    """« en tant que représentante légale »…: a signer's capacity, in `gettext`'s language (a
    page's, Flask-Babel's; a mail's, its catalogue's)."""
    phrases = {
        Role.PUPIL: gettext("en tant qu'élève"),
        Role.GUARDIAN: (
            gettext("en tant que représentante légale")
            if feminine
            else gettext("en tant que représentant légal")
        ),
        Role.REFERENT: gettext("en tant que référent"),
        Role.HOST_REPRESENTATIVE: gettext("en tant que représentant de l'organisme d'accueil"),
        Role.HOST_TUTOR: gettext("en tant que tuteur dans l'organisme d'accueil"),
        Role.HEAD: gettext("en tant que chef d'établissement"),
    }
    return str(phrases.get(role, role.phrase))


def translated(message: object) -> str:
    """A French message made at run time (an error of a use case) in the page's language when
    a catalogue has it, else as it is; never marked safe (it may quote what was typed)."""
    text = "" if message is None else str(message)
    return gettext(text) if text else text


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
    app.add_template_filter(translated)
