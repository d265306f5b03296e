"""Time the big-deck paths of interop: a 35,000-card deck to .apkg (target ≤ 10 s) and a
35,000-row CSV imported into a fresh collection (target ≤ 5 s).

Run: `.venv/bin/python bench/bench_interop.py [--runs N] [--cards N]`. Prints the median and the
spread of N runs. The deck mixes typed, choice and reveal cards with a few sources; the CSV import
is the whole `trainer deck import FILE.csv` path (read, validate every row, compile, store, keep
the TOML), each run into a new database. The CPU time of the import (this process) is printed
beside its wall time (and beside the export's): on a shared machine the wall time grows with the
other users' load, so the load average at the start and the end of the runs is printed too.
"""

from __future__ import annotations

import argparse
import os
import csv
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from trainer.content.cards import Card, CardKind, CompiledDeck, DeckInfo, SourceRef, card_id
from trainer.interop.anki_export import write_apkg
from trainer.interop.sheet_import import SheetOptions, import_sheet
from reference import cpu_reference_ms
from trainer.store.db import open_store

ROOTS = ("C5", "C6", "C7", "C8", "T1", "L2", "L3", "L4", "L5", "S1")


def big_deck(n: int) -> CompiledDeck:
    """n cards: two typed, one choice and one reveal in every four."""
    cards = []
    for i in range(n):
        root = ROOTS[i % len(ROOTS)]
        kind = (CardKind.TYPED_ROOT, CardKind.TYPED_ROOT, CardKind.CHOICE, CardKind.REVEAL)[i % 4]
        choices = (root, "L1", "T12", "S2") if kind == CardKind.CHOICE else ()
        cards.append(
            Card(
                id=card_id("big", "card", f"card:{i}"), deck_id="big", template="card", fact_key=f"card:{i}", kind=kind,
                prompt=f"Question {i}: which root supplies landmark number {i}?",
                answer=root if kind != CardKind.REVEAL else f"The back of card {i}.",
                accepted=(root,) if kind != CardKind.REVEAL else (f"The back of card {i}.",),
                explanation=f"Landmark {i} lies in the {root} dermatome.", sources=("SRC",),
                choices=choices, choice_roots=choices, tags=("bench",), answer_root=root,
            )
        )  # fmt: skip
    info = DeckInfo(id="big", title="Big deck", version="1.0.0", sources=(SourceRef("SRC", "A citation.", "https://example.org"),))
    return CompiledDeck(info=info, cards=tuple(cards))


def big_csv(path: Path, n: int) -> None:
    """A sheet of n rows: id, question, answer, wrong answers (every other row), source, tags."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "question", "answer", "wrong answers", "why", "source", "tags"])
        for i in range(n):
            root = ROOTS[i % len(ROOTS)]
            wrong = "L1;T12;S2" if i % 2 else ""
            writer.writerow([f"q{i}", f"Question {i}: which root supplies landmark {i}?", root, wrong, f"Landmark {i} is {root}.", "Netter FH. Atlas of Human Anatomy. 2018.", "bench"])


def _median(label: str, samples: list[float], target: float, cpu: list[float] | None = None) -> None:
    print(
        f"{label:<28} median {statistics.median(samples):6.2f} s  "
        f"(min {min(samples):.2f}, max {max(samples):.2f}; target ≤ {target:g} s)"
        + (f"; CPU median {statistics.median(cpu):.2f} s" if cpu else "")
    )


def _load(before: tuple[float, float, float], reference_ms: float) -> str:
    """The machine's load average (1, 5, 15 min) and speed (bench/reference.py) when the runs began and now."""
    now = os.getloadavg()
    return (
        "load average " + " ".join(f"{x:.2f}" for x in before) + " at the start, " + " ".join(f"{x:.2f}" for x in now)
        + f" at the end; CPU reference {reference_ms:.0f} ms at the start, {cpu_reference_ms():.0f} ms at the end"
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cards", type=int, default=35_000)
    args = parser.parse_args()
    load_before, reference_before = os.getloadavg(), cpu_reference_ms()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        deck = big_deck(args.cards)
        apkg, apkg_cpu = [], []
        for run in range(args.runs):
            start, started_cpu = time.perf_counter(), time.process_time()
            write_apkg(deck, tmp / f"big{run}.apkg", exported_at=datetime(2026, 1, 1, tzinfo=UTC))
            apkg.append(time.perf_counter() - start)
            apkg_cpu.append(time.process_time() - started_cpu)
        sheet = tmp / "big.csv"
        big_csv(sheet, args.cards)
        imports, cpu = [], []
        for run in range(args.runs):
            store = open_store(f"sqlite:///{tmp / f'big{run}.db'}")
            try:
                start, started_cpu = time.perf_counter(), time.process_time()
                report = import_sheet(store, sheet, SheetOptions(mapping={}), now=datetime(2026, 1, 1, tzinfo=UTC))
                imports.append(time.perf_counter() - start)
                cpu.append(time.process_time() - started_cpu)
                assert report.added == args.cards
            finally:
                store.close()
    print(f"{args.cards} cards, {args.runs} runs each; {_load(load_before, reference_before)}")
    _median(".apkg export (genanki)", apkg, 10, apkg_cpu)
    _median("CSV import (whole path)", imports, 5, cpu)


if __name__ == "__main__":
    main()
