"""Citing the 款 or 项 a quoted span comes from: 《…》第二十九条第二款, not only the article."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..text.normalize import squash
from ..types import Clause
from .verify import Segment


def exact_citation(clause: Clause, span: str) -> str:
    """The citation of the smallest 款/项 of ``clause`` holding ``span`` (the clause's own
    citation when it has no parts or the span runs over several)."""
    s = squash(span)
    holding = [p for p in clause.parts if s and s in squash(p.text)]
    if not holding:
        return clause.citation
    smallest = min(holding, key=lambda p: (len(p.text), -p.item))
    return clause.citation + smallest.label


def with_exact_citations(
    segments: Sequence[Segment], clauses: Mapping[str, Clause]
) -> list[Segment]:
    """The segments, each citing the 款/项 its span comes from where that is finer."""
    out = []
    for seg in segments:
        clause = clauses[seg.clause_id]
        if not seg.cite and clause.parts:
            seg = replace(seg, cite=exact_citation(clause, seg.span))
        out.append(seg)
    return out
