"""Run an engine over gold items and aggregate: retrieval in each mode, then the answers."""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..answer.compose import compose
from ..engine import Engine
from ..errors import BadInput, PolicyQAError
from ..types import Hit, Mode
from .calibration_report import answerability_summary
from .gold import TYPES, GoldItem
from .metrics import (
    RANK_DEPTH,
    answer_correct,
    docs_hit_at_k,
    first_relevant_rank,
    hit_at_k,
    mean,
    ndcg_at_k,
    recall_at_k,
    reciprocal_rank,
    relevance,
    strip_ws,
)

SLOWEST = 10
Row = dict[str, Any]


def _doc_map(engine: Engine) -> dict[str, str]:
    """seed file name, the name of the file a document was added from, and document id ->
    document id (a gold set over added documents names them as they were added)."""
    out = {Path(d.source).name: d.doc_id for d in engine.documents if d.source}
    out.update({d.doc_id: d.doc_id for d in engine.documents})
    out.update({d.seed_file: d.doc_id for d in engine.documents if d.seed_file})
    return out


def _group(rows: list[Row], names: Sequence[str]) -> Row:
    """Mean of each metric over ``rows`` (plus n)."""
    out: Row = {"n": len(rows)}
    for name in names:
        out[name] = mean(r[name] for r in rows)
    return out


class _Corpus:
    """The gold strings' reach in the index: how many clauses hold them, which none do."""

    def __init__(self, engine: Engine) -> None:
        self.texts = [strip_ws(c.text) for c in engine.index.clauses]

    def n_relevant(self, item: GoldItem) -> int:
        golds = [strip_ws(g) for g in item.gold]
        return sum(1 for t in self.texts if any(g in t for g in golds))

    def unreachable(self, items: Sequence[GoldItem]) -> list[str]:
        return sorted(
            {
                f"{it.id}: {g}"
                for it in items
                for g in it.gold
                if not any(strip_ws(g) in t for t in self.texts)
            }
        )


def _item_row(
    it: GoldItem, hits: list[Hit], want: list[str], ks: Sequence[int], n_relevant: int
) -> Row:
    texts = [h.clause.text for h in hits]
    hdocs = [h.clause.doc_id for h in hits]
    rels = relevance(texts, it.gold)
    row: Row = {"id": it.id, "set": it.source, "type": it.type, "lang": it.lang}
    row["docs"] = sorted(set(want))
    for k in ks:
        if it.type == "cross_document":
            row[f"hit@{k}"] = docs_hit_at_k(texts, hdocs, it.gold, row["docs"], k)
        else:
            row[f"hit@{k}"] = hit_at_k(rels, k)
        row[f"recall@{k}"] = recall_at_k(texts, it.gold, k)
    row["mrr@10"] = reciprocal_rank(rels, RANK_DEPTH)
    row["ndcg@10"] = ndcg_at_k(rels, RANK_DEPTH, n_relevant)
    for k in sorted({*ks, RANK_DEPTH}):
        row[f"chars@{k}"] = mean(len(t) for t in texts[:k]) or 0.0
    row["first_rank"] = first_relevant_rank(rels)
    return row


def _failure(it: GoldItem, want: list[str], row: Row, hits: list[Hit]) -> Row:
    return {
        "id": it.id,
        "set": it.source,
        "type": it.type,
        "question": it.question,
        "doc": list(want),
        "gold": list(it.gold),
        "first_rank": row["first_rank"],
        "retrieved": [
            {"clause_id": h.clause.clause_id, "citation": h.clause.citation} for h in hits[:3]
        ],
    }


def _breakdown(rows: list[Row], metric_names: Sequence[str], engine: Engine) -> Row:
    """Metrics overall and by set, type, language and document."""
    return {
        "overall": _group(rows, metric_names),
        "by_set": {
            s: _group([r for r in rows if r["set"] == s], metric_names)
            for s in dict.fromkeys(r["set"] for r in rows)
        },
        "by_type": {
            t: _group([r for r in rows if r["type"] == t], metric_names)
            for t in TYPES
            if any(r["type"] == t for r in rows)
        },
        "by_lang": {
            lang: _group([r for r in rows if r["lang"] == lang], metric_names)
            for lang in sorted({r["lang"] for r in rows})
        },
        "by_doc": {
            d.doc_id: _group([r for r in rows if d.doc_id in r["docs"]], metric_names)
            for d in engine.documents
            if any(d.doc_id in r["docs"] for r in rows)
        },
    }


def _retrieval(
    engine: Engine,
    items: Sequence[GoldItem],
    mode: Mode,
    ks: Sequence[int],
    per_item: dict[str, Row],
    corpus: _Corpus,
) -> tuple[Row, list[Row]]:
    """One mode's metrics and its hit@5 misses."""
    depth = max(*ks, RANK_DEPTH)
    docs = _doc_map(engine)
    rows: list[Row] = []
    failures: list[Row] = []
    for it in items:
        t0 = time.perf_counter()
        try:
            hits = engine.search(it.question, k=depth, mode=mode)
        except PolicyQAError as err:
            raise BadInput(f"item {it.id}: {err}") from None
        per_item[it.id].setdefault("search_ms", {})[mode] = round(
            (time.perf_counter() - t0) * 1000, 1
        )
        if not it.answerable:
            continue
        want = [docs[d] for d in it.doc]
        row = _item_row(it, hits, want, ks, corpus.n_relevant(it))
        rows.append(row)
        top3 = [h.clause.clause_id for h in hits[:3]]
        per_item[it.id][mode] = {"first_rank": row["first_rank"], "hit@5": row["hit@5"]}
        per_item[it.id][mode]["top3"] = top3
        if not row["hit@5"]:
            failures.append(_failure(it, want, row, hits))
    metric_names = [f"hit@{k}" for k in ks] + [f"recall@{k}" for k in ks]
    metric_names += ["mrr@10", "ndcg@10"] + [f"chars@{k}" for k in sorted({*ks, RANK_DEPTH})]
    report = _breakdown(rows, metric_names, engine)
    ranks = Counter(r["first_rank"] for r in rows)
    report["first_rank"] = {
        "found": {str(k): ranks[k] for k in sorted(x for x in ranks if x is not None)},
        "not_found": ranks[None],
        "depth": depth,
    }
    return report, failures


