"""bm25s (the index) against rank-bm25 (the reference) on the public sample questions.

The two differ in one formula: bm25s (method "lucene") uses Lucene's idf,
log(1 + (N - n + 0.5) / (n + 0.5)), which is never negative; rank-bm25's BM25Okapi uses
log((N - n + 0.5) / (n + 0.5)) with a floor for frequent terms. With the idf made equal the
top-10 lists must agree; with rank-bm25's stock idf they still mostly agree.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from policyqa.engine import Engine
from policyqa.index.build import bm25_text


class LuceneIdfOkapi(BM25Okapi):
    def _calc_idf(self, nd: dict[str, int]) -> None:
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))


def top10_overlap(engine: Engine, reference: BM25Okapi, questions: list[str]) -> float:
    idx = engine.index
    overlaps = []
    for q in questions:
        tokens = idx.tokenizer.tokenize(q)
        ours = [row for row, _ in idx.bm25.search(tokens, 10)]
        scores = reference.get_scores(tokens)
        theirs = [int(i) for i in np.argsort(-scores)[:10] if scores[i] > 0]
        if theirs:
            overlaps.append(len(set(ours) & set(theirs)) / len(theirs))
    assert len(overlaps) >= 30  # the English questions have no BM25 tokens in common
    return float(np.mean(overlaps))


@pytest.fixture(scope="module")
def corpus_tokens(engine: Engine) -> list[list[str]]:
    idx = engine.index
    by_id = {c.clause_id: c for c in idx.clauses}
    docs = {d.doc_id: d for d in idx.documents}
    return [
        idx.tokenizer.tokenize(bm25_text(docs[by_id[ch.clause_id].doc_id], by_id[ch.clause_id], ch))
        for ch in idx.chunks
    ]


@pytest.fixture(scope="module")
def questions(sample_path: Path) -> list[str]:
    return [json.loads(line)["question"] for line in sample_path.read_text("utf-8").splitlines()]


def test_bm25s_agrees_with_rank_bm25_given_the_same_idf(
    engine: Engine, corpus_tokens: list[list[str]], questions: list[str]
) -> None:
    s = engine.settings
    reference = LuceneIdfOkapi(corpus_tokens, k1=s.bm25_k1, b=s.bm25_b)
    assert top10_overlap(engine, reference, questions) >= 0.95


def test_bm25s_mostly_agrees_with_stock_rank_bm25(
    engine: Engine, corpus_tokens: list[list[str]], questions: list[str]
) -> None:
    s = engine.settings
    reference = BM25Okapi(corpus_tokens, k1=s.bm25_k1, b=s.bm25_b)
    assert top10_overlap(engine, reference, questions) >= 0.8
