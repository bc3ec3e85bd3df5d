"""The tables of schools and their staff: schools, users, API tokens, login attempts."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.orm import Base, EnumText, one_of, utcnow
from signing.vocabulary import StaffRole

SCHOOL_STATUSES = ("public", "private_contract")


class School(Base):
    """An establishment, identified by its UAI, and its head (who signs for it)."""

    __tablename__ = "schools"
    __table_args__ = (CheckConstraint(one_of("status", SCHOOL_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uai: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="public")
    address: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    head_first_name: Mapped[str] = mapped_column(String(100))
    head_last_name: Mapped[str] = mapped_column(String(100))
    head_title: Mapped[str | None] = mapped_column(String(100))
    head_email: Mapped[str] = mapped_column(String(254))
    board_approval_date: Mapped[date | None] = mapped_column(Date)
    dpo_email: Mapped[str | None] = mapped_column(String(254))
    code_roles: Mapped[str | None] = mapped_column(String(200))
    """The roles asked a one-time code before signing, comma-separated (`signing.codes`);
    None: the default (guardians and host representatives)."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="school")


class User(Base):
    """A member of a school's staff who logs in: head, referent, or admin."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(one_of("role", StaffRole), name="role"),
        # Unique case-insensitively: addresses are stored lowercased (`accounts.normalize_login`).
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[StaffRole] = mapped_column(EnumText(StaffRole, 20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    kiosk_pin_hash: Mapped[str | None] = mapped_column(String(255))
    """The scrypt hash of the PIN that gives the staff session back after a kiosk
    (`service.kiosk.pin`); None: the password only. Never stored in clear."""
    password_reset_nonce: Mapped[str | None] = mapped_column(String(64))
    """The nonce of the live password link (`signing.links`, purpose PASSWORD_RESET); a new link
    replaces it, setting the password clears it, so each link works once."""
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    session_version: Mapped[str | None] = mapped_column(String(64))
    """Random, copied into each login session; replaced at logout, password change and
    deactivation, which ends every session of the user (`service.accounts.session`)."""

    school: Mapped[School] = relationship(back_populates="users")
    api_tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ApiToken(Base):
    """A bearer token of the JSON API. Only its SHA-256 is stored; `prefix` names it in lists."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="api_tokens")


class LoginAttempt(Base):
    """A login attempt not (yet) known to have succeeded: counted per address and per IP to
    slow down password guessing, in the database so every app process sees the same count."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_login_at", "login", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(254))
    """The address as typed, normalised (lowercase): changing case does not reset the count."""
    ip: Mapped[str] = mapped_column(String(45))
    at: Mapped[datetime]
