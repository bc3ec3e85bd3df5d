"""Names compared and searched as people type them: case, accents and punctuation aside."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any


def fold(text: str) -> str:
    """Lowercase, without accents, punctuation as spaces: "Lefèvre-Nguyễn" → "lefevre nguyen"."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def pupil_search(data: Mapping[str, Any]) -> str:
    """The pupil's name folded for search, as the documents' `pupil_search` column stores it."""
    pupil = data.get("pupil") or {}
    return fold(f"{pupil.get('first_name', '')} {pupil.get('last_name', '')}")[:250]


def pupil_identity(data: Mapping[str, Any]) -> tuple[str, str, str]:
    """Who the pupil of a document is: first and last names folded, and the birth date. Two
    documents with the same identity are the same pupil's (there is no pupil record)."""
    pupil = data.get("pupil") or {}
    return (
        fold(str(pupil.get("first_name", ""))),
        fold(str(pupil.get("last_name", ""))),
        str(pupil.get("birth_date", "")),
    )


def names_match(typed: str, expected: str) -> bool:
    """The typed name is the signer's, case, accents, hyphens and word order aside."""
    words = sorted(fold(typed).split())
    return bool(words) and words == sorted(fold(expected).split())
