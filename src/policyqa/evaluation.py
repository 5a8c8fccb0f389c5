"""Evaluate retrieval and answers on gold sets (``policyqa eval``).

The metric functions at the top are small and pure: they take ranked passage texts (and
their document ids) plus an item's gold strings, and know nothing about the engine.
``evaluate`` runs an engine over gold items and aggregates; ``run_cli`` adds printing,
the history file and the optional HTML report.

Judging follows shared/eval/README.md: all whitespace is removed from passages and gold
strings; a passage is relevant if it contains at least one of the item's gold strings; a
``cross_document`` item is a hit at k only if every named document has a relevant passage
in the top k. An answer is correct if it contains every ``answer`` string (whitespace
removed); for an unanswerable item the answer is correct if the engine abstained.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import BadInput, PolicyQAError
from .retriever import MODES
from .settings import ROOT, Settings
from .verify import squash

if TYPE_CHECKING:
    from .engine import Engine

TYPES = (
    "lead_department",
    "fact",
    "numeric_target",
    "paraphrase",
    "cross_lingual",
    "clause_lookup",
    "cross_document",
    "unanswerable",
)
FIELDS = ("id", "question", "lang", "type", "doc", "gold", "answer", "note")
RANK_DEPTH = 10  # MRR@10, nDCG@10
SLOWEST = 10


# --------------------------------------------------------------------------- metrics


def strip_ws(text: str) -> str:
    """``text`` with all whitespace (including full-width spaces and newlines) removed."""
    return squash(text)


def is_relevant(passage: str, gold: Iterable[str]) -> bool:
    """True if the passage contains at least one gold string, whitespace ignored."""
    p = strip_ws(passage)
    return any(strip_ws(g) in p for g in gold if strip_ws(g))


def relevance(passages: Sequence[str], gold: Sequence[str]) -> list[bool]:
    """Binary relevance of each ranked passage."""
    return [is_relevant(p, gold) for p in passages]


def hit_at_k(rels: Sequence[bool], k: int) -> float:
    """1.0 if any of the top ``k`` passages is relevant."""
    return 1.0 if any(rels[:k]) else 0.0


def docs_hit_at_k(
    passages: Sequence[str],
    passage_docs: Sequence[str],
    gold: Sequence[str],
    docs: Sequence[str],
    k: int,
) -> float:
    """Cross-document rule: 1.0 only if every document in ``docs`` has a relevant passage
    (from that document) within the top ``k``."""
    top = list(zip(passages[:k], passage_docs[:k], strict=True))
    ok = all(any(pd == d and is_relevant(p, gold) for p, pd in top) for d in docs)
    return 1.0 if docs and ok else 0.0


def recall_at_k(passages: Sequence[str], gold: Sequence[str], k: int) -> float:
    """Fraction of the gold strings found in at least one of the top ``k`` passages."""
    golds = [strip_ws(g) for g in gold if strip_ws(g)]
    if not golds:
        return 0.0
    top = [strip_ws(p) for p in passages[:k]]
    return sum(1 for g in golds if any(g in p for p in top)) / len(golds)


def first_relevant_rank(rels: Sequence[bool]) -> int | None:
    """1-based rank of the first relevant passage, or None."""
    return next((i for i, r in enumerate(rels, 1) if r), None)


def reciprocal_rank(rels: Sequence[bool], k: int = RANK_DEPTH) -> float:
    """1/rank of the first relevant passage within the top ``k``, else 0."""
    r = first_relevant_rank(rels[:k])
    return 1.0 / r if r else 0.0


def ndcg_at_k(rels: Sequence[bool], k: int = RANK_DEPTH, n_relevant: int | None = None) -> float:
    """Binary nDCG@k. ``n_relevant`` is how many relevant passages exist in the whole corpus
    (the ideal ranking puts them all first); default: as many as were retrieved."""
    dcg = sum(1.0 / math.log2(i + 1) for i, r in enumerate(rels[:k], 1) if r)
    n = sum(1 for r in rels if r) if n_relevant is None else n_relevant
    n = max(n, sum(1 for r in rels[:k] if r))  # never above 1 if the count was short
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(n, k) + 1))
    return dcg / ideal if ideal else 0.0


def answer_correct(answer: str, abstained: bool, expected: Sequence[str], answerable: bool) -> bool:
    """Answerable: not abstained and contains every expected string (whitespace removed).
    Unanswerable: correct exactly when the engine abstained."""
    if not answerable:
        return abstained
    text = strip_ws(answer)
    return not abstained and all(strip_ws(a) in text for a in expected)


def mean(values: Iterable[float]) -> float | None:
    vals = list(values)
    return sum(vals) / len(vals) if vals else None


# --------------------------------------------------------------------------- gold sets


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    lang: str
    type: str
    doc: tuple[str, ...]
    gold: tuple[str, ...]
    answer: tuple[str, ...]
    note: str
    source: str  # the gold set (file) it came from

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def _str_list(value: Any, where: str, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadInput(f"{where}: field {name!r} must be a list of strings")
    return tuple(value)


def parse_item(obj: Any, where: str, source: str) -> GoldItem:
    """One gold item from a decoded JSON line; BadInput naming ``where`` if malformed."""
    if not isinstance(obj, dict):
        raise BadInput(f"{where}: expected a JSON object")
    missing = [f for f in FIELDS if f not in obj]
    if missing:
        raise BadInput(f"{where}: missing field(s) {', '.join(missing)}")
    for name in ("id", "question", "type"):
        if not isinstance(obj[name], str) or not obj[name].strip():
            raise BadInput(f"{where}: field {name!r} must be a non-empty string")
    if obj["type"] not in TYPES:
        raise BadInput(f"{where}: unknown type {obj['type']!r} (one of {', '.join(TYPES)})")
    item = GoldItem(
        id=obj["id"],
        question=obj["question"],
        lang=str(obj["lang"]),
        type=obj["type"],
        doc=_str_list(obj["doc"], where, "doc"),
        gold=_str_list(obj["gold"], where, "gold"),
        answer=_str_list(obj["answer"], where, "answer"),
        note=str(obj["note"]),
        source=source,
    )
    if item.answerable and not (item.doc and item.gold):
        raise BadInput(f"{where}: answerable item {item.id} needs non-empty 'doc' and 'gold'")
    return item


def set_name(path: Path) -> str:
    """A short stable name for a gold set: the path relative to the checkout if inside it."""
    # absolute but not resolved: a checkout reached through a symlink keeps its names
    p = Path(os.path.abspath(path))
    for base in (ROOT, ROOT.parent):
        try:
            return str(p.relative_to(base))
        except ValueError:
            continue
    return str(p)


def load_gold(paths: Sequence[Path]) -> list[GoldItem]:
    """All items of the given JSONL files, in order; BadInput on any problem."""
    items: list[GoldItem] = []
    seen: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise BadInput(f"gold set {path} does not exist")
        source = set_name(path)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise BadInput(f"gold set {path} cannot be read: {err}") from None
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            where = f"{path}:{n}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as err:
                raise BadInput(f"{where}: not valid JSON ({err.msg})") from None
            item = parse_item(obj, where, source)
            if item.id in seen:
                raise BadInput(f"{where}: duplicate id {item.id} (also in {seen[item.id]})")
            seen[item.id] = source
            items.append(item)
    if not items:
        raise BadInput("the gold sets hold no items")
    return items


def default_gold_paths(settings: Settings) -> list[Path]:
    """eval/gold/dev.jsonl + heldout.jsonl where present, else the public sample."""
    gold = settings.eval_dir / "gold"
    paths = [p for p in (gold / "dev.jsonl", gold / "heldout.jsonl") if p.is_file()]
    return paths or [sample_path(settings)]


def sample_path(settings: Settings) -> Path:
    """The repository's copy of the public sample (shared/eval/sample.jsonl)."""
    return settings.eval_dir / "gold" / "sample.jsonl"


