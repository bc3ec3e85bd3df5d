"""`cosigne db upgrade` and `cosigne school add`: a database and its first school."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from service import context, db, migrations
from service.accounts.add_school import add_school
from service.accounts.models import SCHOOL_STATUSES, School
from service.accounts.schools import school_identity
from service.accounts.update_school import update_school
from service.cli.french import (
    CommandGroup,
    email_address,
    fail,
    iso_date,
    one_of,
    optional_text,
    required_text,
    uai_code,
)
from service.errors import AlreadyExists, NotFound
from signing.data.identifiers import (
    is_french_phone,
)
from signing.data.school_identity import missing_identity

db_group = CommandGroup("db", help="Base de données.")


school_group = CommandGroup("school", help="Établissements.")


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Créer ou mettre à jour le schéma de la base (sans effet s'il est à jour)."""
    database = db.database()
    before = migrations.current_revision(database)
    migrations.upgrade(database)
    after = migrations.current_revision(database)
    if before == after:
        click.echo(f"Base de données déjà à jour (révision {after}).")
    else:
        click.echo(f"Base de données mise à jour : révision {before or 'vide'} → {after}.")


def _identity_options(command: Callable[..., None]) -> Callable[..., None]:
    """The options of a school's identity that `school add` and `school update` share."""
    for option in reversed(
        (
            click.option("--status", help="public ou private_contract (privé sous contrat)."),
            click.option("--email", help="Courriel de l'établissement."),
            click.option("--phone", help="Téléphone de l'établissement."),
            click.option("--head-title", help="Titre du chef d'établissement (Proviseure…)."),
            click.option(
                "--board-approval-date",
                help="Date de la délibération du conseil d'administration qui approuve la "
                "convention type (AAAA-MM-JJ), pour un établissement public.",
            ),
            click.option("--dpo-email", help="Courriel du délégué à la protection des données."),
        )
    ):
        command = option(command)
    return command


def _checked(options: dict[str, str | None]) -> dict[str, Any]:
    """The given options as a school's column values, each checked (a French line and exit
    code 2 for a bad one)."""
    checks: dict[str, Callable[[str], Any]] = {
        "name": lambda v: required_text(v, "le nom de l'établissement"),
        "address": lambda v: required_text(v, "l'adresse"),
        "head_first_name": lambda v: required_text(v, "le prénom du chef d'établissement"),
        "head_last_name": lambda v: required_text(v, "le nom du chef d'établissement"),
        "head_email": lambda v: email_address(v, "le courriel du chef d'établissement"),
        "status": lambda v: one_of(v, SCHOOL_STATUSES, "statut"),
        "email": lambda v: email_address(v, "le courriel de l'établissement"),
        "phone": _phone,
        "head_title": optional_text,
        "board_approval_date": lambda v: iso_date(v, "la date de la délibération"),
        "dpo_email": lambda v: email_address(v, "le courriel du délégué à la protection"),
    }
    return {name: checks[name](value) for name, value in options.items() if value is not None}


def _phone(value: str) -> str:
    phone = required_text(value, "le téléphone de l'établissement")
    if not is_french_phone(phone):
        fail(f"numéro de téléphone incorrect : {value!r}")
    return phone


@school_group.command("add")
@click.option("--uai", required=True, help="UAI de l'établissement, par exemple 0440021J.")
@click.option("--name", required=True, help="Nom de l'établissement.")
@click.option("--address", required=True, help="Adresse postale.")
@click.option("--head-first-name", required=True, help="Prénom du chef d'établissement.")
@click.option("--head-last-name", required=True, help="Nom du chef d'établissement.")
@click.option("--head-email", required=True, help="Courriel du chef d'établissement.")
@_identity_options
def school_add(*, uai: str, **options: str | None) -> None:
    """Enregistrer un établissement : son téléphone, son courriel et, pour un établissement
    public, la date de la délibération du conseil d'administration figurent dans les documents
    et sont demandés ici."""
    values = _checked({"status": "public", **{k: v for k, v in options.items() if v}})
    missing = [
        option
        for option, column in (("--phone", "phone"), ("--email", "email"))
        if column not in values
    ]
    if values["status"] == "public" and "board_approval_date" not in values:
        missing.append("--board-approval-date")
    if missing:
        fail(
            f"indiquez aussi {', '.join(missing)} : les documents les impriment (clause "
            "« Accident », données personnelles, délibération du conseil d'administration "
            "d'un établissement public)"
        )
    school = School(uai=uai_code(uai), **values)
    try:
        add_school(context.current(), school)
    except AlreadyExists as exc:
        fail(str(exc))
    click.echo(f"Établissement enregistré : {school.uai} {school.name} (n° {school.id}).")


@school_group.command("update")
@click.option("--uai", required=True, help="UAI de l'établissement à modifier.")
@click.option("--name", help="Nom de l'établissement.")
@click.option("--address", help="Adresse postale.")
@click.option("--head-first-name", help="Prénom du chef d'établissement.")
@click.option("--head-last-name", help="Nom du chef d'établissement.")
@click.option("--head-email", help="Courriel du chef d'établissement.")
@_identity_options
def school_update(*, uai: str, **options: str | None) -> None:
    """Compléter ou corriger l'identité d'un établissement (les documents déjà émis gardent
    celle avec laquelle ils ont été figés)."""
    values = _checked(options)
    if not values:
        fail("rien à modifier : indiquez au moins une option (--phone, --email…)")
    try:
        school = update_school(context.current(), uai_code(uai), values)
    except NotFound as exc:
        fail(str(exc))
    missing = missing_identity(school_identity(school))
    click.echo(f"Établissement modifié : {school.uai} {school.name}.")
    for issue in missing:
        click.echo(f"À compléter : {issue.message}")
