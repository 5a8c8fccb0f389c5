"""What the answer step asks of the whole corpus, worked out once per loaded index."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cached_property

from ..types import Clause


class CorpusStats:
    def __init__(self, clauses: Sequence[Clause]) -> None:
        self._clauses = clauses
        self._idf: dict[str, float] = {}

    @cached_property
    def lowered(self) -> list[str]:
        """Clause texts lower-cased (question tokens are lower-cased)."""
        return [c.text.lower() for c in self._clauses]

    @cached_property
    def text(self) -> str:
        """Every clause and heading as one string, to ask whether the corpus uses a word."""
        return "".join(c.text + "".join(c.heading_path) for c in self._clauses)

    def weight(self, token: str) -> float:
        """Inverse clause frequency of a token (rare words matter more)."""
        if token not in self._idf:
            df = sum(1 for text in self.lowered if token in text)
            self._idf[token] = math.log((len(self.lowered) + 1) / (df + 1)) + 0.5
        return self._idf[token]
