"""Each text of a question is embedded once: a question is searched several times (inside
the document it names, for the clause it names, for the answer) and every search of the same
text reuses its vector. A question naming a document is searched inside it without the name,
a second text: reusing the as-asked vector there cost 0.013 hybrid hit@5 on the gold sets."""

from __future__ import annotations

from support import REPO

from policyqa.engine import Engine
from policyqa.evaluation.gold import load_gold
from policyqa.evaluation.metrics import is_relevant
from policyqa.index.encoders import Encoder, Vectors
from policyqa.retrieve.mentions import document_mentions
from policyqa.settings import Settings
from policyqa.text.language import is_english


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


def test_each_text_of_a_question_is_embedded_once(index_settings: Settings, engine: Engine) -> None:
    assert engine.encoder is not None
    counting = CountingQueries(engine.encoder)
    fresh = Engine(index_settings, engine.index, counting)
    items = [
        it
        for it in load_gold(
            [REPO / "eval" / "gold" / "sample.jsonl", REPO / "eval" / "gold" / "dev.jsonl"]
        )
        if it.answerable and not is_english(it.question)
    ]
    named = 0
    found = 0
    for it in items:
        before = len(counting.queries)
        hits = fresh.search(it.question, k=5)
        searched = counting.queries[before:]
        fresh.ask(it.question)
        fresh.search(it.question, k=5)  # asked again: nothing new to embed
        embedded = counting.queries[before:]
        assert len(embedded) == len(set(embedded)), (it.question, embedded)
        without = document_mentions(it.question, fresh.documents).without_names(it.question)
        if without and without != it.question:
            # inside the named document the question is searched without the name
            named += 1
            assert without in searched, (it.question, searched)
            assert len(searched) <= 2, (it.question, searched)
            found += any(is_relevant(h.clause.text, it.gold) for h in hits)
        else:
            assert searched == [it.question], (it.question, searched)
    assert named >= 10
    assert found / named >= 0.8, (found, named)
