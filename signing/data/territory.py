"""Where a school is, as its documents need it: its time zone and its public holidays, from the
département its UAI begins with (domain README §4, « Time zones »; §1.4, public holidays).

The holidays come from the `holidays` library (python-holidays), which knows the national list
(Code du travail L.3133-1), Alsace-Moselle's two extra days (Code du travail L.3134-13) and each
overseas département's abolition-of-slavery day (loi n° 83-550 du 30 juin 1983 and its décret).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import holidays


@dataclass(frozen=True)
class Territory:
    """A school's place: `name` as a sentence reads it, its IANA time zone, and its subdivision in
    python-holidays' France calendar (None: metropolitan France)."""

    name: str
    time_zone: str
    holiday_area: str | None = None
    clock_name: str = "heure de Paris"
    """How a time here is named: « heure de Paris », « heure de La Réunion »."""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def local(self, at: datetime) -> datetime:
        """`at` in this territory's time; a naive datetime is refused (its zone is a guess)."""
        if at.tzinfo is None:
            raise ValueError("a moment must be timezone aware")
        return at.astimezone(self.zone)

    def day(self, at: datetime) -> date:
        """The calendar day here of the aware moment `at`."""
        return self.local(at).date()

    def utc_offset(self, at: datetime) -> str:
        """``UTC+1``, ``UTC+4``, ``UTC-3``, ``UTC+5:30``: the offset here at `at`."""
        offset = self.local(at).utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
        hours, rest = divmod(minutes, 60)
        return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")

    def holidays_of(self, year: int) -> frozenset[date]:
        return _holidays(self.holiday_area, year)


METROPOLE = Territory("France métropolitaine", "Europe/Paris")

_BY_PREFIX = {
    "057": Territory("Moselle", "Europe/Paris", "57"),
    "067": Territory("Bas-Rhin", "Europe/Paris", "6AE"),
    "068": Territory("Haut-Rhin", "Europe/Paris", "6AE"),
    "971": Territory("Guadeloupe", "America/Guadeloupe", "971", "heure de la Guadeloupe"),
    "972": Territory("Martinique", "America/Martinique", "972", "heure de la Martinique"),
    "973": Territory("Guyane", "America/Cayenne", "973", "heure de la Guyane"),
    "974": Territory("La Réunion", "Indian/Reunion", "974", "heure de La Réunion"),
    "975": Territory(
        "Saint-Pierre-et-Miquelon", "America/Miquelon", "PM", "heure de Saint-Pierre-et-Miquelon"
    ),
    "976": Territory("Mayotte", "Indian/Mayotte", "976", "heure de Mayotte"),
    "977": Territory(
        "Saint-Barthélemy", "America/St_Barthelemy", "BL", "heure de Saint-Barthélemy"
    ),
    "978": Territory("Saint-Martin", "America/Marigot", "MF", "heure de Saint-Martin"),
    "986": Territory("Wallis-et-Futuna", "Pacific/Wallis", "WF", "heure de Wallis-et-Futuna"),
    "987": Territory("Polynésie française", "Pacific/Tahiti", "PF", "heure de Tahiti"),
    "988": Territory("Nouvelle-Calédonie", "Pacific/Noumea", "NC", "heure de Nouméa"),
}
"""The départements and collectivités whose time or holidays differ from Paris's (UAI prefix)."""


def territory_of(uai: str | None) -> Territory:
    """The territory of the school of UAI `uai` (metropolitan France for any other prefix)."""
    return _BY_PREFIX.get((uai or "")[:3], METROPOLE)


@functools.cache
def _holidays(area: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", subdiv=area, years=year).keys())
