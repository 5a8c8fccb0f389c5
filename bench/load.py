"""Load benchmark: `policyqa serve` on loopback under N concurrent async clients.

Run on demand (not a unit test, not in CI):

    python bench/load.py [--clients 50] [--duration 30] [--index-dir DIR]

Starts ``python -m policyqa.cli serve --port N`` (the real server, index loaded once),
then drives, one phase after the other, ``GET /healthz`` (the baseline: the same server,
HTTP stack and client, no engine work), ``GET /api/search`` and ``POST /api/ask`` with
``--clients`` closed-loop clients each for ``--duration`` seconds (httpx.AsyncClient;
every request has a timeout, every phase stops by itself). Reports throughput, p50/p95/p99
latency and errors per phase, ratios to the baseline, and the machine's load average
(the client shares the machine with the server). Writes bench/results/load.json and
appends a results section to bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from policyqa.web.spawn import ServerFailed, serve_subprocess

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "load.json"
README = ROOT / "bench" / "README.md"

QUESTIONS = [
    "两江新区推进西部陆海新通道建设由哪个部门牵头？",
    "到2030年重庆研发经费投入强度目标是多少？",
    "Which body leads the Western Land-Sea corridor task?",
    "两江新区实施方案第27条",
    "成渝地区双城经济圈建设的总体要求是什么？",
    "轨道交通建设的目标",
    "规划纲要第六章第二节",
    "优化营商环境由谁负责？",
    "数字经济发展重点任务",
    "2026—2030年行动方案 第十三条",
    "科技创新中心建设",
    "生态环境保护共建",
]


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def phase(
    base: str, name: str, clients: int, duration: float, timeout: float
) -> dict[str, Any]:
    questions = itertools.cycle(QUESTIONS)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.monotonic() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def request(c: httpx.AsyncClient) -> httpx.Response:
        if name == "healthz":
            return await c.get("/healthz")
        if name == "search":
            return await c.get("/api/search", params={"q": next(questions), "k": 10})
        return await c.post("/api/ask", json={"question": next(questions)})

    async def client(c: httpx.AsyncClient) -> None:
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            try:
                r = await request(c)
                ok = r.status_code == 200
                kind = f"http {r.status_code}"
            except httpx.HTTPError as err:
                ok, kind = False, type(err).__name__
            ms = (time.perf_counter() - t0) * 1000
            if ok:
                latencies.append(ms)
            else:
                errors[kind] = errors.get(kind, 0) + 1

    load_before = os.getloadavg()
    async with httpx.AsyncClient(
        base_url=base, timeout=timeout, limits=limits, trust_env=False
    ) as c:
        await request(c)  # warm-up, not counted
        t0 = time.monotonic()
        await asyncio.wait_for(
            asyncio.gather(*(client(c) for _ in range(clients))), duration + timeout + 5
        )
        elapsed = time.monotonic() - t0
    return {
        "route": {"healthz": "GET /healthz", "search": "GET /api/search", "ask": "POST /api/ask"}[
            name
        ],
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": len(latencies) + sum(errors.values()),
        "ok": len(latencies),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": _r(percentile(latencies, 0.50)),
        "p95_ms": _r(percentile(latencies, 0.95)),
        "p99_ms": _r(percentile(latencies, 0.99)),
        "max_ms": _r(max(latencies) if latencies else None),
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
    }


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=30.0, help="seconds per phase")
    ap.add_argument("--timeout", type=float, default=30.0, help="per-request timeout (s)")
    ap.add_argument("--phases", default="healthz,search,ask")
    ap.add_argument("--index-dir", help="index to serve (default: the server's default)")
    ap.add_argument("--no-readme", action="store_true", help="do not append to bench/README.md")
    ap.add_argument("--out", default=str(RESULTS), help="results file (default %(default)s)")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "POLICYQA_DB_PATH": str(Path(tmp) / "bench.db"),
            "NO_PROXY": "127.0.0.1,localhost",
        }
        server_args = ["--index-dir", args.index_dir] if args.index_dir else []
        try:
            with serve_subprocess(server_args, env=env, ready_timeout=120) as served:
                results = {}
                for name in args.phases.split(","):
                    print(f"{name}: {args.clients} clients for {args.duration:g} s …", flush=True)
                    results[name] = asyncio.run(
                        phase(served.url, name, args.clients, args.duration, args.timeout)
                    )
                    print("  " + json.dumps(results[name], ensure_ascii=False), flush=True)
                alive = served.proc.poll() is None
        except ServerFailed as err:
            raise SystemExit(str(err)) from None

    base_r = results.get("healthz")
    for name, r in results.items():
        if base_r and name != "healthz" and base_r["p50_ms"] and r["p50_ms"]:
            r["vs_healthz"] = {
                "p50_ratio": round(r["p50_ms"] / base_r["p50_ms"], 1),
                "p99_ratio": round(r["p99_ms"] / base_r["p99_ms"], 1),
                "throughput_ratio": round(r["throughput_rps"] / base_r["throughput_rps"], 3),
            }
    command = "python " + " ".join(shlex.quote(a) for a in ["bench/load.py", *sys.argv[1:]])
    out = {
        "benchmark": "load",
        "command": command,
        "results_file": str(Path(args.out)),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpus": os.cpu_count(),
        "server_survived": alive,
        "target": "search: zero errors, p99 <= 200 ms",
        "search_target_met": bool(
            "search" in results
            and results["search"]["errors"] == 0
            and (results["search"]["p99_ms"] or 1e9) <= 200
        ),
        "notes": (
            "closed-loop clients on the same machine as the server; sync routes run in "
            "anyio's threadpool (40 threads by default), so with 50 clients up to 10 "
            "requests queue before a thread is free"
        ),
        "phases": results,
    }
    dest = Path(args.out)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {dest}")
    if not args.no_readme:
        append_readme(out)


def append_readme(out: dict[str, Any]) -> None:
    rows = [
        "| route | clients | requests | errors | req/s | p50 ms | p95 ms | p99 ms | "
        "p50 / healthz | load avg (1 min) before→after |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in out["phases"].values():
        ratio = r.get("vs_healthz", {}).get("p50_ratio", "—")
        rows.append(
            f"| {r['route']} | {r['clients']} | {r['requests']} | {r['errors']} | "
            f"{r['throughput_rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
            f"{ratio} | {r['loadavg_before'][0]}→{r['loadavg_after'][0]} |"
        )
    text = (
        f"\n### Load: {out['when']} ({out['cpus']} CPUs)\n\n`{out['command']}`\n\n"
        + "\n".join(rows)
        + f"\n\nSearch target (0 errors, p99 ≤ 200 ms) met: {out['search_target_met']}; "
        f"server alive at the end: {out['server_survived']}.\n"
    )
    if not README.exists():
        README.write_text(README_HEAD, encoding="utf-8")
    with README.open("a", encoding="utf-8") as f:
        f.write(text)


README_HEAD = """# Benchmarks

