"""One question, one embedding: a question that names a document or a clause is searched
several times (inside the named document, for the named clause, for the answer), and all of
those reuse the vector of the question as asked (issue 15: each extra embedding was as slow
as the whole rest of a search)."""

from __future__ import annotations

import re

from support import REPO

from policyqa.engine import Engine
from policyqa.evaluation.gold import load_gold
from policyqa.evaluation.metrics import is_relevant
from policyqa.index.encoders import Encoder, Vectors
from policyqa.settings import Settings

NAMES_A_CLAUSE = re.compile(r"第[0-9一二三四五六七八九十百]+条|《[^》]+》")


class CountingQueries:
    """The real encoder, recording every question it embeds."""

    def __init__(self, inner: Encoder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.queries: list[str] = []

    def encode_queries(self, texts: list[str]) -> Vectors:
        self.queries.extend(texts)
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: list[str]) -> Vectors:
        return self.inner.encode_passages(texts)


def test_a_question_naming_a_document_or_clause_is_embedded_once(
    index_settings: Settings, engine: Engine
) -> None:
    assert engine.encoder is not None
    counting = CountingQueries(engine.encoder)
    fresh = Engine(index_settings, engine.index, counting)
    items = [
        it
        for it in load_gold(
            [REPO / "eval" / "gold" / "sample.jsonl", REPO / "eval" / "gold" / "dev.jsonl"]
        )
        if it.answerable and NAMES_A_CLAUSE.search(it.question)
    ]
    assert len(items) >= 10
    found = 0
    for it in items:
        before = len(counting.queries)
        hits = fresh.search(it.question, k=5)
        assert counting.queries[before:] == [it.question], it.question
        found += any(is_relevant(h.clause.text, it.gold) for h in hits)
        fresh.ask(it.question)  # the answer's own search of the question embeds nothing new
        assert it.question not in counting.queries[before + 1 :], it.question
    # the reused vector still finds the named clauses (hit@5 over these questions)
    assert found / len(items) >= 0.8, (found, len(items))