def parse_modes(text: str) -> tuple[str, ...]:
    modes = tuple(dict.fromkeys(m.strip() for m in text.split(",") if m.strip()))
    bad = [m for m in modes if m not in MODES]
    if bad or not modes:
        raise BadInput(f"--modes {text!r}: use a comma list of {', '.join(MODES)}")
    return modes


def parse_ks(text: str, max_k: int) -> tuple[int, ...]:
    try:
        ks = sorted({int(x) for x in text.split(",") if x.strip()})
    except ValueError:
        raise BadInput(f"--k {text!r}: use a comma list of whole numbers, e.g. 1,5,10") from None
    if not ks or ks[0] < 1 or ks[-1] > max_k:
        raise BadInput(f"--k {text!r}: each cut-off must be between 1 and {max_k}")
    return tuple(ks)


# --------------------------------------------------------------------------- running


def _doc_map(engine: Engine) -> dict[str, str]:
    """seed file name (and document id) -> document id."""
    out = {d.doc_id: d.doc_id for d in engine.documents}
    out.update({d.seed_file: d.doc_id for d in engine.documents if d.seed_file})
    return out


def _group(rows: list[dict[str, Any]], names: Sequence[str]) -> dict[str, Any]:
    """Mean of each metric over ``rows`` (plus n)."""
    out: dict[str, Any] = {"n": len(rows)}
    for name in names:
        out[name] = mean(r[name] for r in rows)
    return out


