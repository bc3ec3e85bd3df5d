"""A newcomer's first minute: `cosigne demo`.

It creates a demo school (the example school of ``signing/data/example_school.json``), its
head's account with a random password, and sample documents in several states: a pathway
contract awaiting signatures, its internship agreement signed by everyone and finalized (sealed,
archived), one cancelled, one draft. It does nothing if the school exists, and prints the address
and the credentials each time. The password is random and kept in the data folder (mode 0600,
like the development secret key) so it can be printed again; it is never in the repository.
Issuing needs LibreOffice; without it, the documents stay drafts and a warning says why.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from service import context
from service.accounts import passwords
from service.accounts.add_school import add_school
from service.accounts.add_user import add_user
from service.accounts.change_password import change_password
from service.accounts.models import School, User
from service.accounts.schools import school_by_uai
from service.cli.french import BadArgument, FrenchCommand
from service.context import Origin
from service.documents.cancel import cancel_document
from service.documents.create import create_document
from service.documents.issue import issue_document
from service.documents.store import get_document
from service.finalize.finalize import finalize
from service.mail.addresses import find_links
from service.mail.models import OutboxMessage
from service.mail.outbox import messages_of
from service.settings import Settings
from service.signers import codes
from service.signers.models import Signer
from service.signers.sign import sign
from service.signers.sign_as_staff import sign_as_staff
from signing.data.schema import example_school
from signing.errors import CosigneError
from signing.kinds import Kind
from signing.vocabulary import Role, StaffRole

PASSWORD_FILE = "demo_password"  # noqa: S105 — a file name


@click.command("demo", cls=FrenchCommand)
@with_appcontext
def demo_command() -> None:
    """Créer un établissement de démonstration, son compte de direction et des documents
    d'exemple (sans effet s'il existe déjà), puis afficher l'adresse et les identifiants."""
    settings: Settings = current_app.config["COSIGNE"]
    if settings.is_production:
        raise BadArgument("la démonstration n'est pas disponible en production")
    example = example_school()
    ctx = context.current()
    created, head = _school_and_head(ctx, example)
    password = _password(ctx, head)
    if created:
        _sample_documents(head)
    _print_welcome(settings, head, password, created=created)


def _school_and_head(ctx: context.Context, example: dict[str, Any]) -> tuple[bool, User]:
    head_data = example["head"]
    login = passwords.normalize_login(head_data["email"])
    assert login is not None  # noqa: S101 — the example's address is valid
    with ctx.db.new_session() as session:
        school = school_by_uai(session, example["uai"])
        head = passwords.find_user(session, login)
    created = school is None
    if school is None:
        school = School(
            uai=example["uai"],
            name=example["name"],
            status=example["status"],
            address=example["address"],
            email=example["email"],
            phone=example["phone"],
            head_first_name=head_data["first_name"],
            head_last_name=head_data["last_name"],
            head_title=head_data["title"],
            head_email=login,
            board_approval_date=date.fromisoformat(example["board_approval_date"]),
        )
        add_school(ctx, school)
    if head is None:
        head = add_user(
            ctx,
            school_id=school.id,
            login=login,
            first_name=head_data["first_name"],
            last_name=head_data["last_name"],
            role=StaffRole.HEAD,  # its password is set by `_password`, which prints it
        ).user
    with ctx.db.new_session() as session:
        head = passwords.find_user(session, login)
        assert head is not None  # noqa: S101 — just found or added
        _ = head.school  # loaded now: the row is used after the session
    return created, head


def _password(ctx: context.Context, head: User) -> str:
    """The demo password from the data folder, or a new one (set on the account) when there is
    none yet or it no longer opens the account."""
    path = ctx.settings.data_dir / PASSWORD_FILE
    saved = path.read_text("utf-8").strip() if path.exists() else ""
    if saved and head.active and passwords.check_password(head, saved):
        return saved
    password = secrets.token_urlsafe(12)  # 16 characters
    change_password(ctx, head.id, password)
    _write_private(path, password)
    return password


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text + "\n")


