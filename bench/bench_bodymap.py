"""Time drawing the body map at 120x40 and 80x24 (target: a render at 120x40 in at most 30 ms).

Run: `.venv/bin/python bench/bench_bodymap.py [--runs N]`. Prints medians (and the spread) of:
- raster, cold: both views' geometry at the widget's size, with the raster cache cleared;
- render, cold: the BodyMap widget painting every line from nothing (cache cleared), in a headless app;
- render, warm: the same after the highlighted root changes (the raster is cached, as in the explorer);
- keypress -> repaint: the explorer selecting the next root and painting it (Pilot press + refresh),
  beside Pilot's baseline for a key that does nothing (the difference is the explorer's own cost);
- load + validate the map file (what the explorer's worker does once, off the UI thread).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from trainer.content.bodymap import Figure, Highlight, load_bodymap
from trainer.content.map_raster import _rasterise, fit
from trainer.content.roots import LEVELS
from trainer.paths import builtin_map_path


def _summary(name: str, samples: list[float]) -> str:
    samples = sorted(samples)
    return (
        f"{name:<34} median {statistics.median(samples):7.2f} ms   "
        f"min {samples[0]:7.2f}   max {samples[-1]:7.2f}   (n={len(samples)})"
    )


async def _widget_times(size: tuple[int, int], terminal: tuple[int, int], runs: int) -> dict[str, list[float]]:
    from textual.app import App, ComposeResult

    from trainer.tui.map_app import MapApp
    from trainer.tui.widgets.body_map import BodyMap

    bodymap = load_bodymap(builtin_map_path())

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield BodyMap(bodymap)

    times: dict[str, list[float]] = {
        "render, cold": [],
        "render, warm": [],
        "keypress -> repaint": [],
        "Pilot baseline (unbound key)": [],
    }
    async with Host().run_test(size=size) as pilot:
        widget = pilot.app.query_one(BodyMap)
        await pilot.pause()
        for index in range(runs):
            root = LEVELS[index % len(LEVELS)]
            widget.set_reactive(BodyMap.figure, Figure((Highlight(root, root),)))
            _rasterise.cache_clear()
            start = time.perf_counter()
            widget._build()
            times["render, cold"].append((time.perf_counter() - start) * 1000)
            widget.set_reactive(BodyMap.figure, Figure((Highlight(LEVELS[(index + 1) % 28], "x"),)))
            start = time.perf_counter()
            widget._build()
            times["render, warm"].append((time.perf_counter() - start) * 1000)
    async with MapApp("C2").run_test(size=terminal) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        for _ in range(runs):
            # Pilot's own cost (posting the key, waiting for idle) is measured with a key that does nothing.
            start = time.perf_counter()
            await pilot.press("x")
            await pilot.pause()
            times["Pilot baseline (unbound key)"].append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            await pilot.press("down")
            await pilot.pause()
            times["keypress -> repaint"].append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    path = builtin_map_path()
    start = time.perf_counter()
    bodymap = load_bodymap(path)
    print(f"map: {path} ({len(bodymap.zones)} zones), first load {1000 * (time.perf_counter() - start):.0f} ms")
    loads = []
    for _ in range(5):
        start = time.perf_counter()
        load_bodymap(path)
        loads.append((time.perf_counter() - start) * 1000)
    print(_summary("load + validate the map", loads))
    for size in ((120, 40), (80, 24)):
        cols, rows = fit(bodymap.aspect, (size[0] * 56 // 100 - 2) // 2, size[1] - 4)
        rasters = []
        for _ in range(args.runs):
            _rasterise.cache_clear()
            start = time.perf_counter()
            for view in ("front", "back"):
                _rasterise(bodymap, view, "dermatome", cols, 2 * rows)
            rasters.append((time.perf_counter() - start) * 1000)
        print(f"\n{size[0]}x{size[1]} terminal (explorer: each view {cols}x{rows} cells)")
        print(_summary("raster, cold (both views)", rasters))
        explorer = (size[0] * 56 // 100, size[1] - 1)
        for name, samples in asyncio.run(_widget_times(explorer, size, args.runs)).items():
            print(_summary(name, samples))


if __name__ == "__main__":
    main()
