"""The evaluation report as text (what ``policyqa eval`` prints)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .metrics import RANK_DEPTH


def round_or_none(x: float | None, nd: int = 4) -> float | None:
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
        if s := a.get("answerability"):
            at = s["at_threshold"]
            lines.append(
                f"answerability threshold {s['threshold']:.3f}: false not-found "
                f"{at['false_not_found']:.3f}, abstention {at['abstention']:.3f}; "
                "predicted vs observed: "
                + ", ".join(
                    f"{b['predicted']:.2f}/{b['observed']:.2f} (n={b['n']})"
                    for b in s["reliability"]
                )  # fmt: skip
            )
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
