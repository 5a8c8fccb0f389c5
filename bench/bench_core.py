"""Benchmark the core engine: index build time and per-question search latency.

Run on demand (not in CI):  python bench/bench_core.py [--repeat 3]
Writes bench/results/core.json and prints a markdown table. Figures are medians; the
baseline in the same run is a BM25-only search, so ratios survive a noisy shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from policyqa.engine import Engine
from policyqa.index.build import build_index
from policyqa.settings import load_settings
from policyqa.text.language import is_english

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "eval" / "gold" / "sample.jsonl"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timed(fn, engine: Engine | None = None) -> float:  # type: ignore[no-untyped-def]
    if engine is not None:  # a new question each time: the query must be embedded again
        engine.retriever._query_vector.cache_clear()
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the questions")
    parser.add_argument("--cold", action="store_true", help="also time a build with no cache")
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in SAMPLE.read_text("utf-8").splitlines()]
    result: dict = {"load_average": os.getloadavg(), "questions": len(questions)}
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(index_dir=Path(tmp) / "index")
        if args.cold:
            result["build_cold_s"] = timed(lambda: build_index(settings, progress=False)) / 1000
            shutil.rmtree(settings.index_dir / "builds")
        else:
            cache = ROOT / "index" / "cache"
            if cache.is_dir():
                shutil.copytree(cache, settings.index_dir / "cache")
        result["build_cached_s"] = timed(lambda: build_index(settings, progress=False)) / 1000
        start = time.perf_counter()
        engine = Engine.load(settings)
        result["load_s"] = time.perf_counter() - start
        for q in questions:  # warm up: first calls pay for lazy initialisation
            engine.search(q, k=10)
        for mode in ("bm25", "dense", "hybrid"):
            times = [
                timed(lambda q=q, mode=mode: engine.search(q, k=10, mode=mode), engine)
                for _ in range(args.repeat)
                for q in questions
            ]
            result[f"search_{mode}_ms"] = {
                "median": statistics.median(times),
                "p95": percentile(times, 0.95),
            }
        # English questions go through the dictionary lexicon: time the two languages apart
        for lang in ("en", "zh"):
            times = [
                timed(lambda q=q: engine.search(q, k=10), engine)
                for _ in range(args.repeat)
                for q in questions
                if is_english(q) == (lang == "en")
            ]
            result[f"search_hybrid_{lang}_ms"] = {
                "median": statistics.median(times),
                "p95": percentile(times, 0.95),
            }
        ask = [timed(lambda q=q: engine.ask(q), engine) for q in questions]
        result["ask_ms"] = {"median": statistics.median(ask), "p95": percentile(ask, 0.95)}
    base = result["search_bm25_ms"]["median"]
    keys = ("search_dense_ms", "search_hybrid_ms", "search_hybrid_en_ms", "search_hybrid_zh_ms")
    for key in (*keys, "ask_ms"):
        result[key]["median_vs_bm25"] = result[key]["median"] / base
    out = ROOT / "bench" / "results" / "core.json"
    out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print("| measure | median | p95 | median ÷ bm25 |\n|---|---|---|---|")
    for key in ("search_bm25_ms", *keys, "ask_ms"):
        r = result[key]
        print(
            f"| {key} | {r['median']:.1f} ms | {r['p95']:.1f} ms | "
            f"{r.get('median_vs_bm25', 1.0):.2f} |"
        )
    print(
        f"build (cached embeddings): {result['build_cached_s']:.1f} s; "
        f"load: {result['load_s']:.2f} s; load average {result['load_average']}"
    )
    if "build_cold_s" in result:
        print(f"build (cold, embedding every clause): {result['build_cold_s']:.1f} s")


if __name__ == "__main__":
    main()
