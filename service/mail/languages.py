"""The mails a signer receives, in their language (issue 14 §8): one Jinja environment per
language, each with its catalogue installed (`service.i18n.translations`), so a mail is
rendered outside any request and two languages never share state. French has the msgids
themselves. A mail in another language opens with one French line (``french_line`` in the
templates), so that a French reader at home or at the school knows what the message is."""

from __future__ import annotations

import functools
from collections.abc import Callable

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from service.documents.models import Document
from service.i18n import translations
from service.isolate import bdi
from signing.i18n import direction, language_or_french


@functools.cache
def environment(language: str) -> Environment:
    """The mail templates' environment for `language` (an unknown one: French)."""
    code = language_or_french(language)
    env = Environment(
        loader=PackageLoader("service", "templates/mail"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.filters["bdi"] = bdi
    env.install_gettext_translations(translations(code), newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(mail_lang=code, mail_dir=direction(code))
    return env


def gettext(language: str) -> Callable[[str], str]:
    """The catalogue's gettext for a mail's subject line (French: the msgid itself)."""
    return translations(language_or_french(language)).gettext


def language_of(document: Document, person: object) -> str:
    """A signer's language (`Signer.language`); for a guardian only informed, the one the data
    gives the guardian of that address and first name; else French."""
    own = getattr(person, "language", None)
    if isinstance(own, str):
        return language_or_french(own)
    for guardian in document.data.get("guardians") or ():
        same = (guardian.get("email"), guardian.get("first_name")) == (
            getattr(person, "email", None),
            getattr(person, "first_name", None),
        )
        if same:
            return language_or_french(guardian.get("language"))
    return "fr"
