"""Verification of any file, as someone at the public page would send it: sealed, tampered with,
sealed by someone else, not sealed, not a PDF, or built to hurt the parser."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from pdftools import slow_pdf
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfWriter
from pypdf.annotations import FreeText

from signing.pdf.analysis import POOL_SIZE
from signing.pdf.dev_seal import ensure_dev_seal
from signing.pdf.seal import Sealer
from signing.pdf.verify import VerificationReport, analysis_workers, verify_pdf, warm_up

TIMEOUT = 3.0
MARGIN = 3.0
"""Time allowed beyond the timeout for starting and stopping an analysis worker."""


def make_pdf(pages: int = 1, producer: str = "Cosigne tests") -> bytes:
    """A small PDF whose content does not matter (blank A4 pages)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Producer": producer})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def raw_pdf(objects: dict[int, bytes], *, xref_prev_to_itself: bool = False) -> bytes:
    """A PDF written by hand, object 1 being the catalogue, with a correct cross-reference table
    (so that what follows is tested, not the reader's repair of a broken table)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += (
            b"%010d 00000 n \n" % offsets[number]
            if number in offsets
            else b"0" * 10 + b" 65535 f \n"
        )
    prev = b" /Prev %d" % xref if xref_prev_to_itself else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (size, prev, xref)
    return bytes(out)


CATALOGUE_WITH_FORM = b"<< /Type /Catalog /Pages 2 0 R /AcroForm 3 0 R >>"
NO_PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def _bomb() -> bytes:
    """64 MB of zeros in 64 KB: a field list that would swell on reading."""
    bomb = zlib.compress(b"\0" * (64 * 2**20), 9)
    return raw_pdf(
        {
            1: CATALOGUE_WITH_FORM,
            2: NO_PAGES,
            3: b"<< /Fields 4 0 R >>",
            4: b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(bomb), bomb),
        }
    )


CRAFTED: dict[str, Callable[[], bytes]] = {
    "pages_tree_with_a_cycle": lambda: raw_pdf(
        {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"}
    ),
    "form_field_that_is_its_own_kid": lambda: raw_pdf(
        {
            1: CATALOGUE_WITH_FORM,
            2: NO_PAGES,
            3: b"<< /Fields [4 0 R] >>",
            4: b"<< /FT /Sig /T (a) /Kids [4 0 R] >>",
        }
    ),
    "references_to_each_other": lambda: raw_pdf(
        {1: CATALOGUE_WITH_FORM, 2: NO_PAGES, 3: b"4 0 R", 4: b"3 0 R"}
    ),
    "arrays_nested_200000_deep": lambda: raw_pdf(
        {
            1: CATALOGUE_WITH_FORM,
            2: NO_PAGES,
            3: b"<< /Fields %s%s >>" % (b"[" * 200_000, b"]" * 200_000),
        }
    ),
    "cross_reference_that_is_its_own_previous": lambda: raw_pdf(
        {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: NO_PAGES}, xref_prev_to_itself=True
    ),
    "stream_with_a_huge_length": lambda: raw_pdf(
        {
            1: CATALOGUE_WITH_FORM,
            2: NO_PAGES,
            3: b"<< /Length 99999999999999 >>\nstream\nabc\nendstream",
        }
    ),
    "decompression_bomb_as_field_list": _bomb,
}


@pytest.fixture(scope="module")
def sealer(tmp_path_factory: pytest.TempPathFactory) -> Sealer:
    return Sealer(ensure_dev_seal(tmp_path_factory.mktemp("seal")))


@pytest.fixture(scope="module")
def other_school(tmp_path_factory: pytest.TempPathFactory) -> Sealer:
    """Another generated seal, whose authority we do not trust."""
    folder = tmp_path_factory.mktemp("other-seal")
    return Sealer(ensure_dev_seal(folder, organisation="Lycée d'ailleurs"))


@pytest.fixture(scope="module")
def original() -> bytes:
    return make_pdf(pages=2)


@pytest.fixture(scope="module")
def sealed(sealer: Sealer, original: bytes) -> bytes:
    return sealer.seal(original, document_id=12)


def verify(data: bytes, sealer: Sealer, **limits: float) -> VerificationReport:
    return verify_pdf(data, trust_roots=sealer.trust_roots(), **limits)  # type: ignore[arg-type]


def test_a_sealed_file_is_valid_and_intact(sealer: Sealer, sealed: bytes) -> None:
    before = datetime.now(UTC)

    report = verify(sealed, sealer)

    assert report.is_pdf
    assert report.seal_present
    assert report.seal_valid
    assert report.intact
    assert report.trustworthy
    assert report.problems == ()
    assert report.signed_by == "Cachet Cosigne (développement)"
    assert report.sha256 == hashlib.sha256(sealed).hexdigest()
    assert report.sealed_at is not None
    assert report.sealed_at.tzinfo is not None
    assert before - timedelta(minutes=5) <= report.sealed_at <= before + timedelta(seconds=1)


def test_trust_roots_may_be_cryptography_certificates(sealer: Sealer, sealed: bytes) -> None:
    roots = [x509.load_der_x509_certificate(root.dump()) for root in sealer.trust_roots()]

    assert verify_pdf(sealed, trust_roots=roots).seal_valid


def test_one_byte_changed_inside_the_signed_range_is_caught(sealer: Sealer, sealed: bytes) -> None:
    where = sealed.index(b"Cosigne tests")
    assert where < sealed.index(b"/Contents <")  # before the signature: inside the signed bytes
    tampered = bytearray(sealed)
    tampered[where] = ord("c")

    report = verify(bytes(tampered), sealer)

    assert report.seal_present
    assert not report.seal_valid
    assert not report.intact
    assert not report.trustworthy
    assert any("a été modifié" in problem for problem in report.problems)


def test_an_incremental_update_after_the_seal_is_not_intact(sealer: Sealer, sealed: bytes) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    writer.root["/Lang"] = generic.TextStringObject("en-GB")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    assert out.getvalue().startswith(sealed)

    report = verify(out.getvalue(), sealer)

    assert report.seal_valid  # the seal itself is sound over what it covers...
    assert not report.intact  # ...but the file is no longer what was sealed
    assert not report.trustworthy
    assert any("mise à jour incrémentale" in problem for problem in report.problems)


def test_an_annotation_appended_by_pypdf_is_not_intact(sealer: Sealer, sealed: bytes) -> None:
    writer = PdfWriter(io.BytesIO(sealed), incremental=True)
    writer.add_annotation(page_number=0, annotation=FreeText(text="ajout", rect=(50, 50, 200, 90)))
    out = io.BytesIO()
    writer.write(out)

    report = verify(out.getvalue(), sealer)

    assert report.seal_present
    assert not report.intact
    assert report.problems


def test_a_file_sealed_by_another_key_is_not_valid(
    sealer: Sealer, other_school: Sealer, original: bytes
) -> None:
    report = verify(other_school.seal(original), sealer)

    assert report.seal_present
    assert not report.seal_valid
    assert report.intact  # unchanged since its seal, only the seal is not ours
    assert report.signed_by == "Cachet Lycée d'ailleurs"
    assert any("certificat non reconnu" in problem for problem in report.problems)


def test_no_trust_roots_trusts_nothing(sealed: bytes) -> None:
    report = verify_pdf(sealed, trust_roots=[])

    assert not report.seal_valid
    assert any("certificat non reconnu" in problem for problem in report.problems)


def test_an_unsigned_pdf_has_no_seal(sealer: Sealer, original: bytes) -> None:
    report = verify(original, sealer)

    assert report.is_pdf
    assert not report.seal_present
    assert not report.seal_valid
    assert not report.intact
    assert report.signed_by is None
    assert report.problems == ("Le fichier ne porte aucun cachet électronique.",)


@pytest.mark.parametrize(
    "data",
    [b"", b"PK\x03\x04 un DOCX", b"Ceci n'est pas un PDF", b"\x00" * 2048 + b"%PDF-1.7"],
)
def test_bytes_that_are_not_a_pdf_are_said_so(sealer: Sealer, data: bytes) -> None:
    report = verify(data, sealer)

    assert not report.is_pdf
    assert not report.seal_present
    assert report.problems == ("Ce fichier n'est pas un PDF.",)
    assert report.sha256 == hashlib.sha256(data).hexdigest()


def test_a_file_over_the_size_limit_is_refused_without_being_read(
    sealer: Sealer, sealed: bytes
) -> None:
    report = verify(sealed, sealer, max_bytes=len(sealed) - 1)

    assert not report.seal_present  # a sealed file: had it been read, its seal would show
    assert len(report.problems) == 1
    assert "taille maximale" in report.problems[0]


@pytest.mark.parametrize(
    ("limit", "said"), [(20 * 2**20, "20 Mo"), (int(1.5 * 2**20), "1,5 Mo"), (2048, "2 Ko")]
)
def test_the_size_limit_is_said_in_french(sealer: Sealer, limit: int, said: str) -> None:
    report = verify(b"%PDF-1.7\n" + b" " * limit, sealer, max_bytes=limit)

    assert report.problems == (f"Le fichier dépasse la taille maximale acceptée ({said}).",)


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_a_crafted_pdf_gets_a_quick_answer(sealer: Sealer, sealed: bytes, name: str) -> None:
    crafted = CRAFTED[name]()
    started = time.monotonic()

    report = verify(crafted, sealer, timeout_s=TIMEOUT)

    assert time.monotonic() - started < TIMEOUT + MARGIN
    assert report.is_pdf
    assert not report.seal_valid
    assert report.problems
    assert verify(sealed, sealer).trustworthy  # the service still answers


def test_a_file_too_slow_to_read_is_stopped_at_the_deadline(sealer: Sealer) -> None:
    started = time.monotonic()

    report = verify(slow_pdf(), sealer, timeout_s=0.3)

    assert time.monotonic() - started < 0.3 + MARGIN
    assert report.problems == ("Le fichier n'a pas pu être analysé dans le temps imparti.",)


def test_a_file_too_greedy_to_read_is_stopped_at_the_memory_ceiling(sealer: Sealer) -> None:
    report = verify(slow_pdf(), sealer, memory_bytes=8 * 2**20)

    assert report.problems == ("Le fichier demande trop de mémoire pour être analysé.",)


def test_threads_verify_at_the_same_time(sealer: Sealer, other_school: Sealer) -> None:
    """More threads than workers, each with a file of its own (no two alike, so that a report
    given to the wrong thread would show): every report is its file's."""
    cases: list[tuple[bytes, bool, str]] = []
    for index in range(4):
        producer = f"Cosigne tests {index}"
        cases += [
            (sealer.seal(make_pdf(producer=producer)), True, ""),
            (make_pdf(producer=producer), False, "aucun cachet"),
            (other_school.seal(make_pdf(producer=producer)), False, "certificat non reconnu"),
            (CRAFTED["references_to_each_other"]() + b"%%%d\n" % index, False, ""),
            (b"pas un PDF %d" % index, False, "pas un PDF"),
        ]

    with ThreadPoolExecutor(max_workers=2 * POOL_SIZE + 1) as pool:
        reports = list(pool.map(lambda case: verify(case[0], sealer), cases))

    for (data, trustworthy, said), report in zip(cases, reports, strict=True):
        assert report.sha256 == hashlib.sha256(data).hexdigest()
        assert report.trustworthy == trustworthy
        assert bool(report.problems) != trustworthy
        assert any(said in problem for problem in report.problems) or trustworthy


