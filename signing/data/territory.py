"""Where a school is, as its documents need it: its time zone and its public holidays, from the
département its UAI begins with (domain README §4, « Time zones »; §1.4, public holidays).

The holidays come from the `holidays` library (python-holidays), which knows the national list
(Code du travail L.3133-1), Alsace-Moselle's two extra days (Code du travail L.3134-13) and each
overseas département's abolition-of-slavery day (loi n° 83-550 du 30 juin 1983 and its décret).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import holidays


@dataclass(frozen=True)
class Territory:
    """A school's place: `name` as a sentence reads it, its IANA time zone, and its subdivision in
    python-holidays' France calendar (None: metropolitan France)."""

    name: str
    time_zone: str
    holiday_area: str | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def holidays_of(self, year: int) -> frozenset[date]:
        return _holidays(self.holiday_area, year)


METROPOLE = Territory("France métropolitaine", "Europe/Paris")

_BY_PREFIX = {
    "057": Territory("Moselle", "Europe/Paris", "57"),
    "067": Territory("Bas-Rhin", "Europe/Paris", "6AE"),
    "068": Territory("Haut-Rhin", "Europe/Paris", "6AE"),
    "971": Territory("Guadeloupe", "America/Guadeloupe", "971"),
    "972": Territory("Martinique", "America/Martinique", "972"),
    "973": Territory("Guyane", "America/Cayenne", "973"),
    "974": Territory("La Réunion", "Indian/Reunion", "974"),
    "975": Territory("Saint-Pierre-et-Miquelon", "America/Miquelon", "PM"),
    "976": Territory("Mayotte", "Indian/Mayotte", "976"),
    "977": Territory("Saint-Barthélemy", "America/St_Barthelemy", "BL"),
    "978": Territory("Saint-Martin", "America/Marigot", "MF"),
    "986": Territory("Wallis-et-Futuna", "Pacific/Wallis", "WF"),
    "987": Territory("Polynésie française", "Pacific/Tahiti", "PF"),
    "988": Territory("Nouvelle-Calédonie", "Pacific/Noumea", "NC"),
}
"""The départements and collectivités whose time or holidays differ from Paris's (UAI prefix)."""


def territory_of(uai: str | None) -> Territory:
    """The territory of the school of UAI `uai` (metropolitan France for any other prefix)."""
    return _BY_PREFIX.get((uai or "")[:3], METROPOLE)


@functools.cache
def _holidays(area: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", subdiv=area, years=year).keys())
