"""The rules that span several fields of a document (domain README §1.4, §2.2, §6).

Each rule is a pure function of the data and of the reference date (the issue date). The data has
passed its field checks: dates are ISO strings, schedule ranges ``"HH:MM-HH:MM"``, and a field is
None when absent or when it failed its own check, so a rule judges only what it can read. A rule
yields findings: errors block the document, warnings only inform.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from signing.ages import age_on, needs_guardian
from signing.errors import FieldIssue
from signing.french import DAYS, format_date_fr, format_duration_fr, format_time_fr, parse_range
from signing.french import presence_days as presence_by_day

Data = Mapping[str, Any]


@dataclass(frozen=True)
class Finding:
    """One problem found by a rule. `about` lists the fields it was judged from: when one of them
    already failed its own check, the finding is moot and the schema drops it."""

    issue: FieldIssue
    blocking: bool
    about: tuple[str, ...] = ()


def _error(field: str, message: str, *about: str) -> Finding:
    return Finding(FieldIssue(field, message), blocking=True, about=(field, *about))


def _warning(field: str, message: str, *about: str) -> Finding:
    return Finding(FieldIssue(field, message), blocking=False, about=(field, *about))


Rule = Callable[[Data, date], Iterator[Finding]]


def check(kind: str, data: Data, today: date) -> tuple[Finding, ...]:
    """Every finding of the rules of `kind` (``parcours`` or ``convention``) on checked data."""
    kind_rules = _KIND_RULES.get(kind, ())
    return tuple(finding for rule in (*_COMMON_RULES, *kind_rules) for finding in rule(data, today))


# ---------------------------------------------------------------------------------------------
# Reading checked data


_DAYS = {key: label.lower() for key, label in DAYS}
"""Schedule keys, Monday first, with the day's name as it reads inside a sentence."""


