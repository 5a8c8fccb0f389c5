"""Short forms the corpus itself defines for long names: 《区域全面经济伙伴关系协定》（RCEP）.

A document defines an abbreviation once and then uses it alone, so a question that spells
out the name finds no word in common with the clause that says "RCEP", and the other way
round. BM25 matches either once the question carries both forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# a name in 《》 or “” followed by a Latin short form in brackets (full- or half-width)
_DEFINED = re.compile(
    r"(?:《([^《》]{2,40})》|“([^“”]{2,40})”)\s*[（(]\s*([A-Za-z][A-Za-z0-9&]{1,9})\s*[）)]"
)


class Abbreviations:
    """Pairs of a long name and the short form the corpus gives it."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = sorted(set(pairs))
        # a short form counts only as a whole word: "RCEP", not the "IP" inside "VIP"
        self._whole_short = [
            re.compile(rf"(?<![A-Za-z0-9]){re.escape(short.lower())}(?![A-Za-z0-9])")
            for _, short in self.pairs
        ]

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Abbreviations:
        """Every ``《name》（ABBR）`` and ``“name”（ABBR）`` definition in ``texts``."""
        return cls(
            ((m.group(1) or m.group(2)).strip(), m.group(3))
            for text in texts
            for m in _DEFINED.finditer(text)
        )

    def __len__(self) -> int:
        return len(self.pairs)

    def other_forms(self, question: str) -> list[str]:
        """The forms of the names in ``question`` that the question does not use itself."""
        lowered = question.lower()
        out: list[str] = []
        for (name, short), whole_short in zip(self.pairs, self._whole_short, strict=True):
            has_name = name.lower() in lowered
            has_short = whole_short.search(lowered)
            if has_name and not has_short:
                out.append(short)
            elif has_short and not has_name:
                out.append(name)
        return out
