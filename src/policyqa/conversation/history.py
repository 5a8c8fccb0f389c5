"""The turns a follow-up is read against: what the client sends as ``history``.

A turn is the question, the answer shown and the clauses it cited (oldest turn first). The
server keeps no state for API clients: each request carries its history, checked here with
one readable error per problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import BadInput
from ..types import Citation

MAX_TURNS = 20  # turns read from a history (older ones are dropped first)
MAX_TEXT_CHARS = 8000  # per question or answer
MAX_CITATIONS = 20  # per turn


@dataclass(frozen=True)
class Turn:
    """One earlier question and its answer."""

    question: str
    answer: str = ""
    citations: tuple[Citation, ...] = ()
    resolved_question: str = ""  # how that question was read, if the client kept it

    @property
    def read_as(self) -> str:
        """The self-contained question this turn was answered as."""
        return self.resolved_question or self.question

    @property
    def clause_ids(self) -> list[str]:
        return [c.clause_id for c in self.citations]

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "resolved_question": self.resolved_question or self.question,
        }


def _text(obj: dict[str, Any], name: str, where: str, required: bool = False) -> str:
    value = obj.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise BadInput(f"{where}.{name} 必须是字符串。")
    if required and not value.strip():
        raise BadInput(f"{where}.{name} 不能为空。")
    if len(value) > MAX_TEXT_CHARS:
        raise BadInput(f"{where}.{name} 过长（上限 {MAX_TEXT_CHARS} 字）。")
    if "\x00" in value:
        raise BadInput(f"{where}.{name} 含控制字符。")
    return value.strip()


def _citation(obj: Any, where: str) -> Citation:
    if isinstance(obj, str):  # a bare clause id is enough
        obj = {"clause_id": obj}
    if not isinstance(obj, dict):
        raise BadInput(f"{where} 必须是对象或条款编号。")
    clause_id = _text(obj, "clause_id", where, required=True)
    return Citation(clause_id, _text(obj, "citation", where), _text(obj, "text", where))


def _turn(obj: Any, where: str) -> Turn:
    if not isinstance(obj, dict):
        raise BadInput(f'{where} 必须是对象：{{"question": …, "answer": …}}。')
    cites = obj.get("citations") or []
    if not isinstance(cites, list):
        raise BadInput(f"{where}.citations 必须是列表。")
    if len(cites) > MAX_CITATIONS:
        raise BadInput(f"{where}.citations 过多（上限 {MAX_CITATIONS} 条）。")
    return Turn(
        question=_text(obj, "question", where, required=True),
        answer=_text(obj, "answer", where),
        citations=tuple(_citation(c, f"{where}.citations[{i}]") for i, c in enumerate(cites)),
        resolved_question=_text(obj, "resolved_question", where),
    )


def parse_history(obj: Any) -> tuple[Turn, ...]:
    """The turns of a ``history`` value (None: none); BadInput naming the bad field."""
    if obj is None:
        return ()
    if not isinstance(obj, list):
        raise BadInput('history 必须是列表：[{"question": …, "answer": …}, …]。')
    turns = tuple(_turn(t, f"history[{i}]") for i, t in enumerate(obj))
    return turns[-MAX_TURNS:]


def turns_of(answers: Sequence[tuple[str, str, Sequence[Citation]]]) -> tuple[Turn, ...]:
    """Turns from (question, answer text, citations) triples (evaluation, tests)."""
    return tuple(Turn(q, a, tuple(c)) for q, a, c in answers)
