"""`cosigne user add` and `cosigne token create`: staff accounts and API tokens."""

from __future__ import annotations

import sys
from typing import IO

import click

from service import context
from service.accounts import passwords
from service.accounts.add_user import add_user
from service.accounts.create_token import create_token
from service.cli.french import (
    CommandGroup,
    fail,
    one_of,
    required_text,
    school_of,
)
from service.errors import AlreadyExists, NotAllowed, NotFound
from signing.vocabulary import StaffRole

user_group = CommandGroup("user", help="Comptes du personnel.")


token_group = CommandGroup("token", help="Jetons de l'API.")


def _read_password(stream: IO[str]) -> str:
    line = stream.readline()
    password = line.rstrip("\r\n")
    try:
        passwords.check_new_password(password)
    except passwords.BadPassword as exc:
        fail(str(exc))
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
    login = passwords.normalize_login(email)
    if login is None:
        fail(f"adresse électronique incorrecte : {email!r}")
    first = required_text(first_name, "le prénom")
    last = required_text(last_name, "le nom")
    role = one_of(role, tuple(StaffRole), "rôle")
    password = _read_password(sys.stdin) if password_stdin else None
    ctx = context.current()
    school = school_of(ctx, school_uai)
    try:
        added = add_user(
            ctx,
            school_id=school.id,
            login=login,
            first_name=first,
            last_name=last,
            role=StaffRole(role),
            password=password,
        )
    except AlreadyExists as exc:
        fail(str(exc))
    user = added.user
    click.echo(f"Compte créé : {user.full_name} <{user.email}>, {role}, {school.uai}.")
    if added.password_link is not None:
        days = passwords.PASSWORD_LINK_MAX_AGE.days
        click.echo(f"Lien pour choisir le mot de passe (valable {days} jours, une seule fois) :")
        click.echo(added.password_link)


@token_group.command("create")
@click.option("--email", required=True, help="Courriel du compte.")
def token_create(email: str) -> None:
    """Créer un jeton pour l'API ; il est affiché seul sur la dernière ligne, une seule fois."""
    login = passwords.normalize_login(email)
    if login is None:
        fail(f"adresse électronique incorrecte : {email!r}")
    try:
        user, new = create_token(context.current(), login)
    except (NotFound, NotAllowed) as exc:
        fail(str(exc))
    click.echo(
        f"Jeton créé pour {user.full_name} <{login}> (préfixe {new.row.prefix}). "
        "Conservez-le : il ne sera plus affiché."
    )
    click.echo(new.secret)
