"""Latency of the web API: /api/search and /api/ask over the sample questions.

Starts ``policyqa serve`` on a free loopback port (or uses ``--url``), sends each question
of the sample set (field ``question``) to both routes, sequentially, and reports the median
and p95 in milliseconds, plus their ratio to a baseline measured in the same run
(``/healthz``: HTTP + framework overhead without retrieval).

    python bench/web_latency.py [--sample FILE] [--index-dir DIR] [--url URL] [--repeat N]

Writes bench/results/web_latency.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from policyqa.web.spawn import ServerFailed, serve_subprocess

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "eval" / "gold" / "sample.jsonl"
OUT = REPO / "bench" / "results" / "web_latency.json"


@contextmanager
def running_server(index_dir: str | None) -> Iterator[str]:
    try:
        with serve_subprocess(["--index-dir", index_dir] if index_dir else []) as served:
            yield served.url
    except ServerFailed as err:
        sys.exit(str(err))


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def timed(fn: Callable[[], httpx.Response]) -> float:
    t0 = time.perf_counter()
    r = fn()
    elapsed = (time.perf_counter() - t0) * 1000
    if r.status_code != 200:
        raise SystemExit(f"{r.request.method} {r.request.url} -> {r.status_code}: {r.text[:200]}")
    return elapsed


def summary(ms: list[float], baseline: float | None = None) -> dict[str, float]:
    out = {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "max_ms": round(max(ms), 2),
    }
    if baseline:
        out["median_ratio_to_baseline"] = round(out["median_ms"] / baseline, 1)
        out["p95_ratio_to_baseline"] = round(out["p95_ms"] / baseline, 1)
    return out


def measure(url: str, questions: list[str], repeat: int) -> dict:
    with httpx.Client(base_url=url, timeout=60, trust_env=False) as c:
        for q in questions[:3]:  # warm up caches, jieba, the threadpool
            c.get("/api/search", params={"q": q})
            c.post("/api/ask", json={"question": q})
        runs: dict[str, list[float]] = {"healthz": [], "search": [], "ask": []}
        for _ in range(repeat):
            for q in questions:
                runs["healthz"].append(timed(lambda: c.get("/healthz")))
                runs["search"].append(timed(lambda q=q: c.get("/api/search", params={"q": q})))
                runs["ask"].append(timed(lambda q=q: c.post("/api/ask", json={"question": q})))
    base = statistics.median(runs["healthz"])
    return {
        "baseline": {"route": "GET /healthz", **summary(runs["healthz"])},
        "search": {"route": "GET /api/search?q=&k=10", **summary(runs["search"], base)},
        "ask": {"route": "POST /api/ask", **summary(runs["ask"], base)},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=Path, default=SAMPLE)
    ap.add_argument("--index-dir", help="index to serve (default: the configured one)")
    ap.add_argument("--url", help="measure a server that is already running")
    ap.add_argument("--repeat", type=int, default=1, help="passes over the questions")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    questions = [
        json.loads(line)["question"]
        for line in args.sample.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    if args.url:
        results = measure(args.url, questions, args.repeat)
    else:
        with running_server(args.index_dir) as url:
            results = measure(url, questions, args.repeat)
    report = {
        "questions": len(questions),
        "sample": str(args.sample),
        "repeat": args.repeat,
        "sequential": True,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        },
        **results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for key in ("baseline", "search", "ask"):
        r = report[key]
        ratio = (
            f"  (x{r['median_ratio_to_baseline']} / x{r['p95_ratio_to_baseline']} baseline)"
            if key != "baseline"
            else ""
        )
        print(f"{r['route']:28} median {r['median_ms']:8.2f} ms   p95 {r['p95_ms']:8.2f} ms{ratio}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
