"""Gold sets: JSON Lines items (id, question, lang, type, doc, gold, answer, note), parsed
strictly with one readable error per problem."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..errors import BadInput
from ..settings import Settings
from ..types import Mode


class QuestionType(StrEnum):
    """The kinds of question a gold set labels (its ``type`` field)."""

    LEAD_DEPARTMENT = "lead_department"
    FACT = "fact"
    NUMERIC_TARGET = "numeric_target"
    PARAPHRASE = "paraphrase"
    CROSS_LINGUAL = "cross_lingual"
    CLAUSE_LOOKUP = "clause_lookup"
    CROSS_DOCUMENT = "cross_document"
    UNANSWERABLE = "unanswerable"


TYPES = tuple(t.value for t in QuestionType)
FIELDS = ("id", "question", "lang", "type", "doc", "gold", "answer", "note")


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    lang: str
    type: QuestionType
    doc: tuple[str, ...]
    gold: tuple[str, ...]
    answer: tuple[str, ...]
    note: str
    source: str  # the gold set (file) it came from

    @property
    def answerable(self) -> bool:
        return self.type != QuestionType.UNANSWERABLE


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
        type=QuestionType(obj["type"]),
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
    """A short stable name for a gold set: the path relative to the working directory (or
    its parent) if inside it."""
    # absolute but not resolved: a checkout reached through a symlink keeps its names
    p = Path(os.path.abspath(path))
    cwd = Path(os.path.abspath(Path.cwd()))
    for base in (cwd, cwd.parent):
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


def parse_modes(text: str) -> tuple[Mode, ...]:
    names = tuple(dict.fromkeys(m.strip() for m in text.split(",") if m.strip()))
    known = [m.value for m in Mode]
    if not names or any(n not in known for n in names):
        raise BadInput(f"--modes {text!r}: use a comma list of {', '.join(known)}")
    return tuple(Mode(n) for n in names)


def parse_ks(text: str, max_k: int) -> tuple[int, ...]:
    try:
        ks = sorted({int(x) for x in text.split(",") if x.strip()})
    except ValueError:
        raise BadInput(f"--k {text!r}: use a comma list of whole numbers, e.g. 1,5,10") from None
    if not ks or ks[0] < 1 or ks[-1] > max_k:
        raise BadInput(f"--k {text!r}: each cut-off must be between 1 and {max_k}")
    return tuple(ks)
