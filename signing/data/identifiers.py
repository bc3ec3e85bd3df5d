"""French identifiers and contact details: UAI, SIRET, phone numbers, email addresses.

Pure functions over strings: normalisers return a canonical form, predicates say whether a value
is acceptable. The French messages are written by the caller, which knows the field.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from stdnum.fr import siret as stdnum_siret

# Domain README §5.1: the 23 letters of the UAI key, without I, O and Q.
UAI_KEY_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ"

_UAI_SHORT = re.compile(r"[0-9]{1,7}[A-Z]")
_UAI = re.compile(r"[0-9]{7}[A-Z]")
_SIRET = re.compile(r"[0-9]{14}")
# 1E1S's pattern (domain README §1.2), with ASCII digits only: `\d` would also accept, say,
# Arabic-Indic digits, which no telephone network dials.
_FRENCH_PHONE = re.compile(r"(?:(?:\+|00)33|0)\s*[1-9](?:[\s.-]*[0-9]{2}){4}")


def normalize_uai(raw: str) -> str:
    """Spaces removed, uppercased, and left-padded with zeros to 8 characters when 1 to 7
    digits and a letter are given (spreadsheets drop leading zeros): ``"170022g"`` → ``"0170022G"``.

    Anything else is returned stripped and uppercased, for `is_valid_uai` to reject.
    """
    compact = "".join(raw.split()).upper()
    if _UAI_SHORT.fullmatch(compact):
        return compact.zfill(8)
    return compact


def uai_key(digits: str) -> str:
    """The check letter of the 7 digits of a UAI: the remainder of their value divided by 23,
    read in `UAI_KEY_ALPHABET` (``"0170022"`` → ``"G"``)."""
    return UAI_KEY_ALPHABET[int(digits) % 23]


def is_uai_well_formed(uai: str) -> bool:
    """True when `uai` (already normalised) is 7 digits followed by an uppercase letter."""
    return _UAI.fullmatch(uai) is not None


def is_valid_uai(uai: str) -> bool:
    """True when `uai` (already normalised) is well formed and its letter is the right key."""
    return is_uai_well_formed(uai) and uai_key(uai[:7]) == uai[7]


def compact_siret(raw: str) -> str:
    """The SIRET without the spaces and dots people type in it (``"732 829 320 00074"``)."""
    return stdnum_siret.compact(raw)


def is_siret_well_formed(siret: str) -> bool:
    """True when `siret` (already compacted) is exactly 14 digits."""
    return _SIRET.fullmatch(siret) is not None


def is_valid_siret(siret: str) -> bool:
    """True when `siret` (already compacted) passes python-stdnum's check: Luhn over the SIREN
    and the SIRET, or the digit sum rule of La Poste's establishments (domain README §5.2)."""
    return is_siret_well_formed(siret) and stdnum_siret.is_valid(siret)


def is_french_phone(raw: str) -> bool:
    """True for a French number, national or international: ``06 12 34 56 78``,
    ``+33 6 12 34 56 78``, ``0033612345678``, ``02.40.00.00.01``."""
    return _FRENCH_PHONE.fullmatch(raw.strip()) is not None


def normalize_email(raw: str) -> str | None:
    """The address in email-validator's normalised form (domain lowercased), or None when its
    syntax is wrong. The domain is not looked up: `check_deliverability` is off."""
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError:
        return None