def _workers() -> set[int]:
    """Our live analysis workers (direct children running `signing.analysis`)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile
        if (
            fields[0] != "Z"
            and int(fields[1]) == os.getpid()
            and b"signing.pdf.analysis" in cmdline
        ):
            found.add(int(stat.parent.name))
    return found


def _reaped(pid: int) -> bool:
    """Ended and waited for: neither running nor a zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _eventually(condition: Callable[[], bool]) -> bool:
    """Whether `condition` holds within `MARGIN` (a replacement starts in the background)."""
    give_up = time.monotonic() + MARGIN
    while not condition() and time.monotonic() < give_up:
        time.sleep(0.05)
    return condition()


def _settled(expected: int) -> set[int]:
    """The workers, once a replacement being started in the background is ready."""
    give_up = time.monotonic() + MARGIN
    while len(workers := set(analysis_workers())) < expected and time.monotonic() < give_up:
        time.sleep(0.05)
    return workers


@pytest.mark.parametrize(
    ("hostile", "limits", "said"),
    [
        (slow_pdf, {"timeout_s": 0.3}, "dans le temps imparti"),
        (slow_pdf, {"memory_bytes": 8 * 2**20}, "trop de mémoire"),
        (CRAFTED["arrays_nested_200000_deep"], {"timeout_s": TIMEOUT}, ""),
        (CRAFTED["decompression_bomb_as_field_list"], {"timeout_s": TIMEOUT}, ""),
        (lambda: b"%PDF-1.7\n" + b" " * 4096, {"max_bytes": 2048}, "taille maximale"),
    ],
    ids=["too_slow", "too_greedy", "deep_nesting", "bomb", "oversized"],
)
def test_after_a_hostile_file_the_next_one_is_verified(
    sealer: Sealer,
    sealed: bytes,
    hostile: Callable[[], bytes],
    limits: dict[str, float],
    said: str,
) -> None:
    warm_up()
    before = _settled(1)

    report = verify(hostile(), sealer, **limits)

    assert not report.seal_valid
    assert any(said in problem for problem in report.problems)
    assert verify(sealed, sealer).trustworthy
    gone = {pid for pid in before if pid not in _workers()}
    assert all(_reaped(pid) for pid in gone)  # a worker killed for its file leaves no zombie
    assert _eventually(lambda: _workers() == set(analysis_workers()))  # nothing else lingers


