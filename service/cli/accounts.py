"""`cosigne user add` and `cosigne token create`: staff accounts and API tokens."""

from __future__ import annotations

import sys
from typing import IO

import click
from sqlalchemy import select

from service import db
from service.accounts import api_tokens, passwords
from service.accounts.models import User
from service.cli.french import (
    CommandGroup,
    app_settings,
    fail,
    flush,
    one_of,
    required_text,
    school_of,
)
from service.orm import utcnow
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
    settings = app_settings()
    duplicate = f"un compte existe déjà pour l'adresse {login}"
    with db.transaction() as session:
        school = school_of(session, school_uai)
        if session.scalar(select(User.id).where(User.email == login)) is not None:
            fail(duplicate)
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
            passwords.set_password(user, password)
        session.add(user)
        flush(session, lambda: duplicate)
        token = None
        if password is None:
            signer = passwords.password_link_signer(settings)
            token = passwords.start_password_reset(user, signer, now=utcnow())
    click.echo(f"Compte créé : {user.full_name} <{user.email}>, {role}, {school.uai}.")
    if token is not None:
        days = passwords.PASSWORD_LINK_MAX_AGE.days
        click.echo(f"Lien pour choisir le mot de passe (valable {days} jours, une seule fois) :")
        click.echo(passwords.password_link(settings, token))


@token_group.command("create")
@click.option("--email", required=True, help="Courriel du compte.")
def token_create(email: str) -> None:
    """Créer un jeton pour l'API ; il est affiché seul sur la dernière ligne, une seule fois."""
    login = passwords.normalize_login(email)
    if login is None:
        fail(f"adresse électronique incorrecte : {email!r}")
    with db.transaction() as session:
        user = session.scalar(select(User).where(User.email == login))
        if user is None:
            fail(f"aucun compte pour l'adresse {login}")
        if not user.active:
            fail(f"le compte {login} est désactivé")
        new = api_tokens.create_api_token(session, user, now=utcnow())
        session.flush()
    click.echo(
        f"Jeton créé pour {user.full_name} <{login}> (préfixe {new.row.prefix}). "
        "Conservez-le : il ne sera plus affiché."
    )
    click.echo(new.secret)
