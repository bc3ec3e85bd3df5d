"""A staff member's kiosk PIN: what gives their session back after they handed the school's
device to a signer (`service.kiosk`, issue 14 §1), instead of typing their whole password in
front of the family.

The PIN is 6 to 10 digits (a password has at least 12 characters, so what the lock page is
given is never both), neither one digit repeated, nor a run (123456, 987654), nor two digits
alternating (121212). It is hashed with scrypt like a password and never kept in clear; the lock
page counts wrong PINs like wrong passwords (`service.accounts.log_in`), and once they are too
many only the password opens the session (`service.kiosk.unlock_kiosk`).
"""

from __future__ import annotations

import itertools

from werkzeug.security import check_password_hash, generate_password_hash

from service.accounts.models import User
from signing.errors import CosigneError

MIN_PIN_LENGTH = 6
MAX_PIN_LENGTH = 10


class BadPin(CosigneError):
    """A new PIN breaks a rule; the message says which."""


def pin_shaped(text: str) -> bool:
    """True when `text` can only be a PIN: digits, of a PIN's length."""
    return text.isascii() and text.isdigit() and MIN_PIN_LENGTH <= len(text) <= MAX_PIN_LENGTH


def _trivial(pin: str) -> bool:
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    alternating = len(set(pin[::2])) == 1 and len(set(pin[1::2])) == 1
    return steps in ({0}, {1}, {-1}) or alternating


def check_new_pin(pin: str, confirmation: str) -> None:
    """Raise `BadPin` unless `pin` is acceptable and typed the same twice."""
    if not pin_shaped(pin):
        raise BadPin(
            f"Le code PIN doit compter de {MIN_PIN_LENGTH} à {MAX_PIN_LENGTH} chiffres, "
            "sans espace ni lettre."
        )
    if _trivial(pin):
        raise BadPin(
            "Ce code PIN est trop facile à deviner (un seul chiffre répété, une suite comme "
            "123456 ou deux chiffres alternés) : choisissez-en un autre."
        )
    if pin != confirmation:
        raise BadPin("Les deux saisies du code PIN ne sont pas identiques.")


def hash_pin(pin: str) -> str:
    return generate_password_hash(pin, method="scrypt")


def check_pin(user: User, pin: str) -> bool:
    """True when `pin` is the user's PIN; False when they have none."""
    if user.kiosk_pin_hash is None or not pin_shaped(pin):
        return False
    return check_password_hash(user.kiosk_pin_hash, pin)
