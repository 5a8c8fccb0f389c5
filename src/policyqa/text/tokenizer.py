"""jieba tokenisation with a user dictionary of the corpus's own policy terms.

The recipe (:func:`recipe`) is recorded in the index manifest: a query must be cut the way
the index was, so a change of jieba, of the stop words or of this module refuses the index.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import re
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import jieba

from ..types import Clause, Document
from .chars import HAN
from .stopwords import BM25_STOPWORDS

_QUOTED = re.compile(r"[“\"]([^”\"“]{2,14})[”\"]")
_TITLED = re.compile(r"《([^》]{2,40})》")
# names with a bracketed qualifier, e.g. 中欧班列（成渝）, 中国（重庆）自由贸易试验区
_QUALIFIED = re.compile(f"[{HAN}]{{2,4}}（[{HAN}]{{2,4}}）")
_HAN_RUN = re.compile(f"[{HAN}]{{4,}}")
_TOKEN_OK = re.compile(rf"[\w{HAN}]")
_PUNCT_TRIM = "（）()、，。：；"
TOKENIZER_VERSION = "1"  # bump when tokenize() changes how it cuts or filters
_MIN_NGRAM_COUNT = 6
_NGRAM_LENGTHS = range(4, 11)
# jieba cuts each run of these characters (and each run of the others) on its own, so a
# text's cut is the concatenation of its blocks' cuts; law texts repeat about a third of
# their blocks (measured on 3,320 regulations), which a memory of recent blocks saves
_BLOCKS = jieba.re_han_default
_BLOCK_MEMORY = 1 << 17

jieba.setLogLevel(logging.WARNING)


def build_terms(documents: Iterable[Document], clauses: Iterable[Clause]) -> list[str]:
    """Policy terms found in the corpus itself.

    Quoted names (“两江四岸”), document titles in 《》, document short names, lead
    departments, and long character runs that recur in the corpus (西部陆海新通道).
    """
    terms: Counter[str] = Counter()
    texts = [c.text for c in clauses]
    for d in documents:
        terms.update([d.title, *d.short_names])
    for text in texts:
        terms.update(m.strip(_PUNCT_TRIM) for m in _QUOTED.findall(text))
        terms.update(m for m in _TITLED.findall(text))
    qualified = Counter(m for text in texts for m in _QUALIFIED.findall(text))
    terms.update(m for m, n in qualified.items() if n >= 2)
    for c in clauses:
        terms.update(c.lead_departments)
    terms.update(_recurring_runs(texts))
    return sorted(t for t in terms if 2 <= len(t) <= 40 and not re.search(r"\s", t))


@lru_cache(maxsize=1)
def _standard() -> jieba.Tokenizer:
    """jieba with its standard dictionary, read once per process (about a second)."""
    plain = jieba.Tokenizer()
    plain.initialize()
    return plain


def _copy_of_standard() -> jieba.Tokenizer:
    """A jieba tokenizer of our own, starting from the standard dictionary already read."""
    standard = _standard()
    fresh = jieba.Tokenizer()
    fresh.FREQ, fresh.total, fresh.initialized = dict(standard.FREQ), standard.total, True
    return fresh


def _by_block(cut: Callable[[str], Iterable[str]]) -> Callable[[str], list[str]]:
    """``cut`` of a whole text, from the cuts of its jieba blocks, recent blocks remembered.

    Words are interned: a corpus's millions of tokens are a few hundred thousand distinct
    strings, and the index build holds all of them at once.
    """

    @lru_cache(maxsize=_BLOCK_MEMORY)
    def block_words(block: str) -> tuple[str, ...]:
        return tuple(sys.intern(w) for w in cut(block))

    def words(text: str) -> list[str]:
        return [w for block in _BLOCKS.split(text) if block for w in block_words(block)]

    return words


def _recurring_runs(texts: list[str]) -> list[str]:
    """Maximal Han-character n-grams, on jieba word boundaries, recurring often enough."""
    counts: Counter[str] = Counter()
    words = _by_block(_copy_of_standard().cut)
    for text in texts:
        bounds, at = {0}, 0
        for w in words(text):
            at += len(w)
            bounds.add(at)
        for m in _HAN_RUN.finditer(text):
            for n in _NGRAM_LENGTHS:
                counts.update(
                    text[i : i + n]
                    for i in range(m.start(), m.end() - n + 1)
                    if i in bounds and i + n in bounds
                )
    frequent = {g: c for g, c in counts.items() if c >= _MIN_NGRAM_COUNT}
    # keep an n-gram only if no longer frequent n-gram containing it is as frequent
    shadowed: set[str] = set()
    for h, c in frequent.items():
        for g in (h[1:], h[:-1]):
            if frequent.get(g) == c:
                shadowed.add(g)
    kept = "\n".join(g for g in frequent if g not in shadowed)
    # the count held millions of small strings, and the few kept ones among them would pin
    # the allocator's pages (800 MB at 146k clauses): copied out and back, the pages go free
    del counts, frequent, shadowed, words
    gc.collect()  # the memory of jieba's copy and its cuts is held in cycles: 200 MB more
    return kept.split("\n") if kept else []


class Tokenizer:
    """jieba (search mode: compounds and their parts) with the corpus's term dictionary."""

    def __init__(self, terms: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()  # one jieba tokenizer: calls must not overlap
        with self._lock:
            self._jieba = _copy_of_standard()
        self.terms = list(terms)
        for t in self.terms:
            self._jieba.add_word(t, freq=max(2000, 200 * len(t)))
        self._words = _by_block(self._search_words)

    def _search_words(self, text: str) -> list[str]:
        """jieba's search-mode cut of ``text`` as it is, filtered (no block memory)."""
        return [
            t
            for t in self._jieba.cut_for_search(text)
            if t.strip() and _TOKEN_OK.search(t) and t not in BM25_STOPWORDS
        ]

    @classmethod
    def from_file(cls, path: Path) -> Tokenizer:
        return cls(path.read_text(encoding="utf-8").split("\n") if path.exists() else ())

    def save_terms(self, path: Path) -> None:
        path.write_text("\n".join(self.terms), encoding="utf-8")

    def tokenize(self, text: str) -> list[str]:
        """Lower-cased search tokens without punctuation and stop words."""
        with self._lock:
            return self._words(text.lower())


def recipe() -> dict[str, str]:
    """What must match between the index's tokens and a query's."""
    words = "\n".join(sorted(BM25_STOPWORDS)).encode()
    return {
        "version": TOKENIZER_VERSION,
        "jieba": str(getattr(jieba, "__version__", "?")),
        "stopwords": hashlib.sha256(words).hexdigest()[:16],
    }
