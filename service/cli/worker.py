"""`cosigne worker`: delivers the outbox and runs the timed jobs until it is stopped.

Each pass sends the mail that is due (`service.mail.deliver`); every `JOBS_EVERY` seconds it
first closes the documents past their deadline (`service.documents.expire`), reminds the
signers who have waited `COSIGNE_REMIND_EVERY_DAYS` (`service.signers.remind`) and, once every
`COSIGNE_ARCHIVE_CHECK_HOURS`, checks the archive (`service.jobs.archive_watch`) and adds
the timestamps that were deferred (`service.finalize.timestamp_later`), mails the référents
their digest of due items (`service.follow_up.notify_due`, hourly) and writes the switch at 18
of the pupils whose birthday came (`service.follow_up.majority.note_birthdays`), so the
reminders and the archive's alerts go out in the same pass. Nothing is kept in memory between
passes: several workers may run at once, each message is claimed by one of them, and the archive
check is claimed in the database (`service.jobs.schedule`).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import IO, Any, TypeVar

import click
from flask import current_app
from flask.cli import with_appcontext

from service import converter, db
from service.cli.french import BadArgument, FrenchCommand
from service.context import Context
from service.documents.expire import expire_due
from service.finalize.finalize import finalize_due
from service.finalize.timestamp_later import timestamp_pending
from service.follow_up.majority import note_birthdays
from service.follow_up.notify_due import notify_due
from service.jobs.archive_watch import watch_archive
from service.mail.addresses import BadSender, sender_address
from service.mail.deliver import DeliveryReport, deliver_due
from service.settings import Settings
from service.signers.page_images import prune_page_images
from service.signers.remind import remind_due

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 15.0
"""Seconds between two passes: how long a message waits at most when all goes well."""

JOBS_EVERY = 600.0
"""Seconds between two runs of the timed jobs (reminders and expiry work by the day)."""

T = TypeVar("T")


@dataclass(frozen=True)
class PassReport:
    """What one pass did. `reminded` and `expired` are None when the timed jobs did not run."""

    delivery: DeliveryReport
    reminded: int | None
    expired: int | None
    errors: int
    damaged: int | None = None
    """Damaged or missing archived files found, when the archive check ran in this pass."""
    timestamped: int | None = None
    """Documents sealed without a timestamp that got one in this pass (timed jobs)."""
    follow_up_digests: int | None = None
    """Digests of due items queued for référents, when that job ran (`notify_due`)."""
    came_of_age: int | None = None
    """Pupils whose switch at 18 was written on their contract in this pass (timed jobs)."""
    pruned_pages: int | None = None
    """Documents whose page images were removed, none of their signers' pages showing them."""

    def summary(self) -> str:
        d = self.delivery
        parts = [f"{d.sent} courriel(s) envoyé(s)", f"{d.failed} en attente d'un nouvel essai"]
        if d.abandoned:
            parts.append(f"{d.abandoned} abandonné(s)")
        if self.reminded is not None:
            parts.append(f"{self.reminded} rappel(s)")
        if self.expired is not None:
            parts.append(f"{self.expired} document(s) expiré(s)")
        if self.damaged is not None:
            parts.append(f"archives vérifiées : {self.damaged} fichier(s) endommagé(s)")
        if self.timestamped:
            parts.append(f"{self.timestamped} document(s) horodaté(s) après coup")
        if self.follow_up_digests:
            parts.append(f"{self.follow_up_digests} récapitulatif(s) de suivi")
        if self.came_of_age:
            parts.append(f"{self.came_of_age} élève(s) devenu(s) majeur(s)")
        if self.pruned_pages:
            parts.append(f"images des pages effacées pour {self.pruned_pages} document(s)")
        if self.errors:
            parts.append(f"{self.errors} erreur(s), voir le journal")
        return "Passe terminée : " + ", ".join(parts) + "."

    @property
    def did_something(self) -> bool:
        d = self.delivery
        return bool(
            d.sent
            or d.failed
            or d.abandoned
            or self.reminded
            or self.expired
            or self.errors
            or self.damaged is not None
            or self.timestamped
            or self.follow_up_digests
            or self.came_of_age
            or self.pruned_pages
        )


