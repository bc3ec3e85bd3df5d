"""The hours of presence of a convention (its `schedule`), judged on the pupil's age on the first
day of the period (`signing.data.ages`): young workers' limits of the Code du travail for a minor
(domain README §1.4), the employees' limits for an adult, and never beyond the host's own working
week (Code de l'éducation L.124-14: a trainee's presence follows the employees' rules)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from signing.data.french import DAYS, format_duration_fr, format_time_fr, parse_range
from signing.data.rules import Checking, Data, Finding, age_at_reference, error, warning

_DAYS = {key: label.lower() for key, label in DAYS}
"""Schedule keys, Monday first, with the day's name as it reads inside a sentence."""

Span = tuple[int, int]  # minutes since midnight, start < end


def _week(data: Data) -> dict[str, list[Span]] | None:
    schedule = data.get("schedule")
    if not isinstance(schedule, Mapping):
        return None
    return {day: [parse_range(r) for r in schedule.get(day) or []] for day in _DAYS}


@dataclass(frozen=True)
class Limits:
    """The limits of presence for one age, each with the article it follows."""

    per_day: int
    """Under 16 and 16–17: 7 h, 8 h (C. trav. L.3162-1); adult: 10 h (L.3121-18)."""
    per_week: int
    """Minor: 35 h (L.3162-1); adult: 48 h (L.3121-20)."""
    night_starts: int
    """Minor: no presence from 20 h (under 16) or 22 h (L.3163-1 [numbering À VÉRIFIER]);
    adult: 21 h, the night of L.3122-2 (the convention states no night presence)."""
    daily_rest: int
    """Under 16: 14 h, 16–17: 12 h (L.3164-1); adult: 11 h (L.3131-1)."""
    longest_stretch: int
    """Minor: a 30-minute break once 4 h 30 is reached (L.3162-3); adult: 20 minutes once 6 h
    is reached (L.3121-16)."""
    least_break: int
    rest_days: int
    """Consecutive days without presence each week: a minor's two (L.3164-2); an adult's one
    (L.3132-1: no more than six days a week)."""
    label: str

    @classmethod
    def for_age(cls, age: int) -> Limits:
        if age < 16:
            return cls(7 * 60, 35 * 60, 20 * 60, 14 * 60, 270, 30, 2, "avant 16 ans")
        if age < 18:
            return cls(8 * 60, 35 * 60, 22 * 60, 12 * 60, 270, 30, 2, "à 16 et 17 ans")
        return cls(10 * 60, 48 * 60, 21 * 60, 11 * 60, 360, 20, 1, "pour un élève majeur")


_NIGHT_ENDS = 6 * 60


_MAX_WEEK_UNDER_15 = 30 * 60


def _blocks(spans: Sequence[Span], least_break: int) -> Iterator[int]:
    """Presence minutes of each stretch not interrupted by a break of `least_break` or more."""
    block, last_end = 0, None
    for start, end in sorted(spans):
        if last_end is not None and start - last_end >= least_break:
            yield block
            block = 0
        block += end - start
        last_end = end
    if last_end is not None:
        yield block


def sunday_presence(data: Data, at: Checking) -> Iterator[Finding]:
    """No presence on a Sunday, whatever the age: the convention says so (D.124-4, 6°; C. trav.
    L.3132-3 and, for a minor, L.3164-2)."""
    week = _week(data)
    if week is not None and week["sunday"]:
        yield error(
            "schedule.sunday",
            "Pas de présence le dimanche : retirez les horaires de ce jour.",
        )


def presence_limits(data: Data, at: Checking) -> Iterator[Finding]:
    """Daily and weekly caps, night, breaks and rests for the pupil's age on the first day, and
    the host's own working week."""
    week, age = _week(data), age_at_reference(data, at.today)
    if week is None or age is None:
        return
    limits = Limits.for_age(age)
    for day, spans in week.items():
        yield from _day_limits(day, spans, limits)
    yield from _rest_between_days(week, limits)
    yield from _week_limits(week, age, limits)
    yield from _host_week(data, week)


