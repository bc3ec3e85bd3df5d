"""The languages a signer may read their page, mails and summary in (issue 14 §8), without Flask.

French is the source: every sentence is written in French in the code and the templates, and
that French is its own gettext msgid. The core only *marks* what is translatable: a function
that builds French words for a signer takes a `Words` (its language code and a `tr` callable),
and writes ``words.tr("Les objectifs")`` or ``words.tr("Bilan final : {day}.").format(day=…)``.
`FRENCH` returns the msgid unchanged, so the core stays usable (and its tests readable) with no
catalogue at all; the service passes a `Words` whose `tr` is a catalogue's gettext
(`service.i18n.words`). ``pybabel extract -k tr`` (see babel.cfg) finds every marked msgid,
and a test fails when a catalogue misses one.

The document itself, and everything signed (the consent sentence), stays in French.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from babel.dates import format_date, get_day_names

from signing.data.french import DAYS, as_date, format_duration_fr, format_time_fr
from signing.vocabulary import Role

FRENCH_CODE = "fr"

LANGUAGES: Mapping[str, str] = {
    "fr": "français",
    "en": "anglais",
    "ar": "arabe",
    "pt": "portugais",
    "tr": "turc",
}
"""The languages a school may choose for a signer, with their French labels (the staff's form)."""

AUTONYMS: Mapping[str, str] = {
    "fr": "Français",
    "en": "English",
    "ar": "العربية",
    "pt": "Português",
    "tr": "Türkçe",
}
"""Each language in its own words: the signer's language menu, read by someone who may not
read French."""

RIGHT_TO_LEFT = frozenset({"ar"})


def language_or_french(value: object) -> str:
    """A known language code, else French (an absent value, an unknown one)."""
    return value if isinstance(value, str) and value in LANGUAGES else FRENCH_CODE


def direction(code: str) -> str:
    return "rtl" if code in RIGHT_TO_LEFT else "ltr"


def signer_language(data: Mapping[str, Any], role: Role, index: int = 0) -> str:
    """The language the staff chose for a signing person in the document's data
    (``pupil.language``, ``guardians[i].language``); French for everyone else."""
    person: object = None
    if role is Role.PUPIL:
        person = data.get("pupil")
    elif role is Role.GUARDIAN:
        guardians = data.get("guardians") or []
        person = guardians[index] if 0 <= index < len(guardians) else None
    return language_or_french(person.get("language") if isinstance(person, Mapping) else None)


def _same(text: str) -> str:
    return text


@functools.lru_cache(maxsize=4096)
def _day(code: str, value: date | str) -> str:
    day = as_date(value)
    text = format_date(day, format="EEEE d MMMM y", locale=code)
    if code == FRENCH_CODE and day.day == 1:  # « lundi 1er février 2027 »
        weekday, _, rest = text.partition(" 1 ")
        return f"{weekday} 1er {rest}"
    return text


@dataclass(frozen=True)
class Words:
    """How a signer's language writes: its code, its translation of a French msgid, its dates."""

    code: str = FRENCH_CODE
    tr: Callable[[str], str] = field(default=_same, compare=False)

    def day(self, value: date | str) -> str:
        """« lundi 4 janvier 2027 », “Monday, 4 January 2027”…: a day a family puts in a diary,
        written by Babel for the language (remembered: the dearest part of a summary)."""
        return _day(self.code, value)

    def time(self, minutes: int) -> str:
        """« 8 h 30 » in French, “08:30” elsewhere."""
        if self.code == FRENCH_CODE:
            return format_time_fr(minutes)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    def duration(self, minutes: int) -> str:
        """« 7 h », « 3 h 30 », « 45 min » in French; the language's own units elsewhere."""
        if self.code == FRENCH_CODE:
            return format_duration_fr(minutes)
        hours, rest = divmod(minutes, 60)
        if not hours:
            return self.tr("{minutes} min").format(minutes=rest)
        if not rest:
            return self.tr("{hours} h").format(hours=hours)
        return self.tr("{hours} h {minutes} min").format(hours=hours, minutes=rest)

    def weekday(self, number: int) -> str:
        """The day of the week, Monday 0, capitalised as a line's first word."""
        if self.code == FRENCH_CODE:
            return DAYS[number][1]
        name = str(get_day_names("wide", locale=self.code)[number])
        return name[:1].upper() + name[1:]

    def join(self, items: Sequence[str]) -> str:
        """``a``, ``a et b``, ``a, b et c`` in the language."""
        if len(items) < 2:
            return "".join(items)
        return self.tr("{first} et {last}").format(first=", ".join(items[:-1]), last=items[-1])


FRENCH = Words()
