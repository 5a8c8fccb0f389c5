"""Answer a question in a conversation: read it against the history, answer the reading,
check that the answer speaks of what the follow-up asked, and say how it was read.

The answers stay the answer stage's: the engine answers the resolved question (inside the
clauses a coreference or continuation points at). Two readings are answered from the
earlier answer's own clauses, every word still quoted and verified: which document a clause
comes from, and "what else" — the sentences of that clause or section not yet shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from ..answer.compose import cite, render
from ..answer.facts import facts_answer, facts_asked
from ..answer.kinds import asks_place, classify
from ..answer.templates import place
from ..answer.verify import Segment, verify_segments
from ..engine import Engine
from ..ingest.tags import lead_tag
from ..text.normalize import clean_question, squash
from ..text.sentences import sentences
from ..types import Answer, AnswerKind, Clause
from .history import Turn
from .resolve import FollowUp, Reading, clause_name, resolve
from .rewrite import rewrite

READING_PREFIX = "按上文理解为："
MORE_SENTENCES = 4  # "what else": at most this many further sentences
MORE_CHARS = 400
Asker = Callable[..., Answer]  # Engine.ask, with or without the language model


@dataclass(frozen=True)
class Reply:
    """An answer with the reading it answers."""

    answer: Answer
    reading: Reading

    @property
    def note(self) -> str | None:
        """The line saying how a follow-up was read (None for a fresh question)."""
        return f"{READING_PREFIX}{self.reading.resolved}" if self.reading.inherited else None

    @property
    def body(self) -> str:
        return self.answer.answer

    def to_dict(self) -> dict[str, Any]:
        out = self.answer.to_dict()
        out["question"] = self.reading.question
        out["resolved_question"] = self.reading.resolved
        out["follow_up"] = str(self.reading.kind)
        out["reading_source"] = self.reading.source
        out["reading"] = self.note
        if self.note:
            out["answer"] = f"{self.note}\n{self.answer.answer}"
        return out


def ask(
    engine: Engine,
    question: str,
    history: Sequence[Turn] = (),
    docs: Sequence[str] | None = None,
    k: int = 5,
    llm: bool = True,
    rephrase: bool = True,
) -> Reply:
    """The reply to ``question`` after ``history``. With a language model configured (and
    ``llm``) it may rewrite the follow-up (:mod:`.rewrite`) and, with ``rephrase``, the
    answer (a stream rephrases afterwards, see :mod:`.stream`)."""
    question = clean_question(question, engine.settings.max_question_chars)
    reading = resolve(question, history, engine)
    if llm:
        reading = rewrite(question, history, engine, reading)
    return Reply(answer_reading(engine, reading, docs, k, llm and rephrase), reading)


def answer_reading(
    engine: Engine, reading: Reading, docs: Sequence[str] | None, k: int = 5, llm: bool = True
) -> Answer:
    """The answer to ``reading``; ``llm=False``: never rephrased by a language model."""
    answer = _answer(engine, partial(engine.ask, rephrase=llm), reading, docs, k)
    return replace(answer, question=reading.resolved)


def _answer(
    engine: Engine, asker: Asker, reading: Reading, docs: Sequence[str] | None, k: int
) -> Answer:
    if reading.asks_source and reading.target:
        return _source(engine, reading, engine.clause(reading.target))
    if reading.kind == FollowUp.COREFERENCE and reading.target and asks_place(reading.question):
        return _placed(reading, engine.clause(reading.target))
    facts = facts_asked(reading.question)
    if reading.kind == FollowUp.COREFERENCE and reading.target and facts:
        doc = engine.document(engine.clause(reading.target).doc_id)
        clauses = {c.clause_id: c for c in engine.clauses_of(doc.doc_id)}
        told = facts_answer(reading.resolved, [doc], facts, clauses)
        if told is not None:  # "When was it issued?": of the document just cited
            return told
    if reading.wants_rest:
        more = _more(engine, reading)
        if more is not None:
            return more
    chosen = list(reading.docs) if reading.docs else (list(docs) if docs else None)
    answer = again = None
    if reading.kind == FollowUp.CONTINUATION and reading.target and reading.own_words:
        answer, again = _further(asker, reading, chosen, k)
    if answer is None:
        answer = asker(reading.search_text, docs=chosen, k=k, scope=reading.scope)
        if answer.abstained and again is not None:
            answer = again  # nothing else in the section: the clause shown is all it says
        if answer.abstained and reading.kind == FollowUp.CONTINUATION and reading.target:
            answer = _in_target(engine, reading) or answer
    if reading.kind == FollowUp.COREFERENCE and reading.target:
        answer = _pointed(engine, asker, reading, answer, chosen, k)
    tokenize = engine.index.tokenizer.tokenize
    if (
        reading.kind == FollowUp.ELLIPSIS
        and reading.scope
        and not _speaks_of(reading, answer, tokenize)
    ):
        wider = asker(reading.search_text, docs=chosen, k=k)  # beyond the section
        quoted = _quote(engine, reading, want=reading.slot)
        answer = wider if _speaks_of(reading, wider, tokenize) or quoted is None else quoted
    if reading.slot and not _speaks_of(reading, answer, tokenize):
        answer = _missing(reading, answer)
    return answer


def _further(
    asker: Asker, reading: Reading, docs: list[str] | None, k: int
) -> tuple[Answer | None, Answer | None]:
    """ "就业和收入方面还有什么目标？": the clause quoted before often says more; its answer
    counts if it names the follow-up's words and was not shown already. Second: that
    answer when it was shown already (kept for a section that has nothing else)."""
    answer = asker(reading.search_text, docs=docs, k=k, scope=(reading.target or "",))
    if answer.abstained or not _mentions_any(answer, reading.own_words):
        return None, None
    main = squash(answer.answer.split("（《", 1)[0])
    shown = squash(" ".join(reading.skip))
    if not main or main in shown:
        return None, answer
    return answer, None


def _in_target(engine: Engine, reading: Reading) -> Answer | None:
    """The sentences of the clause the continuation points at that name its own words
    (shown before or not): retrieval doubted the short follow-up, the clause did not."""
    words = sorted((w for w in reading.own_words if len(w) > 1), key=len, reverse=True)
    one = replace(reading, scope=(reading.target or "",))
    return next((a for w in words[:2] if (a := _quote(engine, one, want=w))), None)


def _speaks_of(reading: Reading, answer: Answer, tokenize: Callable[[str], list[str]]) -> bool:
    """The answer's first quoted clause names the value the follow-up put in, as written or
    word by word (公平竞争审查的问题检出率 for 公平竞争审查评估问题检出率)."""
    if answer.abstained:
        return False
    main = answer.answer.split("（《", 1)[0]
    if squash(reading.slot) in squash(main):
        return True
    words = [w for w in tokenize(reading.slot) if len(w) > 1]
    if len(words) > 1 and all(w in main.lower() for w in words):
        return True
    # a year or an article number is often said by the citation alone: 第31条, (2026—2030年)
    numbered = bool(re.search(r"\d|第.+条", reading.slot))
    return numbered and any(squash(reading.slot) in squash(c.citation) for c in answer.citations)


def _placed(reading: Reading, c: Clause) -> Answer:
    """Where the clause pointed at stands (这段话在哪一章？), heading by heading, with its
    first sentence: the reading chose the clause, so nothing is searched."""
    first = sentences(c.text)[:1] or [c.text]
    clauses = {c.clause_id: c}
    segments = verify_segments([*place(c), Segment(c.clause_id, first[0])], clauses)
    return Answer(reading.resolved, render(segments, clauses), False, AnswerKind.CLAUSE, (cite(c),))


def _source(engine: Engine, reading: Reading, c: Clause) -> Answer:
    doc = engine.document(c.doc_id)
    text = f"出自《{doc.title}》，见{c.citation}。"
    return Answer(reading.resolved, text, False, AnswerKind.CLAUSE, (cite(c),))


def _pointed(
    engine: Engine,
    asker: Asker,
    reading: Reading,
    answer: Answer,
    docs: list[str] | None,
    k: int,
) -> Answer:
    """A coreference asks about one clause: a lead department it does not name is not to be
    borrowed from another; other questions may look wider in its document."""
    target = engine.clause(reading.target or "")
    lead = classify(reading.search_text, [], engine.documents) == AnswerKind.LEAD
    if lead and not target.lead_departments and reading.scope and len(reading.scope) == 1:
        name = clause_name(target, engine.document(target.doc_id))
        text = f"上文所指的{name}未写明牵头部门。"
        return Answer(reading.resolved, text, True, AnswerKind.NOT_FOUND, (), (cite(target),))
    if lead and target.lead_departments and not answer.abstained:
        cited = {c.clause_id for c in answer.citations}
        if target.clause_id not in cited:  # the scoped ranking preferred a sibling clause
            answer = asker(reading.search_text, docs=docs, k=k, scope=(target.clause_id,))
    if lead and target.lead_departments and answer.abstained:
        return _lead_of(reading, target) or answer  # the clause pointed at names its lead
    if not lead and answer.abstained and reading.before:
        # the follow-up alone ("How much reserve capacity are they meant to reach?") finds
        # nothing in the clauses pointed at: read it with the question it points back from
        query = f"{reading.before} {reading.search_text}"
        answer = asker(query, docs=docs, k=k, scope=reading.scope)
    own = [t for t in reading.own_words if len(t) > 1]
    if not lead and (answer.abstained or (own and not _mentions_any(answer, own))):
        # what it points at is not in the clauses cited: look in their document
        wider = asker(reading.search_text, docs=docs, k=k)
        return wider if not wider.abstained else answer
    return answer


def _lead_of(reading: Reading, c: Clause) -> Answer | None:
    """The lead tag of the clause a coreference points at, quoted and verified: the reading
    chose the clause, so retrieval's doubt about the follow-up's words does not count."""
    tag = lead_tag(c.text)
    segments = verify_segments(
        [Segment(c.clause_id, tag, suffix="。")] if tag else [], {c.clause_id: c}
    )
    if not segments:
        return None
    text = render(segments, {c.clause_id: c})
    return Answer(reading.resolved, text, False, AnswerKind.LEAD, (cite(c),))


def _mentions_any(answer: Answer, words: Sequence[str]) -> bool:
    main = squash(answer.answer.split("（《", 1)[0]).lower()
    return any(w.lower() in main for w in words)


def _missing(reading: Reading, answer: Answer) -> Answer:
    text = f"未在相关条款中找到与“{reading.slot}”对应的内容。"
    related = (*answer.citations, *answer.related)[:3]
    return Answer(reading.resolved, text, True, AnswerKind.NOT_FOUND, (), tuple(related))


def _more(engine: Engine, reading: Reading) -> Answer | None:
    """The sentences of the clause or section the earlier answer quoted, not yet shown."""
    return _quote(engine, reading)


def _quote(engine: Engine, reading: Reading, want: str = "") -> Answer | None:
    """Sentences of the clauses in the reading's scope, the target first: those naming
    ``want`` (most like the question first), else those the earlier answer did not show."""
    shown = squash(" ".join(reading.skip))
    clauses = {i: engine.clause(i) for i in reading.scope or ()}
    order = sorted(clauses.values(), key=lambda c: (c.clause_id != reading.target, c.ordinal))
    found: list[Segment] = []
    for c in order:
        for s in sentences(c.text):
            t = squash(s)
            if len(t) < 8 or t == squash(c.title):
                continue
            if (want and squash(want) in t) or (not want and t not in shown):
                found.append(Segment(c.clause_id, s.strip()))
    if want:
        asked = set(squash(reading.resolved))
        found.sort(key=lambda seg: -len(asked & set(seg.span)))
        found = found[:2]
    segments: list[Segment] = []
    used = 0
    for seg in found:
        if len(segments) >= MORE_SENTENCES or used >= MORE_CHARS:
            break
        segments.append(seg)
        used += len(seg.span)
    segments = verify_segments(segments, clauses)
    if not segments:
        return None
    cited = list(dict.fromkeys(s.clause_id for s in segments))
    return Answer(
        reading.resolved,
        render(segments, clauses),
        False,
        AnswerKind.EXTRACTIVE,
        tuple(cite(clauses[i]) for i in cited),
    )