def _date(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def _object(value: object) -> Data:
    return value if isinstance(value, Mapping) else {}


def _birth(data: Data) -> date | None:
    return _date(_object(data.get("pupil")).get("birth_date"))


# No contract nor internship runs this long; a longer period is a typo (2207 for 2027), and
# judging it would mean walking through centuries of days.
MAX_PERIOD_DAYS = 3 * 366


def _period(data: Data) -> tuple[date, date] | None:
    """(start, end) when both are known and make a plausible period."""
    start, end = _date(data.get("start_date")), _date(data.get("end_date"))
    if start and end and start <= end and (end - start).days <= MAX_PERIOD_DAYS:
        return start, end
    return None


def _period_text(period: tuple[date, date]) -> str:
    return f"du {format_date_fr(period[0])} au {format_date_fr(period[1])}"


def _age_at_start(data: Data) -> int | None:
    birth, start = _birth(data), _date(data.get("start_date"))
    return age_on(birth, start) if birth and start and birth <= start else None


def _guardians_sign(data: Data, today: date) -> bool:
    """True unless the pupil is known to be of age or emancipated on `today`."""
    birth = _birth(data)
    emancipated = _object(data.get("pupil")).get("emancipated") is True
    return birth is None or needs_guardian(birth, emancipated, today)


def _signing_guardians(data: Data) -> list[tuple[int, Data]]:
    guardians = data.get("guardians") or []
    return [
        (index, g)
        for index, g in enumerate(guardians)
        if isinstance(g, Mapping) and g.get("signs") is not False
    ]


# ---------------------------------------------------------------------------------------------
# Both kinds


def period_order(data: Data, today: date) -> Iterator[Finding]:
    """The end date is not before the start date, nor more than three years after it."""
    start, end = _date(data.get("start_date")), _date(data.get("end_date"))
    if start and end and end < start:
        yield _error(
            "end_date",
            f"La date de fin ({format_date_fr(end)}) est antérieure à la date "
            f"de début ({format_date_fr(start)}).",
            "start_date",
        )
    elif start and end and (end - start).days > MAX_PERIOD_DAYS:
        yield _error(
            "end_date",
            f"La période du {format_date_fr(start)} au {format_date_fr(end)} dépasse trois ans : "
            "vérifiez les dates.",
            "start_date",
        )


def pupil_age(data: Data, today: date) -> Iterator[Finding]:
    """The birth date is not in the future and gives an age of 10 to 25 on `today`."""
    birth = _birth(data)
    if birth is None:
        return
    if birth > today:
        yield _error(
            "pupil.birth_date", f"La date de naissance ({format_date_fr(birth)}) est dans le futur."
        )
        return
    age = age_on(birth, today)
    if not 10 <= age <= 25:
        yield _error(
            "pupil.birth_date",
            f"L'élève aurait {age} ans le {format_date_fr(today)} : vérifiez la date de "
            "naissance (un âge de 10 à 25 ans est attendu).",
        )


def emancipation_age(data: Data, today: date) -> Iterator[Finding]:
    """Only a minor of 16 or more can be emancipated (Code civil, art. 413-2)."""
    birth = _birth(data)
    if birth and birth <= today and _object(data.get("pupil")).get("emancipated") is True:
        age = age_on(birth, today)
        if age < 16:
            yield _error(
                "pupil.emancipated",
                f"Un mineur ne peut être émancipé qu'à partir de 16 ans ; l'élève a {age} ans.",
                "pupil.birth_date",
            )


def guardian_signature(data: Data, today: date) -> Iterator[Finding]:
    """A non-emancipated minor needs a signing guardian; a signing guardian needs an email."""
    birth = _birth(data)
    if birth is None or birth > today or not _guardians_sign(data, today):
        return
    signing = _signing_guardians(data)
    if not signing:
        yield _error(
            "guardians",
            f"L'élève est mineur ({age_on(birth, today)} ans le {format_date_fr(today)}) "
            "et non émancipé : au moins un représentant légal doit signer, avec son "
            "courriel.",
            "pupil.birth_date",
            "pupil.emancipated",
        )
    for index, guardian in signing:
        if not guardian.get("email"):
            yield _error(
                f"guardians[{index}].email",
                f"Le représentant légal n° {index + 1} signe le document : son courriel "
                "est obligatoire pour lui envoyer le lien de signature.",
            )


def _signer_emails(data: Data, today: date) -> Iterator[tuple[str, str, str]]:
    """(path, "of whom" in French, email) of every signer whose email is known."""
    pupil = _object(data.get("pupil"))
    yield "pupil.email", "de l'élève", pupil.get("email") or ""
    if _guardians_sign(data, today):
        for index, guardian in _signing_guardians(data):
            yield (
                f"guardians[{index}].email",
                f"du représentant légal n° {index + 1}",
                guardian.get("email") or "",
            )
    yield "referent.email", "du référent", _object(data.get("referent")).get("email") or ""
    host = _object(data.get("host"))
    yield (
        "host.representative.email",
        "du représentant de l'organisme d'accueil",
        _object(host.get("representative")).get("email") or "",
    )
    yield "host.tutor.email", "du tuteur", _object(host.get("tutor")).get("email") or ""


def distinct_emails(data: Data, today: date) -> Iterator[Finding]:
    """Each signer has an email of their own; two guardians may share one (warning)."""
    seen: dict[str, tuple[str, str]] = {}
    for path, of_whom, email in _signer_emails(data, today):
        if not email:
            continue
        first = seen.setdefault(email.casefold(), (path, of_whom))
        if first[0] == path:
            continue
        if path.startswith("guardians[") and first[0].startswith("guardians["):
            yield _warning(
                path,
                "Les deux représentants légaux ont le même courriel : chacun "
                "recevra son propre lien de signature à cette adresse.",
                first[0],
            )
        else:
            yield _error(
                path,
                f"Ce courriel est déjà celui {first[1]} : chaque signataire doit "
                "avoir sa propre adresse électronique.",
                first[0],
            )


# ---------------------------------------------------------------------------------------------
# Contrat de parcours individualisé


def _outside(day: date, period: tuple[date, date]) -> bool:
    return not period[0] <= day <= period[1]


def parcours_dates(data: Data, today: date) -> Iterator[Finding]:
    """Objectives' deadlines, reviews and the final review fall within the contract's period."""
    period = _period(data)
    if period is None:
        return
    inside = f"pendant le contrat ({_period_text(period)})"
    for index, objective in enumerate(data.get("objectives") or []):
        deadline = _date(_object(objective).get("deadline"))
        if deadline is not None and _outside(deadline, period):
            yield _error(
                f"objectives[{index}].deadline",
                f"L'échéance de l'objectif n° {index + 1} ({format_date_fr(deadline)}) "
                f"doit tomber {inside}.",
            )
    for index, value in enumerate(data.get("reviews") or []):
        review = _date(value)
        if review is not None and _outside(review, period):
            yield _error(
                f"reviews[{index}]",
                f"Le bilan intermédiaire n° {index + 1} ({format_date_fr(review)}) doit "
                f"avoir lieu {inside}.",
            )
    final = _date(data.get("final_review"))
    if final is not None and _outside(final, period):
        yield _error(
            "final_review", f"Le bilan final ({format_date_fr(final)}) doit avoir lieu {inside}."
        )


def pafi_limits(data: Data, today: date) -> Iterator[Finding]:
    """A PAFI is for pupils of 15 or more (warning) and lasts one year at most."""
    if data.get("scheme") != "pafi":
        return
    age = _age_at_start(data)
    if age is not None and age < 15:
        yield _warning(
            "scheme",
            f"Le PAFI s'adresse aux élèves d'au moins 15 ans ; l'élève "
            f"aura {age} ans au début du parcours.",
            "pupil.birth_date",
            "start_date",
        )
    period = _period(data)
    if period is not None and (period[1] - period[0]).days > 365:
        yield _error(
            "end_date",
            f"Un PAFI dure au plus un an : la période va {_period_text(period)}.",
            "start_date",
        )


# ---------------------------------------------------------------------------------------------
# Convention de stage


OBSERVATION = frozenset({"observation_college", "observation_seconde"})
PAID_WHEN_LONG = frozenset({"pfmp", "stage_parcours"})
# Code de l'éducation D.124-6: 7 hours of presence make a day, 22 days a month.
_MINUTES_PER_DAY = 7 * 60
_DAYS_IN_TWO_MONTHS = 44


def site_visit_in_period(data: Data, today: date) -> Iterator[Finding]:
    """The school's visit of the internship site happens during the internship."""
    period, visit = _period(data), _date(data.get("site_visit_date"))
    if period is not None and visit is not None and _outside(visit, period):
        yield _error(
            "site_visit_date",
            f"La visite du lieu de stage ({format_date_fr(visit)}) doit avoir lieu pendant "
            f"le stage ({_period_text(period)}).",
        )


def siret_or_reason(data: Data, today: date) -> Iterator[Finding]:
    """A host without a SIRET says why (foreign host, body without SIRET…)."""
    host = data.get("host")
    if isinstance(host, Mapping) and not host.get("siret") and not host.get("siret_missing_reason"):
        yield _error(
            "host.siret_missing_reason",
            "Sans n° SIRET, indiquez pourquoi l'organisme d'accueil n'en a pas "
            "(organisme étranger, organisme sans SIRET…).",
            "host.siret",
        )


def start_not_passed(data: Data, today: date) -> Iterator[Finding]:
    """Warn when the internship has already started: it must be signed before it starts."""
    start = _date(data.get("start_date"))
    if start is not None and start < today:
        yield _warning(
            "start_date",
            f"La date de début ({format_date_fr(start)}) est passée : la "
            "convention doit être signée avant le début du stage.",
        )


def young_pupil_host(data: Data, today: date) -> Iterator[Finding]:
    """Under 14 at the start, only a public body or a family business may host the pupil."""
    age = _age_at_start(data)
    kind = _object(data.get("host")).get("kind")
    if age is not None and age < 14 and kind in {"private", "association"}:
        yield _error(
            "host.kind",
            f"L'élève aura {age} ans au début du stage : avant 14 ans, seul un organisme "
            "public (administration, établissement public, collectivité) ou un "
            "établissement familial peut l'accueillir.",
            "pupil.birth_date",
            "start_date",
        )


def observation_unpaid(data: Data, today: date) -> Iterator[Finding]:
    """An observation sequence gives no pay nor gratification (warning when one is entered)."""
    if data.get("internship_type") in OBSERVATION and data.get("gratification"):
        yield _warning(
            "gratification",
            "Une séquence d'observation ne donne lieu à aucune rémunération ni gratification.",
        )


def presence_days(data: Data) -> int | None:
    """Days of presence over the whole period, 7 hours making a day (Code de l'éducation,
    D.124-6), public holidays left out. None when the period or the schedule is unknown."""
    period, schedule = _period(data), data.get("schedule")
    if period is None or not isinstance(schedule, Mapping):
        return None
    total = sum(minutes for _, minutes in presence_by_day(schedule, *period))
    return total // _MINUTES_PER_DAY


def gratification_when_long(data: Data, today: date) -> Iterator[Finding]:
    """A PFMP or parcours internship of more than two months of presence is paid."""
    if data.get("internship_type") not in PAID_WHEN_LONG or data.get("gratification"):
        return
    days = presence_days(data)
    if days is not None and days > _DAYS_IN_TWO_MONTHS:
        yield _error(
            "gratification",
            f"Le stage compte {days} jours de présence (7 h de présence valant un jour), "
            "soit plus de deux mois : la gratification est obligatoire (montant et "
            "modalités de versement).",
            "schedule",
            "start_date",
            "end_date",
        )


def pfmp_diploma(data: Data, today: date) -> Iterator[Finding]:
    """A PFMP names the diploma prepared."""
    if data.get("internship_type") == "pfmp" and not data.get("diploma"):
        yield _error(
            "diploma", "Pour une PFMP, indiquez le diplôme préparé et l'intitulé de la formation."
        )


# ---------------------------------------------------------------------------------------------
# Hours of presence (convention `schedule`), judged on the pupil's age at the start


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
    week, age = _week(data), _age_at_start(data)
    if week is None or age is None or not week["sunday"]:
        return
    if age < 18:
        yield _error(
            "schedule.sunday",
            "Un élève mineur ne peut pas être présent le dimanche.",
            "pupil.birth_date",
            "start_date",
        )
    else:
        yield _warning(
            "schedule.sunday",
            "Présence prévue le dimanche : vérifiez que l'organisme d'accueil y est autorisé.",
        )


def minor_hours(data: Data, today: date) -> Iterator[Finding]:
    """Daily and weekly caps, night, breaks and rests for a pupil under 18 at the start."""
    week, age = _week(data), _age_at_start(data)
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
        yield _error(
            path,
            f"{format_duration_fr(total)} de présence le {name} : au plus "
            f"{format_duration_fr(limits.per_day)} par jour {limits.label}.",
        )
    for index, (start, end) in enumerate(spans):
        if start < _NIGHT_ENDS or end > limits.night_starts:
            yield _error(
                f"{path}[{index}]",
                f"Le {name}, la plage {_span_text((start, end))} empiète sur la nuit : "
                f"pas de présence entre {format_time_fr(limits.night_starts)} et "
                f"{format_time_fr(_NIGHT_ENDS)} {limits.label}.",
            )
    if any(block > _MAX_BLOCK for block in _blocks(spans)):
        yield _error(
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
                yield _error(
                    f"schedule.{following}",
                    f"{format_duration_fr(rest)} de repos seulement entre le {_DAYS[day]} "
                    f"et le {_DAYS[following]} : au moins "
                    f"{format_duration_fr(limits.daily_rest)} consécutives {limits.label}.",
                )


def _week_limits(week: Mapping[str, list[Span]], age: int) -> Iterator[Finding]:
    total = sum(end - start for spans in week.values() for start, end in spans)
    if total > _MAX_WEEK:
        yield _error(
            "schedule",
            f"{format_duration_fr(total)} de présence par semaine : au plus "
            f"{format_duration_fr(_MAX_WEEK)} pour un élève mineur.",
        )
    elif age < 15 and total > _MAX_WEEK_UNDER_15:
        yield _warning(
            "schedule",
            f"{format_duration_fr(total)} de présence par semaine : pour un "
            "élève de moins de 15 ans, 30 h au plus sont recommandées.",
        )
    worked = [bool(week[day]) for day in _DAYS]
    if not any(not worked[i] and not worked[(i + 1) % 7] for i in range(7)):
        yield _warning(
            "schedule",
            "La semaine ne laisse pas deux jours de repos consécutifs, dus à un élève mineur.",
        )


def _span_text(span: Span) -> str:
    (h1, m1), (h2, m2) = divmod(span[0], 60), divmod(span[1], 60)
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


_COMMON_RULES: tuple[Rule, ...] = (
    period_order,
    pupil_age,
    emancipation_age,
    guardian_signature,
    distinct_emails,
)
_KIND_RULES: Mapping[str, tuple[Rule, ...]] = {
    "parcours": (parcours_dates, pafi_limits),
    "convention": (
        start_not_passed,
        site_visit_in_period,
        siret_or_reason,
        young_pupil_host,
        pfmp_diploma,
        observation_unpaid,
        gratification_when_long,
        sunday_presence,
        minor_hours,
    ),
}
