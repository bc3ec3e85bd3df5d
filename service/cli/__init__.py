"""The `cosigne` command: Flask's own commands (run, routes, shell) plus ours, one module each."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from service.app import create_app
from service.cli.accounts import token_group, user_group
from service.cli.archive import archive_group
from service.cli.audit import audit_group
from service.cli.bootstrap import db_group, school_group
from service.cli.demo import demo_command
from service.cli.render import render_command
from service.cli.verify import verify_command
from service.cli.worker import worker_command


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def cli() -> None:
    """Cosigne : contrats de parcours individualisé et conventions de stage."""


for _command in (
    render_command,
    db_group,
    school_group,
    user_group,
    token_group,
    audit_group,
    archive_group,
    worker_command,
    verify_command,
    demo_command,
):
    cli.add_command(_command)


def main() -> None:
    cli(prog_name="cosigne")
