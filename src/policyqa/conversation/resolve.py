"""Reading a follow-up against the turn before it, without a language model.

The kinds (see eval/dialogues/README.md): an *ellipsis* changes one slot of the earlier
question (a year, a place, an indicator); a *scope* change asks the same of another
document; a *coreference* points at the clause or document the earlier answer cited; a
*continuation* asks for more of that clause or section; a *fresh* question has a topic of
its own and no marker pointing back, and inherits nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from ..answer.facts import facts_asked
from ..answer.kinds import asks_place, years
from ..engine import Engine
from ..errors import UnknownClause
from ..retrieve.mentions import document_mentions, reaches, starts_after
from ..text.language import is_english
from ..text.normalize import squash
from ..types import Clause, ClauseKind, Document, Level
from . import cues, slots
from .history import Turn

SCOPED_KINDS = (ClauseKind.ARTICLE, ClauseKind.LEAD, ClauseKind.PARAGRAPH, ClauseKind.TABLE_ROW)


class FollowUp(StrEnum):
    FRESH = "fresh"
    ELLIPSIS = "ellipsis"
    SCOPE = "scope"
    COREFERENCE = "coreference"
    CONTINUATION = "continuation"


@dataclass(frozen=True)
class Reading:
    """How a question was read: ``resolved`` is the self-contained question answered."""

    question: str
    resolved: str
    kind: FollowUp = FollowUp.FRESH
    query: str = ""  # what the engine searches (default: resolved)
    docs: tuple[str, ...] | None = None  # documents to search (None: the caller's choice)
    scope: tuple[str, ...] | None = None  # clause ids that may answer (None: any)
    target: str | None = None  # the clause a coreference points at
    asks_source: bool = False  # "这是哪份文件里提的？": the target's document is the answer
    slot: str = ""  # the value an ellipsis put in (the answer must speak of it)
    skip: tuple[str, ...] = field(default=())  # answers already shown (continuation)
    wants_rest: bool = False  # "还有别的吗？": the rest of the clause or section
    own_words: tuple[str, ...] = ()  # the follow-up's own topic words
    before: str = ""  # the question an English coreference points back from
    source: str = "rules"  # who worded ``resolved``: the rules, or a checked "llm" rewrite

    @property
    def inherited(self) -> bool:
        return self.kind != FollowUp.FRESH

    @property
    def search_text(self) -> str:
        return self.query or self.resolved


def fresh(question: str) -> Reading:
    return Reading(question, question)


@dataclass(frozen=True)
class _Before:
    """What the turn before offers: its question as read, its cited clauses, its documents."""

    question: str
    answer: str
    cited: list[Clause]
    docs: list[str]  # the documents it asked about (named, else cited)


def _before(turn: Turn, engine: Engine) -> _Before:
    cited: list[Clause] = []
    for cid in turn.clause_ids:
        try:
            cited.append(engine.clause(cid))
        except UnknownClause:  # a history from before a reindex: skip what is gone
            continue
    docs = document_mentions(turn.read_as, engine.documents).doc_ids
    # several clauses cited: the answer's first (its lead) is the antecedent; none cited
    # (the answer abstained): the earlier question's best clause
    if not cited:
        hits = engine.search(turn.read_as, k=1, docs=docs or None)
        cited = [h.clause for h in hits[:1]]
    if not docs:
        docs = list(dict.fromkeys(c.doc_id for c in cited))
    return _Before(turn.read_as, turn.answer, cited, docs)


def clause_name(c: Clause, doc: Document) -> str:
    """How an official names a clause: 两江新区实施方案第32条（建设中西部国际交往中心门户）."""
    where = c.label
    if c.kind != ClauseKind.ARTICLE:
        where = "".join(h.cite for h in c.headings if h.cite) + c.label
    title = c.title or (c.row.name if c.row else "")
    return f"{doc.short_name}{where}" + (f"（{title}）" if title else "")


def section_of(c: Clause, clauses: Sequence[Clause]) -> list[Clause]:
    """The clauses under the same headings as ``c`` (its section, table or box)."""
    heads = tuple(h for h in c.headings if h.level not in (Level.BOX, Level.CAPTION))
    same = [x for x in clauses if x.headings[: len(heads)] == heads and x.kind in SCOPED_KINDS]
    return same or [c]


def section_name(c: Clause, doc: Document) -> str:
    """How an official names the section of a clause: 规划纲要第七章第一节“营造高品质消费空间”."""
    heads = [h for h in c.headings if h.level not in (Level.BOX, Level.CAPTION)]
    cites = "".join(h.cite for h in heads if h.cite)
    last = heads[-1] if heads else None
    title = last.text.removeprefix(last.cite).strip(" 、.。") if last else ""
    return f"{doc.short_name}{cites}" + (f"“{title}”" if title else "")


def _substantial(rest: list[str], english: bool) -> bool:
    return len(rest) >= 3 if english else sum(len(t) for t in rest) >= 3


def resolve(question: str, history: Sequence[Turn], engine: Engine) -> Reading:
    """The reading of ``question`` after ``history`` (oldest first)."""
    if not history:
        return fresh(question)
    before = _before(history[-1], engine)
    english = is_english(question)
    mentions = document_mentions(question, engine.documents)
    named = [d for d in mentions.doc_ids if d not in before.docs]
    rest_text = mentions.without_names(question) if mentions.doc_ids else question
    rest = cues.residue(rest_text, english, engine.index.tokenizer.tokenize)
    more = cues.asks_more(question, english)
    fragment = cues.is_fragment(question, english)
    asked_years = years(question)
    own = _substantial(rest, english)
    # "那第14条呢，谁牵头？": another clause of the same document, asked something of its own
    position = None if english else cues.POSITION_ZH.search(question)
    ask = cues.position_ask(question, position[0]) if position else ""
    if position and ask and "几" not in position[0] and before.cited and not named:
        return _position(question, before, position[0], ask, engine)
    # "谁牵头？" names no task of its own: it can only ask about the one just answered
    bare = not (own or named) and (
        cues.asks_lead(question, english)
        or cues.asks_source(question, english)
        or asks_place(question)  # "是第几条来着？": where the clause just quoted stands
    )
    # "发文字号是多少？" names a fact of a document and no document: the one just cited
    bare = bare or (bool(facts_asked(question)) and not mentions.doc_ids)
    back = cues.points_back(question, english) or bare
    if not (back or more or fragment) and (own or not (named or asked_years)):
        return fresh(question)  # a topic of its own, nothing pointing back
    if named and not (back and before.cited) and not (more and not own):
        # "能级提升方案对物流是怎么要求的？" asks a topic of its own (物流, a word the corpus uses)
        # of the other document: only a fragment (两江新区呢？) or a bare "规划纲要里定的是多少？"
        # re-asks the question before
        topic = own or (not english and any(t in engine.view.vocabulary for t in rest))
        if topic and not fragment:
            return fresh(question)
        return _scope(question, before, engine.document(named[0]), engine)
    if back and before.cited and not more:
        return _coreference(question, before, engine, english, rest)
    if more and before.cited and not named:
        return _continuation(question, before, engine, back, rest)
    if asked_years and not rest:
        return _year(question, before, asked_years[-1], engine)
    if fragment and position and not rest:  # 第31条呢？: the question before, of that clause
        return _ellipsis(question, before, position[0], engine, english)
    if fragment and rest:
        frag = cues.strip_frame(rest_text, english)
        return _ellipsis(question, before, frag, engine, english)
    return fresh(question)


def _position(question: str, before: _Before, position: str, ask: str, engine: Engine) -> Reading:
    doc = engine.document(before.docs[0] if before.docs else before.cited[0].doc_id)
    resolved = f"{doc.short_name}{position}{ask}"
    return Reading(question, resolved, FollowUp.ELLIPSIS, docs=(doc.doc_id,), slot=position)


def _scope(question: str, before: _Before, doc: Document, engine: Engine) -> Reading:
    resolved = slots.replace_document(before.question, doc, engine.documents)
    for year in years(before.question):  # a year the other document does not plan for
        if not reaches(doc, int(year)) or starts_after(doc, int(year)):
            resolved = slots.remove_year(resolved, year)
    return Reading(question, resolved, FollowUp.SCOPE, docs=(doc.doc_id,))


def _year(question: str, before: _Before, year: str, engine: Engine) -> Reading:
    text = slots.replace_year(before.question, year)
    docs: tuple[str, ...] | None = tuple(before.docs) or None
    if any(not reaches(engine.document(d), int(year)) for d in before.docs):
        # the earlier document does not reach that year: ask of every document
        text, docs = slots.remove_documents(text, engine.documents), None
    return Reading(question, text, FollowUp.ELLIPSIS, docs=docs, slot=f"{year}")


def _ellipsis(
    question: str, before: _Before, fragment: str, engine: Engine, english: bool
) -> Reading:
    if english:
        text = slots.replace_phrase_en(before.question, fragment)
    else:
        text = slots.replace_phrase(before.question, fragment, before.cited, engine.documents)
    docs = tuple(before.docs) or None
    if english:
        return Reading(question, text, FollowUp.ELLIPSIS, docs=docs)
    # the other place or indicator is usually beside the first: its section first
    near = [
        x.clause_id
        for c in before.cited
        for x in section_of(c, engine.clauses_of(c.doc_id))
        if squash(fragment) in squash(x.text)
    ]
    scope = tuple(dict.fromkeys(near)) or None
    return Reading(question, text, FollowUp.ELLIPSIS, docs=docs, scope=scope, slot=fragment)


def _antecedent(cited: Sequence[Clause], words: Sequence[str]) -> Clause:
    """The cited clause a follow-up points at: the answer's first (its lead), unless another
    it cited says more of the follow-up's own words ("这一条还提到市级工业设计中心…" points
    at the cited clause that has 工业设计中心)."""
    said = [sum(squash(w) in squash(c.text) for w in words) for c in cited]
    return cited[said.index(max(said))]


def _coreference(
    question: str, before: _Before, engine: Engine, english: bool, rest: list[str]
) -> Reading:
    target = before.cited[0]
    doc = engine.document(target.doc_id)
    pattern = cues.ANAPHOR_EN if english else cues.ANAPHOR_ZH
    # "Who issued this plan?", "这份文件什么时候印发的？": a fact of the document, not the clause
    facts = bool(facts_asked(question))
    name = doc.short_name if facts else clause_name(target, doc)
    said = cues.DOCUMENT_EN if english and facts else pattern
    resolved = said.sub(name, question, count=1)
    if resolved == question:  # "谁牵头？": no word to replace, the clause goes first
        resolved = f"{question.rstrip('?？ ')} ({name})?" if english else f"{name}{question}"
    source = cues.asks_source(question, english)
    if source:
        resolved = f"上文所引条款（{name}）出自哪份文件？"
    one = source or cues.ONE_CLAUSE.search(question) or cues.asks_lead(question, english)
    scope = (target.clause_id,) if one else tuple(c.clause_id for c in before.cited[:3])
    query = question if english else f"{before.question} {pattern.sub(' ', question)}"
    return Reading(
        question,
        resolved,
        FollowUp.COREFERENCE,
        query=query,
        docs=(target.doc_id,),
        scope=scope,
        target=target.clause_id,
        asks_source=source,
        own_words=tuple(rest),
        before=before.question if english else "",  # a Chinese query already carries it
    )


def _continuation(
    question: str, before: _Before, engine: Engine, back: bool, rest: list[str]
) -> Reading:
    target = _antecedent(before.cited, rest)
    doc = engine.document(target.doc_id)
    this_clause = back and bool(cues.CLAUSE_PART.search(question) or "条" in question)
    scope = [target] if this_clause else section_of(target, engine.clauses_of(target.doc_id))
    where = clause_name(target, doc) if this_clause else section_name(target, doc)
    own = cues.MORE_ZH.sub("", cues.ANAPHOR_ZH.sub("", question)).strip(" ？?。")
    resolved = f"{where}中，{cues.ANAPHOR_ZH.sub('', question).lstrip('，,')}"
    if is_english(question):
        resolved = f"{question.rstrip('?？ ')} (in {where})?"
    heading = target.headings[-1].text if target.headings else ""
    query = question if is_english(question) else f"{own} {heading}".strip()
    return Reading(
        question,
        resolved,
        FollowUp.CONTINUATION,
        query=query if rest else before.question,
        docs=(target.doc_id,),
        scope=tuple(c.clause_id for c in scope),
        target=target.clause_id,
        skip=(before.answer,),
        wants_rest=not rest,
        own_words=tuple(rest),
    )
