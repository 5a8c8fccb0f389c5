"""Dialogues (eval/dialogues/*.jsonl): is each follow-up answered right after the turns
before it, and does a fresh question stay fresh?

A dialogue has two or more turns. A follow-up is right when its answer — asked with every
earlier question, the system's own earlier answers and their citations as history —
contains every answer string (whitespace removed) and does not abstain, or abstains where
the follow-up is unanswerable. The line saying how the follow-up was read is not part of
the answer judged. Each follow-up is also asked alone, without history, to show what the
history adds.
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
class FollowUp:
    item: GoldItem
    kind: str  # the turn's own kind (a dialogue's turns may differ)
    resolved: str  # the turn as a careful reader takes it, given the turns before


@dataclass(frozen=True)
class Dialogue:
    id: str
    kind: str
    first: GoldItem
    follow_ups: tuple[FollowUp, ...]
    source: str

    @property
    def second(self) -> GoldItem:
        return self.follow_ups[0].item

    @property
    def resolved(self) -> str:
        return self.follow_ups[0].resolved


def _parse(obj: Any, where: str, source: str) -> Dialogue:
    if not isinstance(obj, dict) or not isinstance(obj.get("turns"), list):
        raise BadInput(f"{where}: expected an object with 'turns'")
    if obj.get("kind") not in KINDS or len(obj["turns"]) < 2:
        raise BadInput(f"{where}: needs a kind ({', '.join(KINDS)}) and two or more turns")
    items, follow_ups = [], []
    for n, t in enumerate(obj["turns"], 1):
        if not isinstance(t, dict):
            raise BadInput(f"{where}: turn {n} is not an object")
        fields = {k: v for k, v in t.items() if k not in ("kind", "resolved")}
        row = {"id": f"{obj.get('id')}#{n}", "lang": obj.get("lang", ""), "note": "", **fields}
        items.append(parse_item(row, f"{where} turn {n}", source))
        if n == 1:
            continue
        kind, resolved = t.get("kind", obj["kind"]), t.get("resolved")
        if kind not in KINDS:
            raise BadInput(f"{where}: turn {n} has kind {kind!r}, not one of {', '.join(KINDS)}")
        if not isinstance(resolved, str) or not resolved:
            raise BadInput(f"{where}: turn {n} needs 'resolved'")
        follow_ups.append(FollowUp(items[-1], kind, resolved))
    return Dialogue(str(obj["id"]), obj["kind"], items[0], tuple(follow_ups), source)


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
    names = ("dev", "heldout", "dev-multi", "heldout-multi")
    return [p for p in (folder / f"{n}.jsonl" for n in names) if p.is_file()]


def _right(reply: Reply, item: GoldItem) -> bool:
    a = reply.answer
    return answer_correct(a.answer, a.abstained, item.answer, item.answerable)


def run_one(engine: Engine, d: Dialogue, alone: bool = True) -> list[Row]:
    """Every turn, each follow-up with the system's own earlier answers as history (and,
    with ``alone``, without it): one row per follow-up."""
    rows: list[Row] = []
    history: tuple[Turn, ...] = ()
    try:
        first = ask(engine, d.first.question)
        earlier_right = _right(first, d.first)
        history = (Turn(d.first.question, first.body, first.answer.citations,
                        first.reading.resolved),)  # fmt: skip
        for n, f in enumerate(d.follow_ups, 2):
            reply = ask(engine, f.item.question, history)
            single = ask(engine, f.item.question) if alone else None
            right = _right(reply, f.item)
            rows.append({
                "id": d.id if n == 2 else f"{d.id}#{n}",
                "set": d.source,
                "turn": n,
                "kind": f.kind,
                "question": f.item.question,
                "expected_reading": f.resolved,
                "resolved_question": reply.reading.resolved,
                "read_as": str(reply.reading.kind),
                "inherited": reply.reading.inherited,
                "first_right": earlier_right,  # every turn before this one right
                "right": right,
                "right_alone": _right(single, f.item) if single is not None else None,
                "abstained": reply.answer.abstained,
            })  # fmt: skip
            earlier_right = earlier_right and right
            history += (Turn(f.item.question, reply.body, reply.answer.citations,
                             reply.reading.resolved),)  # fmt: skip
    except PolicyQAError as err:
        raise BadInput(f"dialogue {d.id}: {err}") from None
    return rows


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
    rows = [row for d in dialogues for row in run_one(engine, d, alone)]
    return {"sets": summarize(rows), "items": rows}


def render_dialogues(report: Row) -> list[str]:
    """The dialogue section of the text report."""
    head = "dialogues (follow-up right with history / asked alone; every turn before it right)"
    lines = ["", head]
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
                    f"{_num(g['right_alone'])}  turns before {_num(g['first_right'])}"
                )
        for w in s["wrong"]:
            read = w["resolved_question"][:50]
            lines.append(f"  wrong {w['id']} [{w['kind']}] {w['question'][:30]} -> {read}")
    return lines


def _num(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"
