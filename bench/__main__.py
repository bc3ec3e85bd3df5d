"""`make bench`: each figure of Cosigne's render beside its floor, measured in the same run.

Floors: docxtpl filling the same template with nothing of ours around it; the same DOCX
converted by a warm LibreOffice driven directly over a UNO socket; a cold
`soffice --convert-to pdf` per document (on a profile completed once: its best case).
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from bench.floors import BareUno, ColdSoffice, docxtpl_fill
from signing.data.schema import example_school
from signing.data.validate import validate_document, validate_school
from signing.kinds import spec_of
from signing.pdf.convert import ConverterPool, ConverterSettings
from signing.pdf.pipeline import render_document
from signing.pdf.render import fill, prepare

TODAY = date(2026, 11, 28)
KINDS = ("parcours", "convention")


def example(name: str) -> Any:
    """An example of ``signing``: ``school.json`` (the school) or ``<kind>.json`` (a request)."""
    stem = name.removesuffix(".json")
    return example_school() if stem == "school" else spec_of(stem).example


def timings(action: Callable[[], object], runs: int) -> list[float]:
    action()  # warm caches once; not counted
    result = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        result.append(time.perf_counter() - start)
    return result


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def row(label: str, values: list[float], floor: float | None = None, note: str = "") -> None:
    ms = f"{median(values) * 1000:8.1f} ms  p95 {p95(values) * 1000:8.1f} ms"
    ratio = f"  floor {floor * 1000:7.1f} ms  ratio {median(values) / floor:5.2f}×" if floor else ""
    print(f"  {label:<34}{ms}{ratio}  {note}")


def throughput(processes: int, kind: str, documents: int, work_dir: Path) -> float:
    """Whole renders per second with `processes` LibreOffice processes, one thread each.

    The threads first render a few documents each, at once, so that every process has done its
    slower first conversions before the clock starts."""
    body, school = example(f"{kind}.json"), example("school.json")
    settings = ConverterSettings(work_dir=work_dir, processes=processes)
    with ConverterPool(settings) as pool:
        pool.warm_up()

        def render_all(count: int) -> float:
            remaining = list(range(count))
            lock = threading.Lock()

            def worker() -> None:
                while True:
                    with lock:
                        if not remaining:
                            return
                        remaining.pop()
                    render_document(kind, body["data"], school, today=TODAY, converter=pool)

            threads = [threading.Thread(target=worker) for _ in range(processes)]
            start = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            return time.perf_counter() - start

        render_all(3 * processes)
        return documents / render_all(documents)


def bench_kind(
    kind: str,
    *,
    school: dict[str, Any],
    pool: ConverterPool,
    bare: BareUno,
    cold: ColdSoffice,
    runs: int,
    cold_runs_count: int,
) -> None:
    body = example(f"{kind}.json")
    data = validate_document(kind, body["data"], today=TODAY).data
    school_data = validate_school(school)
    prepared = prepare(kind, data, school_data, on=TODAY)
    docx = fill(prepared)

    validation = timings(lambda: validate_document(kind, body["data"], today=TODAY), runs)
    filling = timings(lambda: fill(prepare(kind, data, school_data, on=TODAY)), runs)
    floor_fill = timings(
        lambda: docxtpl_fill(prepared.template, prepared.context, prepared.environment), runs
    )
    conversion = timings(lambda: pool.convert(docx), runs)
    floor_uno = timings(lambda: bare.convert(docx, pdf_version=2), runs)
    whole = timings(
        lambda: render_document(kind, body["data"], school, today=TODAY, converter=pool), runs
    )
    cold_runs = timings(lambda: cold.convert(docx), cold_runs_count)
    pages = len(PdfReader(io.BytesIO(pool.convert(docx))).pages)
    floors_sum = median(floor_fill) + median(floor_uno)
    print(f"{kind} ({pages} pages)")
    row("validation", validation)
    row("DOCX fill", filling, median(floor_fill), "(floor: docxtpl alone)")
    row("warm conversion", conversion, median(floor_uno), "(floor: bare UNO socket)")
    row("whole render", whole, floors_sum, "(floor: docxtpl + bare UNO)  target ≤ 1.15×")
    row("cold soffice --convert-to", cold_runs)
    speedup = median(cold_runs) / median(whole)
    print(f"  {'speed-up over cold soffice':<34}{speedup:8.2f}×  target ≥ 2×\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30, help="measures per figure")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold soffice conversions")
    parser.add_argument("--documents", type=int, default=60, help="documents per throughput run")
    parser.add_argument("--rounds", type=int, default=5, help="throughput rounds")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="cosigne-bench-"))
    school = example("school.json")
    pool = ConverterPool(ConverterSettings(work_dir=work / "pool"))
    pool.warm_up()
    bare = BareUno()
    cold = ColdSoffice()
    print(f"Cosigne render benchmark — {args.runs} runs per figure, median and p95\n")
    try:
        for kind in KINDS:
            bench_kind(
                kind,
                school=school,
                pool=pool,
                bare=bare,
                cold=cold,
                runs=args.runs,
                cold_runs_count=args.cold_runs,
            )
    finally:
        pool.close()
        bare.close()
        cold.close()

    print(
        f"throughput (whole render of a convention, {args.documents} documents, "
        f"{args.rounds} rounds of 1 then 2 processes, medians)"
    )
    ones, twos = [], []
    for round_ in range(args.rounds):
        ones.append(throughput(1, "convention", args.documents, work / f"t1-{round_}"))
        twos.append(throughput(2, "convention", args.documents, work / f"t2-{round_}"))
    ratios = sorted(t / o for o, t in zip(ones, twos, strict=True))  # each round against itself
    print(f"  {'1 converter process':<34}{median(ones):8.2f} documents/s")
    print(
        f"  {'2 converter processes':<34}{median(twos):8.2f} documents/s  "
        f"ratio {median(ratios):5.2f}× (median of the rounds, {ratios[0]:.2f}–{ratios[-1]:.2f}×)"
        "  target ≥ 1.8×"
    )


if __name__ == "__main__":
    main()
