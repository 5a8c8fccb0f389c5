"""Before/after tables from two ``policyqa eval --report DIR`` runs over the same gold sets.

    python scripts/compare_reports.py BEFORE/report.json AFTER/report.json > out.md

Per gold set: answers correct (all items), false "not found" (answerable items abstained),
abstention on unanswerables; per set and question type: answers correct; per set and
retrieval mode: hit@5 and MRR@10. Each cell reads ``before → after``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _mean(xs: list[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def _cell(a: float | None, b: float | None) -> str:
    def f(x: float | None) -> str:
        return "–" if x is None else f"{x:.3f}"

    return f"{f(a)} → {f(b)}"


def _answers(report: dict[str, Any], name: str, kind: str | None = None) -> dict[str, Any]:
    items = [
        it
        for it in report["items"]
        if (name == "all" or it["set"] == name) and (kind is None or it["type"] == kind)
    ]
    answerable = [it for it in items if it["type"] != "unanswerable"]
    unanswerable = [it for it in items if it["type"] == "unanswerable"]
    return {
        "n": len(items),
        "correct": _mean([float(it["answer"]["correct"]) for it in items]),
        "false_not_found": _mean([float(it["answer"]["abstained"]) for it in answerable]),
        "abstention": _mean([float(it["answer"]["abstained"]) for it in unanswerable]),
    }


def tables(before: dict[str, Any], after: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    sets = [s["name"] for s in after["sets"]] + ["all"]
    kinds = list(dict.fromkeys(it["type"] for it in after["items"]))
    out = ["| set | n | answers correct | false not-found | unanswerables abstained |"]
    out.append("|---|---|---|---|---|")
    data: dict[str, Any] = {"sets": {}, "kinds": {}, "retrieval": {}}
    for s in sets:
        b, a = _answers(before, s), _answers(after, s)
        data["sets"][s] = {"before": b, "after": a}
        out.append(
            f"| {s} | {a['n']} | {_cell(b['correct'], a['correct'])} | "
            f"{_cell(b['false_not_found'], a['false_not_found'])} | "
            f"{_cell(b['abstention'], a['abstention'])} |"
        )
    out += ["", "Answers correct per question type:", ""]
    out.append("| type | " + " | ".join(sets) + " |")
    out.append("|---|" + "---|" * len(sets))
    for k in kinds:
        cells = []
        for s in sets:
            b, a = _answers(before, s, k), _answers(after, s, k)
            data["kinds"].setdefault(k, {})[s] = {"before": b, "after": a}
            cells.append(f"{_cell(b['correct'], a['correct'])} ({a['n']})" if a["n"] else "")
        out.append(f"| {k} | " + " | ".join(cells) + " |")
    out += ["", "Retrieval (answerable items), hit@5 and MRR@10:", ""]
    out.append("| set | mode | hit@5 | MRR@10 |")
    out.append("|---|---|---|---|")
    for s in sets:
        for m in after["modes"]:
            key = "overall" if s == "all" else None
            gb = before["retrieval"][m][key] if key else before["retrieval"][m]["by_set"][s]
            ga = after["retrieval"][m][key] if key else after["retrieval"][m]["by_set"][s]
            data["retrieval"].setdefault(s, {})[m] = {
                "before": {"hit@5": gb["hit@5"], "mrr@10": gb["mrr@10"]},
                "after": {"hit@5": ga["hit@5"], "mrr@10": ga["mrr@10"]},
            }
            out.append(
                f"| {s} | {m} | {_cell(gb['hit@5'], ga['hit@5'])} | "
                f"{_cell(gb['mrr@10'], ga['mrr@10'])} |"
            )
    data["before_commit"], data["after_commit"] = before["commit"], after["commit"]
    return out, data


def main() -> None:
    before, after = (json.loads(Path(p).read_text(encoding="utf-8")) for p in sys.argv[1:3])
    lines, data = tables(before, after)
    print("\n".join(lines))
    if len(sys.argv) > 3:
        Path(sys.argv[3]).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
