"""The French face of the `cosigne` commands: a refused argument is one French line and exit
code 2, before anything is written; and the checks the commands share on their arguments.

Other tools script these commands, so their names, options and outputs are a contract.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import IO, Any, NoReturn

import click
from flask.cli import AppGroup

from service.accounts.models import School
from service.accounts.schools import school_by_uai
from service.context import Context
from signing.data.identifiers import (
    is_uai_well_formed,
    is_valid_uai,
    normalize_email,
    normalize_uai,
    uai_key,
)

EXIT_BAD_INPUT = 2


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadArgument(click.ClickException):
    """A refused argument: shown as one French line, exit code 2."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Erreur : {self.message}", err=True)


class FrenchCommand(click.Command):
    """A command whose argument errors (missing or unknown option…) are one French line."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.MissingParameter as exc:
            raise BadArgument(f"l'option {_option_name(exc.param)} est obligatoire") from exc
        except click.NoSuchOption as exc:
            raise BadArgument(f"option inconnue : {exc.option_name}") from exc
        except click.BadOptionUsage as exc:
            raise BadArgument(f"l'option {exc.option_name} attend une valeur") from exc
        except click.UsageError as exc:
            raise BadArgument(f"arguments incorrects ({exc.format_message()})") from exc


def _option_name(param: click.Parameter | None) -> str:
    if param is None:
        return "demandée"
    return max(param.opts, key=len) if param.opts else str(param.name)


class CommandGroup(AppGroup):
    command_class = FrenchCommand


def fail(message: str) -> NoReturn:
    raise BadArgument(message)


def required_text(value: str, label: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        fail(f"{label} ne peut pas être vide")
    return cleaned


def optional_text(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.split())
    return cleaned or None


def email_address(value: str, label: str) -> str:
    normalized = normalize_email(value.strip())
    if normalized is None:
        fail(f"{label} n'est pas une adresse électronique valide : {value!r}")
    return normalized


def uai_code(value: str) -> str:
    uai = normalize_uai(value)
    if not is_uai_well_formed(uai):
        fail(f"UAI incorrect : {value!r} (7 chiffres suivis d'une lettre, par exemple 0440021J)")
    if not is_valid_uai(uai):
        fail(f"UAI incorrect : {uai} (la lettre clé de {uai[:7]} est {uai_key(uai[:7])})")
    return uai


def one_of(value: str, choices: Sequence[str], label: str) -> str:
    if value not in choices:
        fail(f"{label} inconnu : {value!r} (valeurs possibles : {', '.join(choices)})")
    return value


def iso_date(value: str | None, label: str) -> date | None:
    if value is None:
        return None
    text = value.strip()
    try:
        parsed = date.fromisoformat(text) if _DATE.fullmatch(text) else None
    except ValueError:  # 2026-02-30 has the right shape
        parsed = None
    if parsed is None:
        fail(f"{label} incorrecte : {value!r} (format AAAA-MM-JJ)")
    return parsed


def school_of(ctx: Context, uai_text: str) -> School:
    """The school of a UAI argument, or one French line saying to create it first."""
    uai = uai_code(uai_text)
    with ctx.db.new_session() as session:
        school = school_by_uai(session, uai)
    if school is None:
        fail(f"aucun établissement d'UAI {uai} : créez-le d'abord avec « cosigne school add »")
    return school
