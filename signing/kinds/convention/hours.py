"""The hours of presence of a convention (its `schedule`), judged on the pupil's age at the start:
young workers' limits of the Code du travail (domain README §1.4)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from signing.data.french import DAYS, format_duration_fr, format_time_fr, parse_range
from signing.data.rules import Data, Finding, age_at_start, error, warning

_DAYS = {key: label.lower() for key, label in DAYS}
"""Schedule keys, Monday first, with the day's name as it reads inside a sentence."""

Span = tuple[int, int]  # minutes since midnight, start < end


def _week(data: Data) -> dict[str, list[Span]] | None:
    schedule = data.get("schedule")
    if not isinstance(schedule, Mapping):
        return None
    return {day: [parse_range(r) for r in schedule.get(day) or []] for day in _DAYS}


@dataclass(frozen=True)
class _Limits:
    """Young workers' limits for one age (domain README §1.4)."""

    per_day: int
    night_starts: int
    daily_rest: int
    label: str

    @classmethod
    def for_age(cls, age: int) -> _Limits:
        if age < 16:
            return cls(7 * 60, 20 * 60, 14 * 60, "avant 16 ans")
        return cls(8 * 60, 22 * 60, 12 * 60, "à 16 et 17 ans")


_NIGHT_ENDS = 6 * 60


_MAX_BLOCK = 4 * 60 + 30


_MIN_BREAK = 30


_MAX_WEEK = 35 * 60


_MAX_WEEK_UNDER_15 = 30 * 60


def _blocks(spans: Sequence[Span]) -> Iterator[int]:
    """Presence minutes of each stretch not interrupted by a break of 30 minutes or more."""
    block, last_end = 0, None
    for start, end in sorted(spans):
        if last_end is not None and start - last_end >= _MIN_BREAK:
            yield block
            block = 0
        block += end - start
        last_end = end
    if last_end is not None:
        yield block


def sunday_presence(data: Data, today: date) -> Iterator[Finding]:
    """No presence on Sunday for a minor; a warning for an adult."""
    week, age = _week(data), age_at_start(data)
    if week is None or age is None or not week["sunday"]:
        return
    if age < 18:
        yield error(
            "schedule.sunday",
            "Un élève mineur ne peut pas être présent le dimanche.",
            "pupil.birth_date",
            "start_date",
        )
    else:
        yield warning(
            "schedule.sunday",
            "Présence prévue le dimanche : vérifiez que l'organisme d'accueil y est autorisé.",
        )


def minor_hours(data: Data, today: date) -> Iterator[Finding]:
    """Daily and weekly caps, night, breaks and rests for a pupil under 18 at the start."""
    week, age = _week(data), age_at_start(data)
    if week is None or age is None or age >= 18:
        return
    limits = _Limits.for_age(age)
    for day, spans in week.items():
        yield from _day_limits(day, spans, limits)
    yield from _rest_between_days(week, limits)
    yield from _week_limits(week, age)


def _day_limits(day: str, spans: list[Span], limits: _Limits) -> Iterator[Finding]:
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
    if any(block > _MAX_BLOCK for block in _blocks(spans)):
        yield error(
            path,
            f"Le {name}, plus de 4 h 30 de présence sans pause : une pause d'au "
            "moins 30 minutes est obligatoire au-delà de 4 h 30.",
        )


def _rest_between_days(week: Mapping[str, list[Span]], limits: _Limits) -> Iterator[Finding]:
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


def _week_limits(week: Mapping[str, list[Span]], age: int) -> Iterator[Finding]:
    total = sum(end - start for spans in week.values() for start, end in spans)
    if total > _MAX_WEEK:
        yield error(
            "schedule",
            f"{format_duration_fr(total)} de présence par semaine : au plus "
            f"{format_duration_fr(_MAX_WEEK)} pour un élève mineur.",
        )
    elif age < 15 and total > _MAX_WEEK_UNDER_15:
        yield warning(
            "schedule",
            f"{format_duration_fr(total)} de présence par semaine : pour un "
            "élève de moins de 15 ans, 30 h au plus sont recommandées.",
        )
    worked = [bool(week[day]) for day in _DAYS]
    if not any(not worked[i] and not worked[(i + 1) % 7] for i in range(7)):
        yield warning(
            "schedule",
            "La semaine ne laisse pas deux jours de repos consécutifs, dus à un élève mineur.",
        )


def _span_text(span: Span) -> str:
    (h1, m1), (h2, m2) = divmod(span[0], 60), divmod(span[1], 60)
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"
