"""Settings read once from COSIGNE_* environment variables and validated."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENVIRONMENTS = ("development", "test", "production")
MIN_SECRET_LENGTH = 32


class SettingsError(Exception):
    """A setting is missing or wrong; the service refuses to start."""


@dataclass(frozen=True)
class Settings:
    env: str
    """COSIGNE_ENV: development (default), test or production."""
    data_dir: Path
    """COSIGNE_DATA_DIR: database, archive, outbox, LibreOffice profiles (default ./var)."""
    secret_key: str
    """COSIGNE_SECRET_KEY: signs links and sessions; generated and kept in the data folder in
    development and tests, mandatory in production."""
    secret_key_fallbacks: tuple[str, ...]
    """COSIGNE_SECRET_KEY_FALLBACKS: older keys, comma-separated, still accepted (rotation)."""
    trail_key: str
    """COSIGNE_TRAIL_KEY: chains the audit trail (HMAC), apart from the links' key; generated and
    kept in the data folder in development and tests, mandatory in production."""
    trail_key_fallbacks: tuple[str, ...]
    """COSIGNE_TRAIL_KEY_FALLBACKS: older trail keys, comma-separated: they still verify the
    events they chained (rotation); never drop one while its events are kept."""
    database_url: str
    """COSIGNE_DATABASE_URL: default SQLite in the data folder."""
    base_url: str
    """COSIGNE_BASE_URL: the public address printed in links (default http://127.0.0.1:5000)."""
    converter_processes: int
    """COSIGNE_CONVERTER_PROCESSES: warm LibreOffice processes (default 1)."""
    conversion_timeout: float
    """COSIGNE_CONVERSION_TIMEOUT: seconds before a conversion is killed (default 60)."""
    soffice: str
    """COSIGNE_SOFFICE: the LibreOffice executable (default soffice)."""
    link_max_age_days: int
    """COSIGNE_LINK_MAX_AGE_DAYS: how long a signing link lives (default 30)."""
    remind_every_days: int
    """COSIGNE_REMIND_EVERY_DAYS: automatic reminder to a signer who has not signed (default 7)."""
    archive_check_hours: int
    """COSIGNE_ARCHIVE_CHECK_HOURS: how often the worker checks every archived final PDF and mails
    the schools' admins what is damaged or missing (default 24)."""
    trusted_proxies: int
    """COSIGNE_TRUSTED_PROXIES: reverse proxies in front of the app whose X-Forwarded-For is
    believed for the signer's IP address (default 0: the connection's address)."""
    attempts_max: int
    """COSIGNE_ATTEMPTS_MAX: failed guesses (a signing link that is not one, an unknown API
    token) one address may make within the window before it must wait (default 20)."""
    attempts_window_minutes: int
    """COSIGNE_ATTEMPTS_WINDOW_MINUTES: the window those failures are counted over, and how long
    an address that reached the limit waits (default 10)."""
    shared_device_minutes: int
    """COSIGNE_SHARED_DEVICE_MINUTES: two parties signing from the same browser and network
    within this many minutes are flagged on the staff's page and in the trail (default 10)."""
    kiosk_idle_minutes: int
    """COSIGNE_KIOSK_IDLE_MINUTES: a kiosk (the school's device handed to a signer) left this long
    without a request closes the signer's pages; the staff session then needs the staff member's
    PIN or password (default 5)."""
    mail_from: str
    """COSIGNE_MAIL_FROM: sender of every message (default Cosigne <no-reply@localhost>)."""
    smtp_host: str
    """COSIGNE_SMTP_HOST: without it, messages are written as .eml files in the data folder."""
    smtp_port: int
    """COSIGNE_SMTP_PORT (default 587 with STARTTLS, 25 otherwise)."""
    smtp_username: str
    """COSIGNE_SMTP_USERNAME: login, when the server asks for one."""
    smtp_password: str
    """COSIGNE_SMTP_PASSWORD."""
    smtp_starttls: bool
    """COSIGNE_SMTP_STARTTLS: 1 (default when a host is set) or 0."""

    seal_p12: Path | None
    """COSIGNE_SEAL_P12: the seal's PKCS#12 file; without it a development seal is generated
    once into the data folder (refused in production)."""
    seal_passphrase: str
    """COSIGNE_SEAL_PASSPHRASE: the PKCS#12 file's passphrase."""
    tsa_url: str
    """COSIGNE_TSA_URL: an RFC 3161 timestamp authority, asked first (kept from before
    COSIGNE_TSA_URLS)."""
    tsa_urls: tuple[str, ...] = ()
    """COSIGNE_TSA_URLS: RFC 3161 timestamp authorities, comma-separated, asked in turn (after
    COSIGNE_TSA_URL when it is set); the first that answers timestamps the seal (PAdES B-T).
    When none answers, the document is sealed without, and the worker adds a document
    timestamp later."""
    tsa_timeout: float = 5.0
    """COSIGNE_TSA_TIMEOUT: seconds each authority may take to answer (default 5)."""
    tsa_roots: Path | None = None
    """COSIGNE_TSA_ROOTS: a PEM file of the certificates the authorities' certificates chain to,
    trusted (beside the seal's) when a file is verified."""
    follow_up_lead_days: int = 3
    """COSIGNE_FOLLOW_UP_LEAD_DAYS: how many days before a followed contract's due item (a
    deadline, a review, a visit, its end) the worker mails its référent (default 3; 0: on the
    day)."""

    @property
    def issued_dir(self) -> Path:
        """Issued (not yet signed) PDFs sent as attachments to informed guardians: kept apart
        from the archive of final PDFs, by their SHA-256 like it."""
        return self.data_dir / "issued"

    @property
    def archive_dir(self) -> Path:
        """The write-once archive of final PDFs."""
        return self.data_dir / "archive"

    @property
    def outbox_dir(self) -> Path:
        """Where messages are written when no SMTP server is configured."""
        return self.data_dir / "outbox"

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env_vars = os.environ if environ is None else environ

        def get(name: str, default: str = "") -> str:
            return env_vars.get(f"COSIGNE_{name}", default).strip()

        env = get("ENV", "development")
        if env not in ENVIRONMENTS:
            raise SettingsError(f"COSIGNE_ENV doit valoir {', '.join(ENVIRONMENTS)} (reçu {env!r})")
        data_dir = Path(get("DATA_DIR", "var")).expanduser().resolve()
        starttls = _flag(get("SMTP_STARTTLS", "1"), "SMTP_STARTTLS")
        return cls(
            env=env,
            data_dir=data_dir,
            secret_key=_secret_key(get("SECRET_KEY"), env, data_dir),
            secret_key_fallbacks=tuple(k for k in get("SECRET_KEY_FALLBACKS").split(",") if k),
            trail_key=_secret_key(get("TRAIL_KEY"), env, data_dir, name="TRAIL_KEY"),
            trail_key_fallbacks=_fallbacks(get("TRAIL_KEY_FALLBACKS"), "TRAIL_KEY_FALLBACKS"),
            database_url=get("DATABASE_URL") or f"sqlite:///{data_dir / 'cosigne.sqlite3'}",
            base_url=get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
            converter_processes=_positive_int(
                get("CONVERTER_PROCESSES", "1"), "CONVERTER_PROCESSES"
            ),
            conversion_timeout=_positive_float(
                get("CONVERSION_TIMEOUT", "60"), "CONVERSION_TIMEOUT"
            ),
            soffice=get("SOFFICE", "soffice"),
            link_max_age_days=_positive_int(get("LINK_MAX_AGE_DAYS", "30"), "LINK_MAX_AGE_DAYS"),
            remind_every_days=_positive_int(get("REMIND_EVERY_DAYS", "7"), "REMIND_EVERY_DAYS"),
            archive_check_hours=_positive_int(
                get("ARCHIVE_CHECK_HOURS", "24"), "ARCHIVE_CHECK_HOURS"
            ),
            trusted_proxies=_positive_int(
                get("TRUSTED_PROXIES", "0"), "TRUSTED_PROXIES", zero=True
            ),
            attempts_max=_positive_int(get("ATTEMPTS_MAX", "20"), "ATTEMPTS_MAX"),
            attempts_window_minutes=_positive_int(
                get("ATTEMPTS_WINDOW_MINUTES", "10"), "ATTEMPTS_WINDOW_MINUTES"
            ),
            shared_device_minutes=_positive_int(
                get("SHARED_DEVICE_MINUTES", "10"), "SHARED_DEVICE_MINUTES"
            ),
            kiosk_idle_minutes=_positive_int(get("KIOSK_IDLE_MINUTES", "5"), "KIOSK_IDLE_MINUTES"),
            mail_from=get("MAIL_FROM", "Cosigne <no-reply@localhost>"),
            smtp_host=get("SMTP_HOST"),
            smtp_port=_positive_int(get("SMTP_PORT", "587" if starttls else "25"), "SMTP_PORT"),
            smtp_username=get("SMTP_USERNAME"),
            smtp_password=get("SMTP_PASSWORD"),
            smtp_starttls=starttls,
            seal_p12=_seal_file(get("SEAL_P12"), env),
            seal_passphrase=get("SEAL_PASSPHRASE"),
            tsa_url=get("TSA_URL"),
            tsa_urls=_authorities(get("TSA_URL"), get("TSA_URLS")),
            tsa_timeout=_positive_float(get("TSA_TIMEOUT", "5"), "TSA_TIMEOUT"),
            tsa_roots=_existing_file(get("TSA_ROOTS"), "TSA_ROOTS"),
            follow_up_lead_days=_positive_int(
                get("FOLLOW_UP_LEAD_DAYS", "3"), "FOLLOW_UP_LEAD_DAYS", zero=True
            ),
        )


def _secret_key(given: str, env: str, data_dir: Path, *, name: str = "SECRET_KEY") -> str:
    if given:
        if len(given) < MIN_SECRET_LENGTH:
            raise SettingsError(
                f"COSIGNE_{name} doit compter au moins {MIN_SECRET_LENGTH} caractères"
            )
        return given
    if env == "production":
        raise SettingsError(
            f"COSIGNE_{name} est obligatoire en production "
            "(par exemple : python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    # Development and tests: a random key kept in the data folder, never in the repository.
    # Written whole under a temporary name, then linked: two processes starting at once agree.
    path = data_dir / name.lower()
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=f".{name.lower()}.")
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            Path(tmp).unlink()
    return path.read_text().strip()


def _fallbacks(raw: str, name: str) -> tuple[str, ...]:
    keys = tuple(k.strip() for k in raw.split(",") if k.strip())
    if any(len(k) < MIN_SECRET_LENGTH for k in keys):
        raise SettingsError(
            f"COSIGNE_{name} : chaque clé doit compter au moins {MIN_SECRET_LENGTH} caractères"
        )
    return keys


def _seal_file(raw: str, env: str) -> Path | None:
    if not raw:
        if env == "production":
            raise SettingsError(
                "COSIGNE_SEAL_P12 est obligatoire en production (le fichier PKCS#12 du cachet)"
            )
        return None
    path = Path(raw).expanduser()
    if not path.is_file():
        raise SettingsError(f"COSIGNE_SEAL_P12 : fichier introuvable ({path})")
    return path


def _authorities(first: str, listed: str) -> tuple[str, ...]:
    urls = [first, *listed.split(",")]
    for url in (u.strip() for u in urls if u.strip()):
        if not url.startswith(("http://", "https://")):
            raise SettingsError(
                f"COSIGNE_TSA_URLS : {url!r} n'est pas une adresse http:// ou https://"
            )
    return tuple(dict.fromkeys(u.strip() for u in urls if u.strip()))


def _existing_file(raw: str, name: str) -> Path | None:
    if not raw:
        return None
    path = Path(raw).expanduser()
    if not path.is_file():
        raise SettingsError(f"COSIGNE_{name} : fichier introuvable ({path})")
    return path


def _positive_int(raw: str, name: str, *, zero: bool = False) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < (0 if zero else 1):
        raise SettingsError(f"COSIGNE_{name} doit être un entier positif (reçu {raw!r})")
    return value


def _flag(raw: str, name: str) -> bool:
    if raw.lower() in {"1", "true", "yes", "oui"}:
        return True
    if raw.lower() in {"0", "false", "no", "non"}:
        return False
    raise SettingsError(f"COSIGNE_{name} doit valoir 1 ou 0 (reçu {raw!r})")


def _positive_float(raw: str, name: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise SettingsError(f"COSIGNE_{name} doit être un nombre positif (reçu {raw!r})")
    return value