class PassFailed(click.ClickException):
    """`--once` met errors: one French line, exit code 1 (the details are in the log)."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Erreur : {self.message}", err=True)


def _step(name: str, action: Callable[[], T], default: T) -> tuple[T, int]:
    """Run one step; an error is logged and counted, and the next steps still run (a worker
    outlives a database that restarts or a bug in one job)."""
    try:
        return action(), 0
    except Exception:
        log.exception("Échec de l'étape « %s »", name)
        return default, 1


def run_pass(ctx: Context, *, jobs: bool = True) -> PassReport:
    """One pass: the timed jobs (when `jobs`), then the delivery of every message due."""
    reminded = expired = damaged = timestamped = digests = came_of_age = pruned = None
    errors = 0
    if jobs:
        expired, failed = _step("expiration", lambda: expire_due(ctx), None)
        errors += failed
        reminded, failed = _step("rappels", lambda: remind_due(ctx), None)
        errors += failed
        damaged, failed = _step("vérification des archives", lambda: watch_archive(ctx), None)
        errors += failed
        timestamped, failed = _step("horodatage différé", lambda: timestamp_pending(ctx), None)
        errors += failed
        digests, failed = _step("échéances du suivi", lambda: notify_due(ctx), None)
        errors += failed
        came_of_age, failed = _step("majorité des élèves", lambda: note_birthdays(ctx), None)
        errors += failed
        pruned, failed = _step("images des pages", lambda: prune_page_images(ctx), None)
        errors += failed
    _, failed = _step("finalisation", lambda: finalize_due(ctx), 0)
    errors += failed
    delivery, failed = _step(
        "envoi des courriels",
        lambda: deliver_due(ctx.db, ctx.settings, now=ctx.now()),
        DeliveryReport(),
    )
    report = PassReport(
        delivery,
        reminded,
        expired,
        errors + failed,
        damaged,
        timestamped,
        digests,
        came_of_age,
        pruned,
    )
    if report.did_something:
        log.info("%s", report.summary())
    return report


class _Stop:
    """Ctrl+C or SIGTERM: the pass under way ends, then the worker stops. A second signal
    stops at once."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def __call__(self, signum: int, _frame: FrameType | None) -> None:
        if self.event.is_set():
            raise KeyboardInterrupt
        log.info("Arrêt demandé (%s) : fin de la passe en cours.", signal.Signals(signum).name)
        self.event.set()


def run_forever(ctx: Context, *, interval: float) -> None:
    """Passes every `interval` seconds until SIGINT or SIGTERM."""
    stop = _Stop()
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        next_jobs = time.monotonic()
        while not stop.event.is_set():
            jobs = time.monotonic() >= next_jobs
            if jobs:
                next_jobs = time.monotonic() + JOBS_EVERY
            run_pass(ctx, jobs=jobs)
            stop.event.wait(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("Travailleur arrêté.")


def _show_logs() -> None:
    """Our INFO lines reach the terminal, unless logging was set up already."""
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s : %(message)s")
    service_log = logging.getLogger("service")
    if service_log.level == logging.NOTSET:
        service_log.setLevel(logging.INFO)


def _context(settings: Settings) -> Context:
    # No PDF is made by the jobs today; the app's converter starts only if one ever is.
    return Context(db=db.database(), settings=settings, converter=converter.converter)


@click.command("worker", cls=FrenchCommand)
@click.option("--once", is_flag=True, help="Faire une seule passe, puis s'arrêter.")
@click.option(
    "--interval",
    type=float,
    default=DEFAULT_INTERVAL,
    show_default=True,
    help="Secondes entre deux passes.",
)
@with_appcontext
def worker_command(*, once: bool, interval: float) -> None:
    """Envoyer les courriels en attente, relancer les signataires et clore les documents dont
    la date limite est passée, jusqu'à l'arrêt (Ctrl+C)."""
    if interval <= 0:
        raise BadArgument(f"--interval doit être un nombre de secondes positif (reçu {interval})")
    settings: Settings = current_app.config["COSIGNE"]
    try:
        sender_address(settings)
    except BadSender as exc:
        raise BadArgument(str(exc)) from exc
    _show_logs()
    ctx = _context(settings)
    if once:
        report = run_pass(ctx)
        click.echo(report.summary())
        if report.errors:
            raise PassFailed("la passe a rencontré des erreurs (voir le journal)")
        return
    where = (
        f"serveur SMTP {settings.smtp_host}:{settings.smtp_port}"
        if settings.smtp_host
        else f"fichiers .eml dans {settings.outbox_dir}"
    )
    log.info(
        "Travailleur démarré : une passe toutes les %g s, rappels et expirations toutes les "
        "%g min, courriels vers %s.",
        interval,
        JOBS_EVERY / 60,
        where,
    )
    run_forever(ctx, interval=interval)
