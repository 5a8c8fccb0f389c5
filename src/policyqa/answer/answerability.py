"""Whether the corpus speaks to a question at all (False -> an explicit "not found")."""

from __future__ import annotations

from collections.abc import Sequence

from ..text.sentences import sentences
from ..types import Hit
from .context import Context

# Calibrated on eval/gold/dev.jsonl: cosine between the question and its nearest passage,
# separately for Chinese and English. The cosine is the larger of question/passage and
# question/best sentence of the top hits.
ZH_MIN_COS = 0.88
ZH_WEAK_COS = 0.90  # below this, a topic word the corpus never uses means "not found"
EN_MIN_COS = 0.78
EN_SURE_COS = 0.80


def answerable(ctx: Context) -> bool:
    """Whether the corpus speaks to the question at all."""
    if any(h.exact for h in ctx.hits):
        return True
    if ctx.english and not ctx.concepts and not ctx.untranslated:
        return False  # only question words ("What is it?"): nothing to look for
    cos = ctx.nearest
    if cos is None:
        return True
    sure = EN_SURE_COS if ctx.english else ZH_WEAK_COS
    if cos < sure:  # ambiguous: a sentence may match better than a whole passage
        cos = max(cos, nearest_sentence_cos(ctx))
    if ctx.english:
        # the encoder's cross-lingual cosines are compressed; the dictionary-translated BM25
        # and the encoder putting the same clause at the top is evidence of its own
        return cos >= EN_MIN_COS or _retrievers_agree(ctx.hits)
    if cos < ZH_MIN_COS:
        return False
    return not (cos < ZH_WEAK_COS and ctx.missing_topic_words())


def nearest_sentence_cos(ctx: Context, depth: int = 5) -> float:
    """Cosine between the question and the nearest sentence of the top clauses."""
    texts = [s for h in ctx.hits[:depth] for s in sentences(h.clause.text)]
    return max(ctx.sentence_cos(texts), default=0.0)


def _retrievers_agree(hits: Sequence[Hit], top: int = 3, rank: int = 2) -> bool:
    """Both retrievers rank one of the first hits among their own best ``rank``."""
    return any(
        h.bm25_rank is not None
        and h.dense_rank is not None
        and h.bm25_rank <= rank
        and h.dense_rank <= rank
        for h in hits[:top]
    )
