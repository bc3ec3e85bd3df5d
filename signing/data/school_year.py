"""School years: 1 September to 31 August, named by both their years (« 2026-2027 »)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any


def school_year(day: date) -> int:
    """The school year `day` falls in, by its first year: 1 September 2026 to 31 August 2027 is
    2026 (« 2026-2027 »)."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_label(year: int) -> str:
    """2026 → « 2026-2027 »."""
    return f"{year}-{year + 1}"


def parse_school_year(label: str) -> int | None:
    """« 2026-2027 » → 2026; None for anything else."""
    first, _, second = label.strip().partition("-")
    if not (first.isascii() and first.isdigit() and second.isascii() and second.isdigit()):
        return None
    year = int(first)
    return year if len(first) == 4 and int(second) == year + 1 and 1900 < year < 2200 else None


def school_year_of(data: Mapping[str, Any]) -> int | None:
    """The school year of a document: the one its start date falls in (None without one)."""
    start = data.get("start_date")
    try:
        return school_year(date.fromisoformat(str(start))) if start else None
    except ValueError:
        return None
