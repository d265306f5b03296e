"""Time loading + validating + generating every built-in deck together (target: under 100 ms).

Run: `.venv/bin/python bench/bench_generate.py [--runs N]`. Prints the median and spread of
N runs of each stage, in this process (warm imports, as in the running app).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from trainer.content.generate import compile_deck
from trainer.content.loader import load_deck
from trainer.paths import builtin_deck_paths


def _time(fn, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    paths: list[Path] = builtin_deck_paths()
    decks = [load_deck(path) for path in paths]
    cards = sum(len(compile_deck(deck).cards) for deck in decks)
    stages = {
        "load + validate": lambda: [load_deck(path) for path in paths],
        "generate": lambda: [compile_deck(deck) for deck in decks],
        "load + validate + generate": lambda: [compile_deck(load_deck(path)) for path in paths],
    }
    size = sum(path.stat().st_size for path in paths) / 1024
    names = ", ".join(path.name for path in paths)
    print(f"decks: {names} ({size:.0f} KB, {cards} cards), {args.runs} runs each")
    for name, fn in stages.items():
        samples = _time(fn, args.runs)
        q = statistics.quantiles(samples, n=20)
        print(f"{name:28s} median {statistics.median(samples):7.2f} ms   p5 {q[0]:7.2f}   p95 {q[-1]:7.2f}")


if __name__ == "__main__":
    main()