def evaluate(
    engine: Engine,
    items: Sequence[GoldItem],
    modes: Sequence[str] = MODES,
    ks: Sequence[int] = (1, 5, 10),
    answers: bool = True,
) -> dict[str, Any]:
    """Run every item through ``engine.search`` in each mode (and ``engine.ask``); return the
    report dictionary (JSON-serialisable)."""
    ks = tuple(sorted(set(ks) | {5}))  # hit@5 drives the failure list, the plots and history
    depth = max(*ks, RANK_DEPTH)
    docs = _doc_map(engine)
    for it in items:
        unknown = [d for d in it.doc if d not in docs]
        if unknown:
            raise BadInput(f"item {it.id}: unknown document {', '.join(unknown)}")
    clause_text = [(c.clause_id, strip_ws(c.text)) for c in engine.index.clauses]

    def n_relevant(item: GoldItem) -> int:
        golds = [strip_ws(g) for g in item.gold]
        return sum(1 for _, t in clause_text if any(g in t for g in golds))

    unreachable = sorted(
        {
            f"{it.id}: {g}"
            for it in items
            for g in it.gold
            if not any(strip_ws(g) in t for _, t in clause_text)
        }
    )
    metric_names = [f"hit@{k}" for k in ks] + [f"recall@{k}" for k in ks]
    metric_names += ["mrr@10", "ndcg@10"] + [f"chars@{k}" for k in sorted({*ks, RANK_DEPTH})]

    per_item: dict[str, dict[str, Any]] = {
        it.id: {"id": it.id, "set": it.source, "type": it.type, "question": it.question}
        for it in items
    }
    retrieval: dict[str, Any] = {}
    failures: dict[str, list[dict[str, Any]]] = {}
    for mode in modes:
        rows: list[dict[str, Any]] = []
        failures[mode] = []
        for it in items:
            t0 = time.perf_counter()
            try:
                hits = engine.search(it.question, k=depth, mode=mode)
            except PolicyQAError as err:
                raise BadInput(f"item {it.id}: {err}") from None
            ms = (time.perf_counter() - t0) * 1000
            per_item[it.id].setdefault("search_ms", {})[mode] = round(ms, 1)
            if not it.answerable:
                continue
            texts = [h.clause.text for h in hits]
            hdocs = [h.clause.doc_id for h in hits]
            rels = relevance(texts, it.gold)
            want = [docs[d] for d in it.doc]
            row: dict[str, Any] = {"id": it.id, "set": it.source, "type": it.type}
            row["lang"] = it.lang
            row["docs"] = sorted(set(want))
            for k in ks:
                if it.type == "cross_document":
                    row[f"hit@{k}"] = docs_hit_at_k(texts, hdocs, it.gold, sorted(set(want)), k)
                else:
                    row[f"hit@{k}"] = hit_at_k(rels, k)
                row[f"recall@{k}"] = recall_at_k(texts, it.gold, k)
            row["mrr@10"] = reciprocal_rank(rels, RANK_DEPTH)
            row["ndcg@10"] = ndcg_at_k(rels, RANK_DEPTH, n_relevant(it))
            for k in sorted({*ks, RANK_DEPTH}):
                row[f"chars@{k}"] = mean(len(t) for t in texts[:k]) or 0.0
            row["first_rank"] = first_relevant_rank(rels)
            rows.append(row)
            per_item[it.id][mode] = {
                "first_rank": row["first_rank"],
                "hit@5": row["hit@5"],
                "top3": [h.clause.clause_id for h in hits[:3]],
            }
            if not row["hit@5"]:
                failures[mode].append(
                    {
                        "id": it.id,
                        "set": it.source,
                        "type": it.type,
                        "question": it.question,
                        "doc": list(want),
                        "gold": list(it.gold),
                        "first_rank": row["first_rank"],
                        "retrieved": [
                            {"clause_id": h.clause.clause_id, "citation": h.clause.citation}
                            for h in hits[:3]
                        ],
                    }
                )
        ranks = Counter(r["first_rank"] for r in rows)
        retrieval[mode] = {
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
            "first_rank": {
                "found": {str(k): ranks[k] for k in sorted(x for x in ranks if x is not None)},
                "not_found": ranks[None],
                "depth": depth,
            },
        }

    answer_report: dict[str, Any] | None = None
    if answers:
        arows = []
        for it in items:
            t0 = time.perf_counter()
            try:
                ans = engine.ask(it.question)
            except PolicyQAError as err:
                raise BadInput(f"item {it.id}: {err}") from None
            ms = (time.perf_counter() - t0) * 1000
            ok = answer_correct(ans.answer, ans.abstained, it.answer, it.answerable)
            arows.append(
                {"type": it.type, "answerable": it.answerable, "abstained": ans.abstained, "ok": ok}
            )
            per_item[it.id]["ask_ms"] = round(ms, 1)
            per_item[it.id]["answer"] = {"correct": ok, "abstained": ans.abstained}
        ans_ok = [r for r in arows if r["answerable"]]
        unans = [r for r in arows if not r["answerable"]]
        answer_report = {
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
        }

    def total_ms(p: dict[str, Any]) -> float:
        return sum(p.get("search_ms", {}).values()) + p.get("ask_ms", 0.0)

    slowest = sorted(per_item.values(), key=total_ms, reverse=True)[:SLOWEST]
    manifest = engine.manifest
    s = engine.settings
    return {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "sets": [
            {"name": name, "items": n} for name, n in Counter(it.source for it in items).items()
        ],
        "modes": list(modes),
        "ks": list(ks),
        "settings": {
            "encoder": manifest.get("encoder", {}).get("name", s.encoder),
            "answer_mode": s.mode,
            "rrf_k": s.rrf_k,
            "bm25_weight": s.bm25_weight,
            "dense_weight": s.dense_weight,
            "candidates": s.candidates,
            "bm25_k1": manifest.get("bm25", {}).get("k1", s.bm25_k1),
            "bm25_b": manifest.get("bm25", {}).get("b", s.bm25_b),
            "crosslingual_cut": s.crosslingual_cut,
        },
        "counts": {
            "items": len(items),
            "answerable": sum(1 for it in items if it.answerable),
            "by_type": dict(Counter(it.type for it in items)),
        },
        "retrieval": retrieval,
        "answers": answer_report,
        "slowest": [
            {
                "id": p["id"],
                "question": p["question"],
                "total_ms": round(total_ms(p), 1),
                "search_ms": p.get("search_ms", {}),
                "ask_ms": p.get("ask_ms"),
            }
            for p in slowest
        ],
        "failures": failures,
        "unreachable_gold": unreachable,
        "items": list(per_item.values()),
    }


