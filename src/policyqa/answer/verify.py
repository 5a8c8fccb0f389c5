"""Verification: a quoted span is shown only if it is in the clause it cites.

A ``Segment`` is one cited statement of an answer: a template ``prefix`` (fixed words of
ours), a ``span`` copied from the corpus, and the id of the clause it comes from. A
segment whose clause id is unknown or whose span is not a substring of that clause (after
whitespace is removed from both) is dropped, never shown.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..text.normalize import squash
from ..types import Clause

log = logging.getLogger(__name__)

# quoted spans inside free text (the language model's output): 「…」 and “…”
_QUOTES = re.compile(r"「([^」]+)」|“([^”]+)”")


@dataclass(frozen=True)
class Segment:
    clause_id: str
    span: str
    prefix: str = ""
    suffix: str = ""
    cite: str = ""  # a more exact citation than the clause's (its 款 or 项), if known


def span_in_clause(span: str, clause: Clause | None) -> bool:
    """The span is in the clause's text (or is one of its headings), whitespace ignored."""
    if clause is None:
        return False
    s = squash(span)
    if not s:
        return False
    return s in squash(clause.text) or any(s in squash(h) for h in clause.heading_path)


def verify_segments(segments: Iterable[Segment], clauses: Mapping[str, Clause]) -> list[Segment]:
    """The segments whose clause exists and whose span is in that clause, in order."""
    kept: list[Segment] = []
    for seg in segments:
        clause = clauses.get(seg.clause_id)
        if clause is None:
            log.warning("dropped a span citing unknown clause %r", seg.clause_id)
            continue
        if not span_in_clause(seg.span, clause):
            log.warning("dropped a span not found in %s: %r", seg.clause_id, seg.span[:40])
            continue
        kept.append(seg)
    return kept


def quoted_spans(text: str) -> list[str]:
    return [a or b for a, b in _QUOTES.findall(text)]


def sentence_ok(sentence: str, cited: list[str], clauses: Mapping[str, Clause]) -> bool:
    """A free-text sentence passes if it cites only known clauses, cites at least one, and
    every quoted span in it is in one of the clauses it cites."""
    if not cited or any(c not in clauses for c in cited):
        return False
    return all(any(span_in_clause(q, clauses[c]) for c in cited) for q in quoted_spans(sentence))
