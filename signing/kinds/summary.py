"""What a signer agrees to, in plain words: the short summary the signer's page shows above
the document (`KindSpec.summary`). Each kind writes its own from its validated data, in its
folder's ``summary.py``; this module holds the shape and the sentences they share.

The sentences are French msgids passed through ``words.tr`` (`signing.i18n.Words`): French
as written with the default `FRENCH`, the signer's language when the service passes its
catalogue. Data (names, free texts) is put in with ``.format`` after translation, so a
catalogue never sees it. A summary only repeats what the document says, in shorter
sentences: the PDF is what counts, and the page says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from signing.i18n import FRENCH, Words
from signing.vocabulary import Role

Data = Mapping[str, Any]


@dataclass(frozen=True)
class Section:
    """One heading of the summary and its sentences, each shown as a line of its own."""

    title: str
    lines: tuple[str, ...]


class Summary(Protocol):
    """A kind's summary for a signer of `role`, in `words`' language."""

    def __call__(self, data: Data, role: Role, words: Words = FRENCH) -> tuple[Section, ...]: ...


def section(title: str, lines: Iterable[str | None]) -> Section | None:
    """A section of the lines that say something; None when none does."""
    kept = tuple(line for line in lines if line)
    return Section(title, kept) if kept else None


def sections(*found: Section | None) -> tuple[Section, ...]:
    return tuple(s for s in found if s is not None)


def name_of(person: Data | None) -> str:
    if not person:
        return ""
    return f"{person.get('first_name') or ''} {person.get('last_name') or ''}".strip()


def period(data: Data, words: Words) -> str:
    """« du lundi 4 janvier 2027 au vendredi 25 juin 2027 »."""
    return words.tr("du {start} au {end}").format(
        start=words.day(data["start_date"]), end=words.day(data["end_date"])
    )


def phrase(text: object) -> str | None:
    """A free text of the data as one sentence: trimmed, its final full stop added."""
    if not isinstance(text, str) or not text.strip():
        return None
    kept = " ".join(text.split())
    return kept if kept[-1] in ".!?…" else f"{kept}."


def first_name(data: Data) -> str:
    return str((data.get("pupil") or {}).get("first_name") or "")


def head_lead(words: Words) -> str:
    return words.tr("En signant, vous engagez l'établissement.")