def git_commit() -> str | None:
    """The checkout's short commit (with ``+dirty`` for uncommitted changes), if git works."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
        if head.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
        return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


# --------------------------------------------------------------------------- history


def history_entry(report: dict[str, Any]) -> dict[str, Any]:
    return {
        "timestamp": report["created"],
        "commit": report["commit"],
        "sets": sorted(s["name"] for s in report["sets"]),
        "settings": report["settings"],
        "modes": {
            mode: {
                "hit@5": _round(r["overall"]["hit@5"]),
                "mrr@10": _round(r["overall"]["mrr@10"]),
            }
            for mode, r in report["retrieval"].items()
        },
    }


def previous_entry(history: Path, sets: list[str]) -> dict[str, Any] | None:
    """The last history line evaluated on the same gold sets (unreadable lines skipped)."""
    if not history.is_file():
        return None
    last = None
    for line in history.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict) and entry.get("sets") == sets:
            last = entry
    return last


def deltas(prev: dict[str, Any] | None, cur: dict[str, Any]) -> dict[str, dict[str, float]]:
    """Per mode and metric: current minus previous (modes present in both)."""
    if not prev:
        return {}
    out: dict[str, dict[str, float]] = {}
    for mode, m in cur["modes"].items():
        old = prev.get("modes", {}).get(mode)
        if not old:
            continue
        out[mode] = {
            k: round(v - old[k], 4)
            for k, v in m.items()
            if isinstance(v, int | float) and isinstance(old.get(k), int | float)
        }
    return out


def append_history(history: Path, entry: dict[str, Any]) -> None:
    history.parent.mkdir(parents=True, exist_ok=True)
    with history.open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")


# --------------------------------------------------------------------------- printing


def _round(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(x, nd)


def _fmt(x: float | None, width: int = 7) -> str:
    return f"{'-':>{width}}" if x is None else f"{x:>{width}.3f}"


def _table(title: str, groups: dict[str, dict[str, Any]], ks: Sequence[int]) -> list[str]:
    cols = [f"hit@{k}" for k in ks] + [f"recall@{k}" for k in ks] + ["mrr@10", "ndcg@10"]
    lens = [f"chars@{k}" for k in sorted({*ks, RANK_DEPTH})]
    width = max([len(title)] + [len(g) for g in groups]) + 1
    head = f"{title:<{width}}{'n':>5}" + "".join(f"{c:>10}" for c in cols)
    head += " |" + "".join(f"{c:>10}" for c in lens)
    out = [head]
    for name, g in groups.items():
        line = f"{name:<{width}}{g['n']:>5}" + "".join(_fmt(g[c], 10) for c in cols)
        line += " |" + "".join(f"{'-':>10}" if g[c] is None else f"{g[c]:>10.0f}" for c in lens)
        out.append(line)
    return out


def render_text(report: dict[str, Any], delta: dict[str, dict[str, float]] | None) -> str:
    ks = report["ks"]
    r = report["retrieval"]
    modes = report["modes"]
    lines = [
        "PolicyQA evaluation — "
        + ", ".join(f"{s['name']} ({s['items']})" for s in report["sets"])
        + f"; commit {report['commit'] or '?'}",
        "settings: " + ", ".join(f"{k}={v}" for k, v in report["settings"].items()),
        f"{report['counts']['answerable']} answerable of {report['counts']['items']} items; "
        "chars@k = mean length of the returned top-k passages",
        "",
    ]
    lines += _table("overall", {m: r[m]["overall"] for m in modes}, ks)
    if len(report["sets"]) > 1:
        for s in report["sets"]:
            lines += ["", *_table(s["name"], {m: r[m]["by_set"][s["name"]] for m in modes}, ks)]
    for section, title in (("by_type", "type"), ("by_lang", "language"), ("by_doc", "document")):
        keys = list(dict.fromkeys(k for m in modes for k in r[m][section]))
        lines += ["", f"hit@5 / mrr@10 by {title}"]
        width = max(len(k) for k in keys) + 1
        lines.append(f"{'':<{width}}{'n':>5}" + "".join(f"{m:>18}" for m in modes))
        for key in keys:
            g0 = r[modes[0]][section][key]
            cells = "".join(
                f"{r[m][section][key]['hit@5']:>9.3f}{r[m][section][key]['mrr@10']:>9.3f}"
                for m in modes
            )
            lines.append(f"{key:<{width}}{g0['n']:>5}{cells}")
    a = report["answers"]
    if a:
        lines += [
            "",
            f"answers (engine.ask, mode {a['mode']}): correct {_fmt(a['correct'], 0)} "
            f"(answerable {_fmt(a['correct_answerable'], 0)}), abstention on unanswerable "
            f"{_fmt(a['abstention_unanswerable'], 0)}, false abstention "
            f"{_fmt(a['false_abstention'], 0)}",
        ]
        for t, g in a["by_type"].items():
            lines.append(f"  {t:<16}{g['n']:>4}  correct {_fmt(g['correct'], 0)}")
    lines += ["", "slowest questions (ms: search per mode + ask)"]
    for p in report["slowest"]:
        parts = " ".join(f"{m}={v:.0f}" for m, v in p["search_ms"].items())
        ask = f" ask={p['ask_ms']:.0f}" if p["ask_ms"] is not None else ""
        lines.append(f"  {p['total_ms']:>7.0f}  {p['id']:<8} {parts}{ask}  {p['question'][:40]}")
    for m in modes:
        fails = report["failures"][m]
        lines += ["", f"hit@5 misses, {m}: {len(fails)}"]
        if m != modes[-1]:
            lines[-1] += " (listed in the JSON/HTML report)"
            continue
        for f in fails:
            got = "; ".join(x["citation"] for x in f["retrieved"])
            rank = f"first gold at {f['first_rank']}" if f["first_rank"] else "gold not in top"
            lines.append(f"  {f['id']} [{f['type']}] {f['question'][:60]}")
            lines.append(f"      want {', '.join(f['doc'])} ({rank}); got {got}")
    if report["unreachable_gold"]:
        lines += ["", "gold strings found in no clause text (chunking problem?):"]
        lines += [f"  {u}" for u in report["unreachable_gold"]]
    if delta is not None:
        lines += [""]
        if not delta:
            lines.append("no earlier run on the same gold sets in the history")
        for m, d in delta.items():
            lines.append(
                f"change vs previous run, {m}: " + ", ".join(f"{k} {v:+.3f}" for k, v in d.items())
            )
    return "\n".join(lines)


# --------------------------------------------------------------------------- CLI


def run_cli(args: argparse.Namespace, settings: Settings) -> None:
    """``policyqa eval``: evaluate, print, compare with the last recorded run, optionally
    report; ``--record`` appends this run to eval/history.jsonl (a tracked file)."""
    from .engine import Engine

    modes = parse_modes(args.modes)
    ks = parse_ks(args.k, settings.max_k)
    paths = [Path(p) for p in args.qa] if args.qa else default_gold_paths(settings)
    items = load_gold(paths)
    report_dir = Path(args.report) if args.report else None
    if report_dir is not None:
        from .eval_report import check_available

        check_available()
    engine = Engine.load(settings)
    report = evaluate(engine, items, modes, ks, answers=True)
    history = settings.eval_dir / "history.jsonl"
    entry = history_entry(report)
    delta = deltas(previous_entry(history, entry["sets"]), entry)
    report["delta_vs_previous"] = delta
    if args.record:
        try:
            append_history(history, entry)
        except OSError as err:
            print(f"policyqa: warning: could not append to {history}: {err}", file=sys.stderr)
    if report_dir is not None:
        from .eval_report import write_report

        write_report(report, report_dir)
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(render_text(report, delta))
        if report_dir is not None:
            print(f"\nreport written to {report_dir / 'report.html'}")


# --------------------------------------------------------------------------- baseline

BASELINE_NOTE = (
    "Hybrid hit@5 and MRR@10 guarded by tests/test_evaluation.py (tolerance 0.02). "
    "Update deliberately, in the same commit as the change that moves it: "
    "python -m policyqa.evaluation --write-baseline"
)


def measure_baseline(engine: Engine, paths: Sequence[Path]) -> dict[str, Any]:
    """Retrieval numbers of every mode on ``paths`` in the form eval/baseline.json keeps."""
    items = load_gold(paths)
    report = evaluate(engine, items, modes=MODES, answers=False)
    keep = ("hit@1", "hit@5", "hit@10", "recall@5", "mrr@10", "ndcg@10", "chars@5")
    return {
        "note": BASELINE_NOTE,
        "sets": sorted({it.source for it in items}),
        "tolerance": 0.02,
        "settings": report["settings"],
        "commit": report["commit"],
        "measured": report["created"],
        "modes": {
            m: {k: _round(r["overall"][k]) for k in keep} for m, r in report["retrieval"].items()
        },
    }


def _main(argv: Sequence[str] | None = None) -> int:
    """``python -m policyqa.evaluation --write-baseline``: re-measure eval/baseline.json with
    the default settings on a freshly built index of the checkout's corpus (as the test does)."""
    import tempfile

    from .engine import Engine
    from .settings import load_settings
    from .store import build_index

    parser = argparse.ArgumentParser(prog="python -m policyqa.evaluation")
    parser.add_argument("--write-baseline", action="store_true", help="rewrite the baseline")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        cache = ROOT / "index" / "cache"
        if cache.is_dir():
            import shutil

            shutil.copytree(cache, Path(tmp) / "cache")
        settings = load_settings(environ={}, index_dir=Path(tmp))
        build_index(settings, progress=False)
        baseline = measure_baseline(Engine.load(settings), default_gold_paths(settings))
    text = json.dumps(baseline, ensure_ascii=False, indent=2) + "\n"
    if args.write_baseline:
        (settings.eval_dir / "baseline.json").write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