Run on demand, never in CI or the unit tests. Each writes JSON under `bench/results/`.

## bench/load.py: the server under concurrent load

`python bench/load.py [--clients 50] [--duration 30] [--index-dir DIR]`

Starts `python -m policyqa.cli serve` on a free loopback port (the index and the model are
loaded once at start-up, never per request), then runs three phases one after another, each
with `--clients` closed-loop async clients (httpx.AsyncClient) for `--duration` seconds:
`GET /healthz` (the baseline: same server, HTTP stack and client, no engine work),
`GET /api/search` (k=10) and `POST /api/ask`, cycling through twelve questions. Every request
has a timeout and every phase stops by itself. Reports per phase: requests, errors (non-200 or
transport errors), throughput, p50/p95/p99 latency, the ratio to the baseline and the machine's
1-minute load average before and after (the machine is shared: read the ratios, not only the
absolute numbers). Writes `bench/results/load.json` and appends a section below.
Target: search with zero errors and p99 ≤ 200 ms.

The routes are sync `def`, so the engine's CPU-bound work runs in anyio's threadpool (40
threads by default), never on the event loop; with 50 clients up to 10 requests wait for a
thread. On a 2-core machine throughput is bounded by CPU, so with 50 closed-loop clients the
latency is roughly clients ÷ throughput, whatever the pool size.

## Results
"""


if __name__ == "__main__":
    main()