def _day_limits(day: str, spans: list[Span], limits: Limits) -> Iterator[Finding]:
    path, name = f"schedule.{day}", _DAYS[day]
    total = sum(end - start for start, end in spans)
    if total > limits.per_day:
        yield error(
            path,
            f"{format_duration_fr(total)} de présence le {name} : au plus "
            f"{format_duration_fr(limits.per_day)} par jour {limits.label}.",
        )
    for index, (start, end) in enumerate(spans):
        if start < _NIGHT_ENDS or end > limits.night_starts:
            yield error(
                f"{path}[{index}]",
                f"Le {name}, la plage {_span_text((start, end))} empiète sur la nuit : "
                f"pas de présence entre {format_time_fr(limits.night_starts)} et "
                f"{format_time_fr(_NIGHT_ENDS)} {limits.label}.",
            )
    stretch = format_duration_fr(limits.longest_stretch)
    if any(block > limits.longest_stretch for block in _blocks(spans, limits.least_break)):
        yield error(
            path,
            f"Le {name}, plus de {stretch} de présence sans pause : une pause d'au moins "
            f"{limits.least_break} minutes est obligatoire au-delà de {stretch} {limits.label}.",
        )


def _rest_between_days(week: Mapping[str, list[Span]], limits: Limits) -> Iterator[Finding]:
    days = list(_DAYS)
    for day, following in zip(days, days[1:] + days[:1], strict=True):
        if week[day] and week[following]:
            rest = 24 * 60 - max(end for _, end in week[day]) + min(s for s, _ in week[following])
            if rest < limits.daily_rest:
                yield error(
                    f"schedule.{following}",
                    f"{format_duration_fr(rest)} de repos seulement entre le {_DAYS[day]} "
                    f"et le {_DAYS[following]} : au moins "
                    f"{format_duration_fr(limits.daily_rest)} consécutives {limits.label}.",
                )


def _week_limits(week: Mapping[str, list[Span]], age: int, limits: Limits) -> Iterator[Finding]:
    total = sum(end - start for spans in week.values() for start, end in spans)
    if total > limits.per_week:
        yield error(
            "schedule",
            f"{format_duration_fr(total)} de présence par semaine : au plus "
            f"{format_duration_fr(limits.per_week)} {limits.label}.",
        )
    elif age < 15 and total > _MAX_WEEK_UNDER_15:
        yield warning(
            "schedule",
            f"{format_duration_fr(total)} de présence par semaine : pour un "
            "élève de moins de 15 ans, 30 h au plus sont recommandées.",
        )
    worked = [bool(week[day]) for day in _DAYS]
    span = limits.rest_days
    if not any(not any(worked[(i + k) % 7] for k in range(span)) for i in range(7)):
        yield error(
            "schedule",
            "La semaine ne laisse pas deux jours de repos consécutifs, dus à un élève mineur."
            if span == 2
            else "La semaine ne laisse aucun jour de repos : six jours de présence au plus.",
        )


def _host_week(data: Data, week: Mapping[str, list[Span]]) -> Iterator[Finding]:
    """Never more than the host's employees' working week, when it is given (L.124-14)."""
    host = data.get("host")
    hours = host.get("weekly_hours") if isinstance(host, Mapping) else None
    total = sum(end - start for spans in week.values() for start, end in spans)
    if isinstance(hours, int) and total > hours * 60:
        yield error(
            "schedule",
            f"{format_duration_fr(total)} de présence par semaine : pas plus que la durée de "
            f"travail des salariés de l'organisme d'accueil ({hours} h, article L.124-14 du "
            "code de l'éducation).",
            "host.weekly_hours",
        )


def _span_text(span: Span) -> str:
    (h1, m1), (h2, m2) = divmod(span[0], 60), divmod(span[1], 60)
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"