def _sample_documents(head: User) -> None:
    """Documents in different states. Drafts are kept when LibreOffice is missing."""
    ctx = context.current()
    # A document of a kind that belongs to another (a convention to its pathway contract, which
    # includes an internship): the pair, linked both ways.
    child = next(kind for kind in Kind if kind.spec.parent is not None)
    link = child.spec.parent
    assert link is not None  # noqa: S101 — just checked
    with_child = Kind(link.parent).spec.example
    parent = create_document(ctx, head, {**with_child, "data": link.expecting(with_child["data"])})
    linked = child.spec.example
    linked["data"][link.field] = parent.id
    belonging = create_document(ctx, head, linked)
    to_cancel = create_document(ctx, head, child.spec.example)
    draft = create_document(ctx, head, Kind(link.parent).spec.example)
    ids = ", ".join(str(d.id) for d in (parent, belonging, to_cancel, draft))
    click.echo(f"Documents d'exemple créés : n° {ids}.")
    try:
        issue_document(ctx, head, parent.id)
        issue_document(ctx, head, belonging.id)
        _sign_by_everyone(ctx, head, belonging.id)
        issue_document(ctx, head, to_cancel.id)
        cancel_document(
            ctx, head, to_cancel.id, "Dates de stage modifiées par l'entreprise (exemple)."
        )
    except CosigneError as exc:
        click.echo(
            f"Attention : les documents d'exemple n'ont pas pu être émis ({exc}). Ils restent "
            "en brouillon ; vérifiez que LibreOffice est installé (scripts/setup.sh).",
            err=True,
        )


def _code_from_mail(ctx: context.Context, token: str, origin: Origin) -> str | None:
    """The one-time code a demo signer asks for and reads in the mail that comes (as the
    outbox holds it); None when their school asks none."""
    claims = ctx.link_signer().read(token, now=ctx.now())
    with ctx.db.new_session() as session:
        signer = session.get(Signer, claims.subject_id)
        if signer is None or not codes.required(signer.document.school, signer):
            return None
    codes.send_code(ctx, token, origin)
    with ctx.db.new_session() as session:
        text = session.scalars(
            select(OutboxMessage.text_body)
            .where(OutboxMessage.signer_id == claims.subject_id, OutboxMessage.purpose == "code")
            .order_by(OutboxMessage.id.desc())
        ).first()
    found = re.search(r"^\s+(\d{6})$", text or "", re.MULTILINE)
    return found.group(1) if found else None


def _sign_by_everyone(ctx: context.Context, head: User, document_id: int) -> None:
    """Every party signs through the link of their mail, then the head logged in; the document
    is sealed and archived (finalized) at once, so the demo shows a final PDF, its audit trail
    and its verification."""
    origin = Origin(ip="127.0.0.1", user_agent="cosigne demo")
    with ctx.db.new_session() as session:
        signers = get_document(session, head.school_id, document_id).signers
        names = {s.id: s.full_name for s in signers if s.role != Role.HEAD}
        mailed = {  # by signer, not by address: two guardians may share one (issue 14 §3)
            message.signer_id: link.rsplit("/sign/", 1)[1]
            for message in messages_of(session, document_id)
            for link in find_links(message.text_body)
            if "/sign/" in link
        }
    links = [(mailed[signer_id], name) for signer_id, name in names.items()]  # each one's link
    for token, name in links:
        sign(
            ctx,
            token,
            origin,
            consent=True,
            full_name=name,
            signature_png=None,
            shown_pdf_sha256=None,
            code=_code_from_mail(ctx, token, origin),
        )
    sign_as_staff(
        ctx, head, document_id, origin, consent=True, full_name=head.full_name, signature_png=None
    )
    finalize(ctx, document_id)


def _print_welcome(settings: Settings, head: User, password: str, *, created: bool) -> None:
    base = settings.base_url
    click.echo("")
    click.echo(
        "Démonstration créée." if created else "Démonstration déjà en place (rien n'a changé)."
    )
    click.echo(f"  Établissement : {head.school.name} ({head.school.uai})")
    click.echo(f"  Adresse       : {base}/connexion")
    click.echo(f"  Identifiant   : {head.email} (chef d'établissement)")
    click.echo(f"  Mot de passe  : {password}")
    if settings.env == "development":
        click.echo(f"  Courriels     : {base}/dev/outbox")
    click.echo("")
