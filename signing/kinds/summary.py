"""What a signer agrees to, in plain French: the short summary the signer's page shows above
the document (`KindSpec.summary`). Each kind writes its own from its validated data, in its
folder's ``summary.py``; this module holds the shape and the French they share.

A summary only repeats what the document says, in shorter sentences: the PDF is what counts,
and the page says so.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date

from signing.data.french import as_date
from signing.vocabulary import Role

Data = Mapping[str, Any]


@dataclass(frozen=True)
class Section:
    """One heading of the summary and its sentences, each shown as a line of its own."""

    title: str
    lines: tuple[str, ...]


def section(title: str, lines: Iterable[str | None]) -> Section | None:
    """A section of the lines that say something; None when none does."""
    kept = tuple(line for line in lines if line)
    return Section(title, kept) if kept else None


def sections(*found: Section | None) -> tuple[Section, ...]:
    return tuple(s for s in found if s is not None)


@functools.lru_cache(maxsize=1024)
def day_fr(value: date | str) -> str:
    """« lundi 4 janvier 2027 », « lundi 1er février 2027 »: a day a family puts in a diary.
    Remembered: Babel's formatting is the dearest part of a summary, and dates come back."""
    day = as_date(value)
    text = format_date(day, format="EEEE d MMMM y", locale="fr_FR")
    if day.day == 1:
        weekday, _, rest = text.partition(" 1 ")
        return f"{weekday} 1er {rest}"
    return text


def join_fr(items: Sequence[str]) -> str:
    """``a``, ``a et b``, ``a, b et c``."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"


def name_of(person: Data | None) -> str:
    if not person:
        return ""
    return f"{person.get('first_name') or ''} {person.get('last_name') or ''}".strip()


def period(data: Data) -> str:
    """« du lundi 4 janvier 2027 au vendredi 25 juin 2027 »."""
    return f"du {day_fr(data['start_date'])} au {day_fr(data['end_date'])}"


def phrase(text: object) -> str | None:
    """A free text of the data as one sentence: trimmed, its final full stop added."""
    if not isinstance(text, str) or not text.strip():
        return None
    kept = " ".join(text.split())
    return kept if kept[-1] in ".!?…" else f"{kept}."


def guardian_lead(role: Role, data: Data, what: str) -> str | None:
    """The sentence a guardian reads first: what their signature gives, about their child."""
    if role is not Role.GUARDIAN:
        return None
    first_name = (data.get("pupil") or {}).get("first_name") or "votre enfant"
    return f"En signant, vous donnez votre accord pour que {first_name} {what}."
