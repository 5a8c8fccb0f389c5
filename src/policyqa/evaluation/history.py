"""The evaluation history (eval/history.jsonl, appended only with ``--record``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .text_report import round_or_none


def history_entry(report: dict[str, Any]) -> dict[str, Any]:
    return {
        "timestamp": report["created"],
        "commit": report["commit"],
        "sets": sorted(s["name"] for s in report["sets"]),
        "settings": report["settings"],
        "modes": {
            mode: {
                "hit@5": round_or_none(r["overall"]["hit@5"]),
                "mrr@10": round_or_none(r["overall"]["mrr@10"]),
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
