"""The gettext catalogues of the signer's pages, mails and summaries (issue 14 §8): every French
msgid that extraction finds (babel.cfg) is translated in every language, none empty or fuzzy, each
translation keeps its placeholders, and the committed .mo says what its .po says. A developer
who adds a French sentence to a signer's page is told here, with the sentence."""

from __future__ import annotations

import inspect
import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from service.signers import said_at_run_time, sign
from service.signers.sign import CONSENT_TEXT
from signing.i18n import LANGUAGES, Words
from signing.kinds import Kind
from signing.vocabulary import LinkEnd, Role

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "service" / "translations"
TRANSLATED = sorted(set(LANGUAGES) - {"fr"})
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+\}")


def extracted() -> set[str | tuple[str, ...]]:
    """What `pybabel extract -F babel.cfg -k tr` finds, read as the command reads it."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {**DEFAULT_KEYWORDS, "tr": None}  # N_ is among the defaults
    found = extract_from_dir(str(ROOT), method_map, options_map, keywords=keywords)
    return {message for _, _, message, _, _ in found}


def catalogue(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


@pytest.fixture(scope="module")
def msgids() -> set[str | tuple[str, ...]]:
    found = extracted()
    assert len(found) > 200  # the pages, the mails and the summaries, not an empty extraction
    return found


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_extracted_sentence_is_translated(msgids, language: str) -> None:
    messages = {m.id: m for m in catalogue(language) if m.id}

    missing = sorted(str(i) for i in msgids if i not in messages)
    assert not missing, f"{language}: à traduire dans messages.po : {missing}"
    for msgid, message in messages.items():
        assert "fuzzy" not in message.flags, f"{language}: traduction à revoir : {msgid}"
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms), f"{language}: traduction vide : {msgid}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_translation_keeps_the_placeholders_of_its_french(language: str) -> None:
    for message in catalogue(language):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(source[-1])) | set(PLACEHOLDER.findall(source[0]))
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for form in forms:
            kept = set(PLACEHOLDER.findall(form))
            # a plural form may say "one" in words instead of %(count)s
            assert kept <= wanted, (message.id, form)
            assert wanted - kept <= {"%(count)s"}, (message.id, form)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_committed_mo_is_its_po_compiled(language: str) -> None:
    compiled = BytesIO()
    write_mo(compiled, catalogue(language))
    compiled.seek(0)
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").open("rb") as mo:
        committed = read_mo(mo)
    assert _messages(committed) == _messages(read_mo(compiled)), (
        "pybabel compile -d service/translations"
    )


def _messages(found) -> dict[object, object]:
    def plain(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    return {plain(m.id): plain(m.string) for m in found if m.id}


def test_the_run_time_sentences_marked_are_those_their_sources_say() -> None:
    ends = tuple(said for end in LinkEnd for said in (end.heading, end.message))

    assert ends == said_at_run_time.LINK_ENDS
    assert "Cochez la case pour accepter de signer." in inspect.getsource(sign)
    assert CONSENT_TEXT in extracted()  # its translation is shown beside it (`_consent_label`)


def _summary(kind: Kind, role: Role, language: str) -> dict[str, tuple[str, ...]]:
    words = Words(language, Translations.load(str(TRANSLATIONS), [language]).gettext)
    data = kind.spec.example["data"]
    return {s.title: s.lines for s in kind.spec.summary(data, role, words)}


def test_a_guardian_reads_the_summary_in_portuguese_with_its_dates() -> None:
    summary = _summary(Kind.PARCOURS, Role.GUARDIAN, "pt")

    assert summary["O que está a assinar"] == (
        "Ao assinar, dá o seu acordo para que Zoé siga este percurso e assume os compromissos "
        "da família.",
    )
    assert "Os compromissos da sua família" in summary
    (period,) = [line for line in summary["O percurso"] if line.startswith("Zoé segue")]
    assert "janeiro" in period or "fevereiro" in period or "setembro" in period, period


def test_an_intern_reads_days_and_hours_in_turkish() -> None:
    summary = _summary(Kind.CONVENTION, Role.PUPIL, "tr")

    hours = summary["Tarihler ve saatler"]
    assert any(line.startswith(("Pazartesi: ", "Salı: ", "Çarşamba: ")) for line in hours), hours
    assert any(re.search(r"\d\d:\d\d – \d\d:\d\d", line) for line in hours), hours
    assert hours[-1].startswith("Yani haftada ")


def test_french_stays_the_source_without_any_catalogue() -> None:
    data = Kind.PARCOURS.spec.example["data"]

    titles = [s.title for s in Kind.PARCOURS.spec.summary(data, Role.PUPIL)]

    assert titles[:2] == ["Ce que vous signez", "Le parcours"]
