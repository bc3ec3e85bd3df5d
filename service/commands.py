"""Bootstrap commands: `cosigne db upgrade`, `school add`, `user add`, `token create`.

Other tools script these, so their names, options and outputs are a contract. A bad argument
gives one French line on standard error and exit code 2, before anything is written.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import IO, Any, NoReturn

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service import accounts, db, events, migrations
from service.models import SCHOOL_STATUSES, USER_ROLES, Document, School, User, utcnow
from service.settings import Settings
from signing.identifiers import (
    is_french_phone,
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


db_group = CommandGroup("db", help="Base de données.")
school_group = CommandGroup("school", help="Établissements.")
user_group = CommandGroup("user", help="Comptes du personnel.")
token_group = CommandGroup("token", help="Jetons de l'API.")
audit_group = CommandGroup("audit", help="Piste d'audit des documents.")


def register_commands(cli: click.Group) -> None:
    """Add the bootstrap command groups to the `cosigne` command."""
    for group in (db_group, school_group, user_group, token_group, audit_group):
        cli.add_command(group)
    from service.worker import worker_command  # noqa: PLC0415 — service.worker imports this module

    cli.add_command(worker_command)
    from service.verify_command import verify_command  # noqa: PLC0415 — it imports this module

    cli.add_command(verify_command)


def _fail(message: str) -> NoReturn:
    raise BadArgument(message)


def _settings() -> Settings:
    settings: Settings = current_app.config["COSIGNE"]
    return settings


# db


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


# Checks shared by the commands. Each returns the clean value or stops with a French line.


def _required(value: str, label: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        _fail(f"{label} ne peut pas être vide")
    return cleaned


def _optional(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.split())
    return cleaned or None


def _email(value: str, label: str) -> str:
    normalized = normalize_email(value.strip())
    if normalized is None:
        _fail(f"{label} n'est pas une adresse électronique valide : {value!r}")
    return normalized


def _uai(value: str) -> str:
    uai = normalize_uai(value)
    if not is_uai_well_formed(uai):
        _fail(f"UAI incorrect : {value!r} (7 chiffres suivis d'une lettre, par exemple 0440021J)")
    if not is_valid_uai(uai):
        _fail(f"UAI incorrect : {uai} (la lettre clé de {uai[:7]} est {uai_key(uai[:7])})")
    return uai


def _choice(value: str, choices: Sequence[str], label: str) -> str:
    if value not in choices:
        _fail(f"{label} inconnu : {value!r} (valeurs possibles : {', '.join(choices)})")
    return value


def _iso_date(value: str | None, label: str) -> date | None:
    if value is None:
        return None
    text = value.strip()
    try:
        parsed = date.fromisoformat(text) if _DATE.fullmatch(text) else None
    except ValueError:  # 2026-02-30 has the right shape
        parsed = None
    if parsed is None:
        _fail(f"{label} incorrecte : {value!r} (format AAAA-MM-JJ)")
    return parsed


def _school(session: Session, uai_text: str) -> School:
    uai = _uai(uai_text)
    school = session.scalar(select(School).where(School.uai == uai))
    if school is None:
        _fail(f"aucun établissement d'UAI {uai} : créez-le d'abord avec « cosigne school add »")
    return school


def _flush(session: Session, conflict: Callable[[], str]) -> None:
    """Write the pending rows, turning a unique-constraint race (two commands at once) into the
    same French line as the check that came just before."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise BadArgument(conflict()) from exc


# school


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
        uai=_uai(uai),
        name=_required(name, "le nom de l'établissement"),
        address=_required(address, "l'adresse"),
        head_first_name=_required(head_first_name, "le prénom du chef d'établissement"),
        head_last_name=_required(head_last_name, "le nom du chef d'établissement"),
        head_email=_email(head_email, "le courriel du chef d'établissement"),
        status=_choice(status, SCHOOL_STATUSES, "statut"),
        email=_email(email, "le courriel de l'établissement") if email else None,
        phone=_optional(phone),
        head_title=_optional(head_title),
        board_approval_date=_iso_date(board_approval_date, "la date d'approbation"),
        created_at=utcnow(),
    )
    if school.phone and not is_french_phone(school.phone):
        _fail(f"numéro de téléphone incorrect : {phone!r}")
    duplicate = f"un établissement d'UAI {school.uai} existe déjà"
    with db.transaction() as session:
        if session.scalar(select(School.id).where(School.uai == school.uai)) is not None:
            _fail(duplicate)
        session.add(school)
        _flush(session, lambda: duplicate)
    click.echo(f"Établissement enregistré : {school.uai} {school.name} (n° {school.id}).")


