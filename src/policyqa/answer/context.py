"""What the answer step reads: a read-only view of the corpus, and per question its
features (tokens, translated concepts, vector). It never holds the engine."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from ..index.encoders import Vectors
from ..index.lexicon import Translation
from ..retrieve.mentions import document_mentions
from ..text.language import is_english
from ..types import Clause, Document, Hit
from .stats import CorpusStats


class SentenceScorer(Protocol):
    def similarities(self, query: Vectors | None, texts: Sequence[str]) -> list[float]: ...


@dataclass(frozen=True)
class CorpusView:
    """The loaded corpus as the answer step may use it."""

    documents: Sequence[Document]
    clauses: Mapping[str, Clause]
    stats: CorpusStats
    tokenize: Callable[[str], list[str]]
    translate: Callable[[str], Translation]
    vocabulary: frozenset[str]  # the BM25 index's terms
    sentences: SentenceScorer

    @cached_property
    def doc_names(self) -> frozenset[str]:
        """Every name of every document: they say where to look, not what to look for."""
        return frozenset(n for d in self.documents for n in d.names)


@dataclass
class Context:
    """One question, its hits and what the answer step derives from them."""

    question: str
    hits: list[Hit]
    view: CorpusView
    vector: Vectors | None  # the question's embedding (None without an encoder)
    nearest: float | None  # cosine of the nearest indexed passage (None without an encoder)
    english: bool = False
    tokens: list[str] = field(default_factory=list)
    # an English question's words translated into the corpus's terms (see index.lexicon)
    concepts: list[tuple[str, ...]] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)

    def tokenize(self, text: str) -> list[str]:
        return self.view.tokenize(text)

    def without_names(self, text: str) -> list[str]:
        """Distinct tokens of ``text`` that are not a document's name."""
        return [t for t in dict.fromkeys(self.tokenize(text)) if t not in self.view.doc_names]

    def sentence_cos(self, texts: list[str]) -> list[float]:
        return self.view.sentences.similarities(self.vector, texts)

    def weight(self, token: str) -> float:
        """Inverse clause frequency of a token (rare words matter more)."""
        return self.view.stats.weight(token)

    def overlap(self, text: str, tokens: Sequence[str] | None = None) -> float:
        """Share of the question's tokens (weighted by rarity) found in ``text``."""
        toks = self.tokens if tokens is None else tokens
        if not toks:
            return 0.0
        total = sum(self.weight(t) for t in toks)
        lowered = text.lower()  # tokens are lower-cased: RCEP -> rcep
        return sum(self.weight(t) for t in toks if t in lowered) / total

    def concept_overlap(self, text: str) -> float:
        """Share of an English question's concepts (weighted by rarity) that ``text`` has in
        one of their translations."""
        if not self.concepts:
            return 0.0
        weights = self._concept_weights
        lowered = text.lower()  # the tokenizer lower-cases Latin names: 5G -> 5g
        found = [any(t in lowered for t in terms) for terms in self.concepts]
        return sum(w for w, f in zip(weights, found, strict=True) if f) / sum(weights)

    @cached_property
    def _concept_weights(self) -> list[float]:
        """Per concept the weight of its commonest translation (asked once per question)."""
        return [min(self.weight(t) for t in terms) for terms in self.concepts]


def build_context(
    question: str, hits: list[Hit], view: CorpusView, vector: Vectors | None, nearest: float | None
) -> Context:
    """The question's features: its tokens without document names and, for an English
    question, its concepts in the corpus's terms."""
    ctx = Context(question, hits, view, vector, nearest, english=is_english(question))
    # a name may be cut into words no name is (能级提升方案 -> 能级, 提升, 方案): its span goes
    named = document_mentions(question, view.documents)
    ctx.tokens = ctx.without_names(named.without_names(question))
    if ctx.english:
        translation = view.translate(question)
        ctx.untranslated = translation.untranslated
        # names and figures the corpus spells the same way (5G, RCEP, 2030) count too
        said = {t for t in view.tokenize(" ".join(ctx.untranslated)) if len(t) > 1}
        kept = view.vocabulary & said
        ctx.concepts = [terms for _, terms in translation.concepts] + [(t,) for t in kept]
    return ctx
