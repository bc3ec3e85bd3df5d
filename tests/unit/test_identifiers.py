"""UAI, SIRET, phone and email checks, on the worked examples of domain README §5."""

from __future__ import annotations

import pytest

from signing.data.identifiers import (
    UAI_KEY_ALPHABET,
    compact_siret,
    is_french_phone,
    is_siret_well_formed,
    is_uai_well_formed,
    is_valid_siret,
    is_valid_uai,
    normalize_email,
    normalize_uai,
    uai_key,
)


def test_uai_alphabet_has_23_letters_without_i_o_q() -> None:
    assert len(UAI_KEY_ALPHABET) == 23
    assert not set("IOQ") & set(UAI_KEY_ALPHABET)


@pytest.mark.parametrize(
    ("digits", "key"),
    [
        ("0170022", "G"),  # 170022 = 23 × 7392 + 6
        ("0750655", "E"),  # 750655 = 23 × 32637 + 4
        ("0440021", "J"),  # 440021 = 23 × 19131 + 8: index 8 is J, I being skipped
    ],
)
def test_uai_key_of_worked_examples(digits: str, key: str) -> None:
    assert uai_key(digits) == key
    assert is_valid_uai(digits + key)


@pytest.mark.parametrize("uai", ["0170022H", "0440021I", "0750655Q"])
def test_uai_with_wrong_letter_is_invalid(uai: str) -> None:
    assert is_uai_well_formed(uai)
    assert not is_valid_uai(uai)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("0170022G", "0170022G"),
        ("170022g", "0170022G"),  # a spreadsheet dropped the leading zero
        (" 0440 021 j ", "0440021J"),
        ("1A", "0000001A"),
    ],
)
def test_uai_normalisation(raw: str, normalised: str) -> None:
    assert normalize_uai(raw) == normalised


@pytest.mark.parametrize("raw", ["", "G", "01700220G", "017002G2", "0170022", "ABCDEFGH"])
def test_uai_malformed(raw: str) -> None:
    assert not is_uai_well_formed(normalize_uai(raw))


@pytest.mark.parametrize(
    "siret",
    [
        "73282932000074",  # stdnum's doctest, Luhn sum 50
        "35600000049837",  # La Poste: Luhn fails, digit sum 45 is a multiple of 5
        "35600000009075",
        "35600000009093",
        "35600000000048",  # La Poste's head office: plain Luhn
        "12345678200010",  # the example convention's host
    ],
)
def test_valid_sirets(siret: str) -> None:
    assert is_valid_siret(siret)


@pytest.mark.parametrize(
    "siret",
    [
        "73282932000079",  # Luhn sum 55
        "35600000009090",  # La Poste, digit sum 32
        "12345678200011",
    ],
)
def test_invalid_sirets(siret: str) -> None:
    assert is_siret_well_formed(siret)
    assert not is_valid_siret(siret)


@pytest.mark.parametrize("raw", ["732 829 320 00074", "732.829.320.00074", " 73282932000074 "])
def test_siret_compaction(raw: str) -> None:
    assert compact_siret(raw) == "73282932000074"


@pytest.mark.parametrize("siret", ["7328293200007", "732829320000745", "7328293200007A", ""])
def test_siret_must_be_14_digits(siret: str) -> None:
    assert not is_siret_well_formed(siret)
    assert not is_valid_siret(siret)


@pytest.mark.parametrize(
    "phone",
    [
        "06 12 34 56 78",
        "0612345678",
        "02.40.00.00.01",
        "02-40-00-00-01",
        "+33 6 12 34 56 78",
        "+33612345678",
        "0033 6 12 34 56 78",
        "06\u00a012\u00a034\u00a056\u00a078",  # non-breaking spaces pasted from a document
    ],
)
def test_french_phones(phone: str) -> None:
    assert is_french_phone(phone)


@pytest.mark.parametrize(
    "phone",
    [
        "06 12 34 56",
        "00 12 34 56 78",  # no French number starts with 00 after the trunk prefix
        "+44 20 7946 0958",
        "+33 0 6 12 34 56 78",
        "06 12 34 56 78 9",
        "٠٦١٢٣٤٥٦٧٨",  # Arabic-Indic digits
        "appelez-moi",
    ],
)
def test_not_french_phones(phone: str) -> None:
    assert not is_french_phone(phone)


def test_email_normalisation_lowercases_the_domain_only() -> None:
    assert normalize_email("Zoe.Martin@Example.ORG") == "Zoe.Martin@example.org"
    assert normalize_email("zoé@example.fr") == "zoé@example.fr"


@pytest.mark.parametrize(
    "email", ["pas-une-adresse", "zoe@", "@example.org", "zoe martin@example.org", "zoe@example"]
)
def test_invalid_emails(email: str) -> None:
    assert normalize_email(email) is None
