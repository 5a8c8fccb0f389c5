"""Two-turn dialogues (eval/dialogues/*.jsonl): is a follow-up answered right after the
first turn, and does a fresh question stay fresh?

A follow-up is right when the second answer — asked with the first question, the system's
own first answer and its citations as history — contains every answer string (whitespace
removed) and does not abstain, or abstains where the follow-up is unanswerable. The line
saying how the follow-up was read is not part of the answer judged. Each follow-up is also
asked alone, without history, to show what the history adds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..conversation.history import Turn
from ..conversation.reply import Reply, ask
from ..engine import Engine
from ..errors import BadInput, PolicyQAError
from ..settings import Settings
from .gold import GoldItem, parse_item, set_name
from .metrics import answer_correct, mean

KINDS = ("ellipsis", "coreference", "scope", "continuation", "fresh")
Row = dict[str, Any]


@dataclass(frozen=True)
class Dialogue:
    id: str
    kind: str
    first: GoldItem
    second: GoldItem
    resolved: str  # the second turn as a careful reader takes it
    source: str


def _parse(obj: Any, where: str, source: str) -> Dialogue:
    if not isinstance(obj, dict) or not isinstance(obj.get("turns"), list):
        raise BadInput(f"{where}: expected an object with 'turns'")
    if obj.get("kind") not in KINDS or len(obj["turns"]) != 2:
        raise BadInput(f"{where}: needs a kind ({', '.join(KINDS)}) and two turns")
    items = []
    for n, t in enumerate(obj["turns"], 1):
        if not isinstance(t, dict):
            raise BadInput(f"{where}: turn {n} is not an object")
        row = {"id": f"{obj.get('id')}#{n}", "lang": obj.get("lang", ""), "note": "", **t}
        items.append(parse_item(row, f"{where} turn {n}", source))
    resolved = obj["turns"][1].get("resolved")
    if not isinstance(resolved, str) or not resolved:
        raise BadInput(f"{where}: the second turn needs 'resolved'")
    return Dialogue(str(obj["id"]), obj["kind"], items[0], items[1], resolved, source)


def load_dialogues(paths: Sequence[Path]) -> list[Dialogue]:
    out: list[Dialogue] = []
    for path in paths:
        if not path.is_file():
            raise BadInput(f"dialogue set {path} does not exist")
        source = set_name(path)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as err:
                    raise BadInput(f"{path}:{n}: not valid JSON ({err.msg})") from None
                out.append(_parse(obj, f"{path}:{n}", source))
    return out


def default_dialogue_paths(settings: Settings) -> list[Path]:
    folder = settings.eval_dir / "dialogues"
    return [p for p in (folder / "dev.jsonl", folder / "heldout.jsonl") if p.is_file()]


def _right(reply: Reply, item: GoldItem) -> bool:
    a = reply.answer
    return answer_correct(a.answer, a.abstained, item.answer, item.answerable)


def run_one(engine: Engine, d: Dialogue, alone: bool = True) -> Row:
    """Both turns, the follow-up with the system's own first answer as history (and, with
    ``alone``, without it)."""
    try:
        first = ask(engine, d.first.question)
        turn = Turn(d.first.question, first.body, first.answer.citations, first.reading.resolved)
        second = ask(engine, d.second.question, (turn,))
        single = ask(engine, d.second.question) if alone else None
    except PolicyQAError as err:
        raise BadInput(f"dialogue {d.id}: {err}") from None
    return {
        "id": d.id,
        "set": d.source,
        "kind": d.kind,
        "question": d.second.question,
        "expected_reading": d.resolved,
        "resolved_question": second.reading.resolved,
        "read_as": str(second.reading.kind),
        "inherited": second.reading.inherited,
        "first_right": _right(first, d.first),
        "right": _right(second, d.second),
        "right_alone": _right(single, d.second) if single is not None else None,
        "abstained": second.answer.abstained,
    }


def _group(rows: list[Row]) -> Row:
    return {
        "n": len(rows),
        "right": mean(float(r["right"]) for r in rows),
        "right_alone": mean(float(r["right_alone"]) for r in rows if r["right_alone"] is not None),
        "first_right": mean(float(r["first_right"]) for r in rows),
    }


def summarize(rows: list[Row]) -> Row:
    """Per set: follow-ups overall, each kind, and fresh questions that inherited context."""
    out: Row = {}
    for s in dict.fromkeys(r["set"] for r in rows):
        mine = [r for r in rows if r["set"] == s]
        follow = [r for r in mine if r["kind"] != "fresh"]
        fresh = [r for r in mine if r["kind"] == "fresh"]
        out[s] = {
            "follow_ups": _group(follow),
            "by_kind": {k: _group([r for r in mine if r["kind"] == k]) for k in KINDS},
            "fresh_inherited": sum(1 for r in fresh if r["inherited"]),
            "wrong": [r for r in mine if not r["right"]],
        }
    return out


def evaluate_dialogues(engine: Engine, dialogues: Sequence[Dialogue], alone: bool = True) -> Row:
    rows = [run_one(engine, d, alone) for d in dialogues]
    return {"sets": summarize(rows), "items": rows}


def render_dialogues(report: Row) -> list[str]:
    """The dialogue section of the text report."""
    lines = ["", "dialogues (follow-up right with history / asked alone; first turn right)"]
    for name, s in report["sets"].items():
        f = s["follow_ups"]
        lines.append(
            f"{name}: follow-ups {_num(f['right'])} with history, {_num(f['right_alone'])} alone "
            f"(n={f['n']}); fresh questions that inherited context: {s['fresh_inherited']}"
        )
        for kind, g in s["by_kind"].items():
            if g["n"]:
                lines.append(
                    f"  {kind:<14}{g['n']:>4}  with {_num(g['right'])}  alone "
                    f"{_num(g['right_alone'])}  first turn {_num(g['first_right'])}"
                )
        for w in s["wrong"]:
            read = w["resolved_question"][:50]
            lines.append(f"  wrong {w['id']} [{w['kind']}] {w['question'][:30]} -> {read}")
    return lines


def _num(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"