def test_a_worker_stopped_at_its_deadline_is_replaced(sealer: Sealer, sealed: bytes) -> None:
    warm_up()
    before = _settled(1)

    verify(slow_pdf(), sealer, timeout_s=0.3)

    (killed,) = before - _workers()
    assert _reaped(killed)
    assert killed not in _settled(len(before))
    assert verify(sealed, sealer).trustworthy


def test_a_worker_killed_from_outside_is_replaced_unseen(sealer: Sealer, sealed: bytes) -> None:
    warm_up()
    workers = _settled(1)

    for pid in workers:  # every idle one: the next file can only meet a dead worker
        os.kill(pid, signal.SIGKILL)

    report = verify(sealed, sealer)

    assert report.trustworthy
    assert report.problems == ()
    assert all(_reaped(pid) for pid in workers)
    assert not workers & set(analysis_workers())


def test_a_worker_serves_one_file_after_another(sealer: Sealer, sealed: bytes) -> None:
    verify(sealed, sealer)
    assert _eventually(lambda: _workers() == set(analysis_workers()))  # none starting
    before = set(analysis_workers())

    for _ in range(5):
        assert verify(sealed, sealer).trustworthy

    assert set(analysis_workers()) == before  # no process started per file


def test_a_forked_process_verifies_with_workers_of_its_own(sealer: Sealer, sealed: bytes) -> None:
    """As a gunicorn worker forked from a master that had already verified a file."""
    verify(sealed, sealer)
    parents = set(analysis_workers())
    reading, writing = os.pipe()

    pid = os.fork()
    if pid == 0:  # the child: answers through the pipe, never returns to pytest
        try:
            trustworthy = verify(sealed, sealer).trustworthy
            own = set(analysis_workers())
            os.write(writing, b"%d %d" % (trustworthy, bool(own) and not own & parents))
        finally:
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as answer:
        said = answer.read()
    os.waitpid(pid, 0)

    assert said == b"1 1"
    assert set(analysis_workers()) == parents
    assert verify(sealed, sealer).trustworthy  # ours still work


def test_the_analysis_processes_see_none_of_the_application_environment(
    sealer: Sealer, sealed: bytes
) -> None:
    verify(sealed, sealer)

    assert analysis_workers()
    for pid in analysis_workers():
        assert Path(f"/proc/{pid}/environ").read_bytes() == b""
