"""The final PDF's stages on a real convention with six signers, each beside its floor measured
in the same run: pypdf reading and writing the same file untouched (for the stamp and the
certificate, each a read-modify-write), pyHanko sealing with the key loaded once and the room
reserved, a plain write + fsync (for the archive); and verification beside pyHanko's validation.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from PIL import Image, ImageDraw
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter

from bench.__main__ import median, p95, timings
from signing.data.schema import example_school
from signing.kinds import spec_of
from signing.pdf.archive import Archive
from signing.pdf.certificate import append_audit_pages
from signing.pdf.certificate_records import AuditTrail, SignerRecord, TrailEvent
from signing.pdf.convert import ConverterPool, ConverterSettings
from signing.pdf.dev_seal import ensure_dev_seal
from signing.pdf.pipeline import render_document
from signing.pdf.seal import Sealer
from signing.pdf.stamp import SignatureMark, stamp
from signing.pdf.verify import verify_pdf, warm_up

TODAY = date(2026, 11, 28)


def example(name: str) -> dict:
    """An example of ``signing``: ``school.json`` (the school) or ``<kind>.json`` (a request)."""
    stem = name.removesuffix(".json")
    return example_school() if stem == "school" else spec_of(stem).example


def scribble() -> bytes:
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.line(
        [(20, 150), (120, 40), (220, 160), (330, 50), (450, 170), (580, 60)], fill="black", width=8
    )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def pypdf_roundtrip(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def bare_seal(signer: signers.Signer, pdf: bytes, reserved: int) -> bytes:
    meta = signers.PdfSignatureMetadata(field_name="Floor", certify=True)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return signers.PdfSigner(meta, signer).sign_pdf(writer, bytes_reserved=reserved).getvalue()


def plain_write(folder: Path, data: bytes) -> None:
    path = folder / f"{time.perf_counter_ns()}.pdf"
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def paired_timings(
    action: Callable[[], object], floor: Callable[[], object], runs: int
) -> tuple[list[float], list[float]]:
    """`timings` of both, one run of each in turn (after one of each to warm caches)."""
    action()
    floor()
    measured: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for values, call in zip(measured, (action, floor), strict=True):
            start = time.perf_counter()
            call()
            values.append(time.perf_counter() - start)
    return measured


def row(label: str, values: list[float], floor: float | None = None, note: str = "") -> None:
    ms = f"{median(values) * 1000:8.1f} ms  p95 {p95(values) * 1000:8.1f} ms"
    ratio = f"  floor {floor * 1000:7.1f} ms  ratio {median(values) / floor:5.2f}×" if floor else ""
    print(f"  {label:<30}{ms}{ratio}  {note}")


def main(runs: int = 20) -> None:
    work = Path(tempfile.mkdtemp(prefix="cosigne-bench-final-"))
    school = example("school.json")
    body = example("convention.json")
    with ConverterPool(ConverterSettings(work_dir=work / "lo")) as pool:
        rendered = render_document("convention", body["data"], school, today=TODAY, converter=pool)
    pdf = rendered.pdf
    plan = spec_of("convention").plan(rendered.data, rendered.school, TODAY)
    at = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
    png = scribble()
    marks = [SignatureMark(p.anchor, p.full_name, at, png) for p in plan.parties]
    trail = AuditTrail(
        document_id=1,
        kind_title="Convention de stage",
        version=1,
        school_name=school["name"],
        frozen_sha256="0" * 64,
        signers=tuple(
            SignerRecord(
                p.role.value,
                p.role.label,
                p.full_name,
                p.email,
                at,
                "203.0.113.9",
                "Mozilla/5.0 (Android 14) Firefox/132",
                True,
                True,
            )
            for p in plan.parties
        ),
        events=tuple(TrailEvent(at, "signed", p.full_name, p.role.value) for p in plan.parties),
        age_rule="Élève mineur (16 ans) au 28 novembre 2026 : accord du représentant légal requis.",
        verify_url="https://cosigne.example.fr/verifier",
    )
    sealer = Sealer(ensure_dev_seal(work / "seal"))
    stamped = stamp(pdf, marks)
    certified = append_audit_pages(stamped, trail)
    sealed = sealer.seal(certified)
    reserved = sealer._reserve(None)  # no timestamp authority: the bare floor
    archive_runs = iter(range(10**6))

    t_stamp = timings(lambda: stamp(pdf, marks), runs)
    t_audit = timings(lambda: append_audit_pages(stamped, trail), runs)
    t_seal = timings(lambda: sealer.seal(certified), runs)
    t_archive = timings(lambda: Archive(work / f"archive-{next(archive_runs)}").put(sealed), runs)
    t_whole = timings(
        lambda: Archive(work / f"whole-{next(archive_runs)}").put(
            sealer.seal(append_audit_pages(stamp(pdf, marks), trail))
        ),
        runs,
    )
    f_rw = timings(lambda: pypdf_roundtrip(pdf), runs)
    f_seal = timings(lambda: bare_seal(sealer._signer, certified, reserved), runs)
    (work / "plain").mkdir()
    f_write = timings(lambda: plain_write(work / "plain", sealed), runs)
    roots = sealer.trust_roots()
    warm_up()
    context = ValidationContext(trust_roots=roots)

    def pyhanko_alone() -> None:
        reader = PdfFileReader(io.BytesIO(sealed))
        validate_pdf_signature(reader.embedded_signatures[0], context, skip_diff=True)

    # Verification is cheap beside its neighbours' noise: more runs, taken in turn with its
    # floor so that both see the same load on the machine.
    t_verify, f_verify = paired_timings(
        lambda: verify_pdf(sealed, trust_roots=roots), pyhanko_alone, 3 * runs
    )

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"\nfinal PDF — convention, {pages} pages, {len(marks)} signers, {runs} runs\n")
    row("stamp", t_stamp, median(f_rw), "(floor: pypdf read + write)")
    row("certificate pages", t_audit, median(f_rw), "(floor: pypdf read + write)")
    row("seal", t_seal, median(f_seal), "(floor: pyHanko, key loaded once)")
    row("archive", t_archive, median(f_write), "(floor: write + fsync)")
    floors = 2 * median(f_rw) + median(f_seal) + median(f_write)
    row("finalization", t_whole, floors, "(floor: sum of the four)  target ≤ 1.5×")
    row(
        "verification",
        t_verify,
        median(f_verify),
        "(floor: pyHanko validation alone)  target ≤ 1.2×",
    )


if __name__ == "__main__":
    main()