# user


def _read_password(stream: IO[str]) -> str:
    line = stream.readline()
    password = line.rstrip("\r\n")
    try:
        accounts.check_new_password(password)
    except accounts.BadPassword as exc:
        _fail(str(exc))
    return password


@user_group.command("add")
@click.option("--email", required=True, help="Courriel, qui sert d'identifiant.")
@click.option("--first-name", required=True, help="Prénom.")
@click.option("--last-name", required=True, help="Nom.")
@click.option("--school", "school_uai", required=True, help="UAI de l'établissement.")
@click.option("--role", required=True, help="head, referent ou admin.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Lire le mot de passe sur la première ligne de l'entrée standard.",
)
def user_add(
    *,
    email: str,
    first_name: str,
    last_name: str,
    school_uai: str,
    role: str,
    password_stdin: bool,
) -> None:
    """Créer un compte du personnel. Sans --password-stdin, un lien à usage unique pour choisir
    le mot de passe est affiché."""
    login = accounts.normalize_login(email)
    if login is None:
        _fail(f"adresse électronique incorrecte : {email!r}")
    first = _required(first_name, "le prénom")
    last = _required(last_name, "le nom")
    role = _choice(role, USER_ROLES, "rôle")
    password = _read_password(sys.stdin) if password_stdin else None
    settings = _settings()
    duplicate = f"un compte existe déjà pour l'adresse {login}"
    with db.transaction() as session:
        school = _school(session, school_uai)
        if session.scalar(select(User.id).where(User.email == login)) is not None:
            _fail(duplicate)
        user = User(
            school=school,
            email=login,
            first_name=first,
            last_name=last,
            role=role,
            active=True,
            created_at=utcnow(),
        )
        if password is not None:
            accounts.set_password(user, password)
        session.add(user)
        _flush(session, lambda: duplicate)
        token = None
        if password is None:
            signer = accounts.password_link_signer(settings)
            token = accounts.start_password_reset(user, signer, now=utcnow())
    click.echo(f"Compte créé : {user.full_name} <{user.email}>, {role}, {school.uai}.")
    if token is not None:
        days = accounts.PASSWORD_LINK_MAX_AGE.days
        click.echo(f"Lien pour choisir le mot de passe (valable {days} jours, une seule fois) :")
        click.echo(accounts.password_link(settings, token))


# token


@token_group.command("create")
@click.option("--email", required=True, help="Courriel du compte.")
def token_create(email: str) -> None:
    """Créer un jeton pour l'API ; il est affiché seul sur la dernière ligne, une seule fois."""
    login = accounts.normalize_login(email)
    if login is None:
        _fail(f"adresse électronique incorrecte : {email!r}")
    with db.transaction() as session:
        user = session.scalar(select(User).where(User.email == login))
        if user is None:
            _fail(f"aucun compte pour l'adresse {login}")
        if not user.active:
            _fail(f"le compte {login} est désactivé")
        new = accounts.create_api_token(session, user, now=utcnow())
        session.flush()
    click.echo(
        f"Jeton créé pour {user.full_name} <{login}> (préfixe {new.row.prefix}). "
        "Conservez-le : il ne sera plus affiché."
    )
    click.echo(new.secret)


# audit


@audit_group.command("verify")
@click.argument("document_id", type=int)
def audit_verify(document_id: int) -> None:
    """Vérifier que la piste d'audit d'un document est intacte (code 1 sinon)."""
    database = db.database()
    try:
        with database.new_session() as session:
            document = session.get(Document, document_id)
            if document is None:
                _fail(f"aucun document n° {document_id}")
            trail = list(document.events)
            breaks = events.check_chain(trail, document.last_event_hash)
    finally:
        database.dispose()
    if breaks:
        for line in breaks:
            click.echo(f"Rompue : {line}", err=True)
        raise SystemExit(1)
    click.echo(f"Piste d'audit du document n° {document_id} intacte : {len(trail)} événements.")
