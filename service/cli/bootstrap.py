"""`cosigne db upgrade` and `cosigne school add`: a database and its first school."""

from __future__ import annotations

import click

from service import context, db, migrations
from service.accounts.add_school import add_school
from service.accounts.models import SCHOOL_STATUSES, School
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
from service.errors import AlreadyExists
from signing.data.identifiers import (
    is_french_phone,
)

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


@school_group.command("add")
@click.option("--uai", required=True, help="UAI de l'établissement, par exemple 0440021J.")
@click.option("--name", required=True, help="Nom de l'établissement.")
@click.option("--address", required=True, help="Adresse postale.")
@click.option("--head-first-name", required=True, help="Prénom du chef d'établissement.")
@click.option("--head-last-name", required=True, help="Nom du chef d'établissement.")
@click.option("--head-email", required=True, help="Courriel du chef d'établissement.")
@click.option(
    "--status",
    default="public",
    show_default=True,
    help="public ou private_contract (privé sous contrat).",
)
@click.option("--email", help="Courriel de l'établissement.")
@click.option("--phone", help="Téléphone de l'établissement.")
@click.option("--head-title", help="Titre du chef d'établissement (Proviseure, Principal…).")
@click.option("--board-approval-date", help="Date d'approbation par le conseil (AAAA-MM-JJ).")
def school_add(
    *,
    uai: str,
    name: str,
    address: str,
    head_first_name: str,
    head_last_name: str,
    head_email: str,
    status: str,
    email: str | None,
    phone: str | None,
    head_title: str | None,
    board_approval_date: str | None,
) -> None:
    """Enregistrer un établissement."""
    school = School(
        uai=uai_code(uai),
        name=required_text(name, "le nom de l'établissement"),
        address=required_text(address, "l'adresse"),
        head_first_name=required_text(head_first_name, "le prénom du chef d'établissement"),
        head_last_name=required_text(head_last_name, "le nom du chef d'établissement"),
        head_email=email_address(head_email, "le courriel du chef d'établissement"),
        status=one_of(status, SCHOOL_STATUSES, "statut"),
        email=email_address(email, "le courriel de l'établissement") if email else None,
        phone=optional_text(phone),
        head_title=optional_text(head_title),
        board_approval_date=iso_date(board_approval_date, "la date d'approbation"),
    )
    if school.phone and not is_french_phone(school.phone):
        fail(f"numéro de téléphone incorrect : {phone!r}")
    try:
        add_school(context.current(), school)
    except AlreadyExists as exc:
        fail(str(exc))
    click.echo(f"Établissement enregistré : {school.uai} {school.name} (n° {school.id}).")
