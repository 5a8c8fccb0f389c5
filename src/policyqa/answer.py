"""Compose an answer from hits: every word from the corpus or a fixed template around it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .types import Answer, Citation, Hit

if TYPE_CHECKING:
    from .engine import Engine

NOT_FOUND = "未在已收录的文件中找到与该问题直接相关的规定。"


def compose_answer(question: str, hits: list[Hit], engine: Engine | None = None) -> Answer:
    """Quote the best clause with its citation (the baseline answer)."""
    if not hits:
        return Answer(question, NOT_FOUND, True, "not_found")
    best = hits[0].clause
    cites = tuple(Citation(h.clause.clause_id, h.clause.citation, h.clause.text) for h in hits[:3])
    return Answer(
        question, f"{best.text}（{best.citation}）", False, "extractive", cites[:1], cites[1:]
    )