def _answers(engine: Engine, items: Sequence[GoldItem], per_item: dict[str, Row]) -> Row:
    """Answer correctness overall and by type, abstention and false abstention."""
    arows: list[Row] = []
    for it in items:
        t0 = time.perf_counter()
        try:
            prepared = engine.prepare(it.question)
            ans = compose(prepared, engine.retrieve(prepared.retrievals), engine.settings)
        except PolicyQAError as err:
            raise BadInput(f"item {it.id}: {err}") from None
        ms = (time.perf_counter() - t0) * 1000
        ok = answer_correct(ans.answer, ans.abstained, it.answer, it.answerable)
        arows.append(
            {
                "type": it.type,
                "answerable": it.answerable,
                "abstained": ans.abstained,
                "ok": ok,
                "p": prepared.probability,
            }
        )
        per_item[it.id]["ask_ms"] = round(ms, 1)
        per_item[it.id]["answer"] = {
            "correct": ok,
            "abstained": ans.abstained,
            "p_answerable": round(prepared.probability, 4),
            "kind": str(ans.kind),
            "cited": [c.clause_id for c in ans.citations],
        }
    ans_ok = [r for r in arows if r["answerable"]]
    unans = [r for r in arows if not r["answerable"]]
    return {
        "mode": engine.settings.mode,
        "n": len(arows),
        "correct": mean(float(r["ok"]) for r in arows),
        "correct_answerable": mean(float(r["ok"]) for r in ans_ok),
        "abstention_unanswerable": mean(float(r["abstained"]) for r in unans),
        "false_abstention": mean(float(r["abstained"]) for r in ans_ok),
        "by_type": {
            t: {
                "n": sum(1 for r in arows if r["type"] == t),
                "correct": mean(float(r["ok"]) for r in arows if r["type"] == t),
            }
            for t in TYPES
            if any(r["type"] == t for r in arows)
        },
        "answerability": answerability_summary(
            [r["p"] for r in arows], [r["answerable"] for r in arows]
        ),
    }


def _settings(engine: Engine) -> Row:
    manifest, s = engine.manifest, engine.settings
    return {
        "encoder": manifest.get("encoder", {}).get("name", s.encoder),
        "answer_mode": s.mode,
        "rrf_k": s.rrf_k,
        "bm25_weight": s.bm25_weight,
        "dense_weight": s.dense_weight,
        "candidates": s.candidates,
        "bm25_k1": manifest.get("bm25", {}).get("k1", s.bm25_k1),
        "bm25_b": manifest.get("bm25", {}).get("b", s.bm25_b),
        "crosslingual_cut": s.crosslingual_cut,
    }


def _slowest(per_item: dict[str, Row]) -> list[Row]:
    def total_ms(p: Row) -> float:
        return float(sum(p.get("search_ms", {}).values()) + p.get("ask_ms", 0.0))

    slowest = sorted(per_item.values(), key=total_ms, reverse=True)[:SLOWEST]
    return [
        {
            "id": p["id"],
            "question": p["question"],
            "total_ms": round(total_ms(p), 1),
            "search_ms": p.get("search_ms", {}),
            "ask_ms": p.get("ask_ms"),
        }
        for p in slowest
    ]


def evaluate(
    engine: Engine,
    items: Sequence[GoldItem],
    modes: Sequence[Mode] = tuple(Mode),
    ks: Sequence[int] = (1, 5, 10),
    answers: bool = True,
) -> Row:
    """Run every item through ``engine.search`` in each mode (and ``engine.ask``); return the
    report dictionary (JSON-serialisable)."""
    modes = [Mode(m) for m in modes]
    ks = tuple(sorted(set(ks) | {5}))  # hit@5 drives the failure list, the plots and history
    docs = _doc_map(engine)
    for it in items:
        unknown = [d for d in it.doc if d not in docs]
        if unknown:
            raise BadInput(f"item {it.id}: unknown document {', '.join(unknown)}")
    corpus = _Corpus(engine)
    per_item: dict[str, Row] = {
        it.id: {"id": it.id, "set": it.source, "type": it.type, "question": it.question}
        for it in items
    }
    retrieval: Row = {}
    failures: dict[str, list[Row]] = {}
    for mode in modes:
        retrieval[mode], failures[mode] = _retrieval(engine, items, mode, ks, per_item, corpus)
    answer_report = _answers(engine, items, per_item) if answers else None
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "sets": [
            {"name": name, "items": n} for name, n in Counter(it.source for it in items).items()
        ],
        "modes": [str(m) for m in modes],
        "ks": list(ks),
        "settings": _settings(engine),
        "counts": {
            "items": len(items),
            "answerable": sum(1 for it in items if it.answerable),
            "by_type": dict(Counter(it.type for it in items)),
        },
        "retrieval": {str(m): r for m, r in retrieval.items()},
        "answers": answer_report,
        "slowest": _slowest(per_item),
        "failures": {str(m): f for m, f in failures.items()},
        "unreachable_gold": corpus.unreachable(items),
        "items": list(per_item.values()),
    }


def git_commit() -> str | None:
    """The checkout's short commit (with ``+dirty`` for uncommitted changes), if git works."""
    here = Path(__file__).resolve().parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=5,
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=5,
        )
        return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None
