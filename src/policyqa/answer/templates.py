"""One template per kind of answer: the words are the corpus's, the frame is ours.

Each returns the segments to show (a cited span with fixed words around it), or [] when
the clauses at hand do not fit the template (the extractive answer is the fallback).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from ..ingest.clauses import UNHEADED_NOTE
from ..ingest.tags import lead_tag
from ..text.chars import HAN
from ..text.numerals import ITEM_NUMBER
from ..text.sentences import run_on, sentences
from ..types import AnswerKind, Clause, ClauseKind, Hit, Level, TableRow
from .context import Context
from .kinds import asks_figure, years
from .scoring import Scored, in_doc_order, of_years_asked, pick, score_sentences, silence
from .verify import Segment

# a sentence naming a responsible body without a （牵头部门：…） tag
_BODY = re.compile(
    rf"[{HAN}]{{1,8}}(?:办|局|委|部门|办公室)"
    rf"(?:全程|负责|牵头|统筹|抓好|具体|会同)|设在[{HAN}]{{1,8}}(?:办|局|委)"
)
_TARGET_HEADER = re.compile(r"(20\d\d)年目标")
_TARGET_VALUE = re.compile(r"20\d\d年目标.+")
_YEARS = re.compile(r"20\d\d\s*(?:年|[—–\-至到]\s*20\d\d)")
_UNIT = re.compile(r"（[^（）]*）$")  # an indicator's unit after its name: （万亿元）
_UNHEADED = f"”（{UNHEADED_NOTE}）"
# clauses of a compared document's own retrieval whose sentences may answer for it (five
# found more answers on the fitting sets, 0.667 -> 0.762, but also an unrelated sentence over
# the silence floor for a document that says nothing: a silent document must be told)
CROSS_DEPTH = 3
RUN_ON = 120  # characters a quoted part may grow to, run on to its sentence's end


@dataclass(frozen=True)
class Retrieved:
    """A retrieval the answer asked for up front (see :mod:`.plan`), with its results."""

    query: str
    hits: list[Hit]


def candidates(ctx: Context, extra: Mapping[str, Retrieved], n: int = 5) -> list[Hit]:
    """The clauses to pick sentences from: the top hits (retrieval's hit@5 says the answer
    is usually among the first five), and for an English question (whose words BM25
    cannot match) also the best hits inside the documents it names."""
    out = list(ctx.hits[:n])
    seen = {h.clause.clause_id for h in out}
    for key in ("en:hybrid", "en:dense"):
        for h in extra[key].hits if key in extra else []:
            if h.clause.clause_id not in seen:
                out.append(h)
                seen.add(h.clause.clause_id)
    return out


def sentence_segments(picked: list[Scored]) -> list[Segment]:
    """The picked sentences in document order, each a whole sentence where that is short
    (:func:`run_on`); a part another quote already holds is not quoted again."""
    quotes = [
        (p.clause.clause_id, run_on(p.sentence, p.clause.text, RUN_ON))
        for p in in_doc_order(picked)
    ]
    return [
        Segment(cid, q)
        for i, (cid, q) in enumerate(quotes)
        if not any(
            j != i and c == cid and q in o and (q != o or j < i) for j, (c, o) in enumerate(quotes)
        )
    ]


def extractive(ctx: Context, extra: Mapping[str, Retrieved]) -> list[Segment]:
    """The best one to three sentences of the top clauses."""
    return sentence_segments(pick(score_sentences(ctx, candidates(ctx, extra)), 3))


def lead(ctx: Context) -> list[Segment]:
    """The body that leads a task: a （牵头部门：…） tag, or a sentence naming it."""
    en = ctx.english
    label_task = "Task: " if en else "任务："
    segs: list[Segment] = []
    first = ctx.hits[0].clause if ctx.hits else None
    # the top clause names its body in a sentence, without a tag
    if first is not None and not first.lead_departments:
        body = [s for s in sentences(first.text) if _BODY.search(s)]
        if body:
            best = max(body, key=lambda s: ctx.overlap(s))
            return [Segment(first.clause_id, best)]
    # a tag is the answer itself: one a little further down beats quoting sentences that
    # name no body
    tagged = [h for h in ctx.hits[:5] if h.clause.lead_departments]
    if not tagged:
        return []
    # a lead question names a task by its name (the clause's title) or by a piece of work
    # the task lists (one of its sentences): the tagged clause with most of the question's
    # words in its title and its best sentence together. The title alone takes a generic
    # word (争创国家) for the task; the sentences alone miss an English question whose
    # translated words fit a neighbouring article's sentences as well. Retrieval order
    # among equals
    tagged.sort(key=lambda h: -_names_task(ctx, h.clause))
    main = tagged[0]
    for h in tagged[:2]:
        if h is not main:
            # a second clause retrieval ranks nearly as high that names other departments
            close = h.score >= 0.97 * main.score
            if not close or set(h.clause.lead_departments) == set(main.clause.lead_departments):
                continue
        c = h.clause
        tag = lead_tag(c.text)
        if not tag:
            continue
        prefix = "" if h is main else ("Also: " if en else "另：")
        segs.append(Segment(c.clause_id, tag, prefix=prefix, suffix="。"))
        if c.title:
            segs.append(Segment(c.clause_id, c.title, prefix=label_task))
    return segs


def _names_task(ctx: Context, c: Clause) -> float:
    """Share of the question's words (or translated concepts), by rarity, in ``c``'s title,
    plus the share in its best sentence."""

    def share(text: str) -> float:
        return ctx.concept_overlap(text) if ctx.english else ctx.overlap(text)

    title = share(c.title) if c.title else 0.0
    return title + max((share(s) for s in sentences(c.text)), default=0.0)


def numeric(ctx: Context, extra: Mapping[str, Retrieved]) -> list[Segment]:
    """An indicator's target from its table row, else the sentences with the figure."""
    asked = years(ctx.question)
    rows = [h.clause for h in ctx.hits[:3] if h.clause.row is not None]
    if ctx.english:
        found = extra["indicator"].hits if "indicator" in extra else []
        rows = [h.clause for h in found if h.clause.row is not None][:1]
    else:
        # the row the question names (重庆工业增加值, not …占规上工业增加值比重): the longest
        # stretch of its name the question repeats, then the share of its words; at least half
        named = [(_names_row(ctx, c), -i, c) for i, c in enumerate(rows)]
        rows = [c for (_, cover), _, c in sorted(named, reverse=True) if cover >= 0.5]
    for c in rows:
        if segs := _row_targets(ctx, c, asked):
            return segs
    # a sentence of 2030 does not answer a question about 2027, however near it is
    scored = score_sentences(ctx, candidates(ctx, extra), numeric=True)
    scored = of_years_asked(ctx.question, scored)
    return sentence_segments(pick(scored, 3))


def _row_targets(ctx: Context, c: Clause, asked: list[str]) -> list[Segment]:
    assert c.row is not None
    targets = [(m.group(1), v) for h, v in c.row.targets() if (m := _TARGET_HEADER.fullmatch(h))]
    if not targets:
        return []
    want = [t for t in targets if t[0] in asked]
    other = [t for t in targets if t[0] not in asked]
    segs = [Segment(c.clause_id, c.row.lead, suffix="：")]
    if not want:
        for i, (y, v) in enumerate(targets):
            segs.append(Segment(c.clause_id, f"{y}年目标{v}", prefix="，" if i else ""))
        return segs
    segs.append(Segment(c.clause_id, f"{want[0][0]}年目标{want[0][1]}"))
    also = "（Also: " if ctx.english else "（另："
    for y, v in other:
        segs.append(Segment(c.clause_id, f"{y}年目标{v}", prefix=also, suffix="）"))
    return segs


def _names_row(ctx: Context, row: Clause) -> tuple[int, float]:
    """How many characters of an indicator row's name the question repeats in one stretch,
    and the share of the name's words (not its figures) it uses."""
    assert row.row is not None
    name = _row_name(row.row)
    words = [t for t in ctx.tokenize(name) if not t.isdigit()]
    cover = sum(t in ctx.question for t in words) / len(words) if words else 0.0
    match = SequenceMatcher(None, name, ctx.question, autojunk=False)
    return match.find_longest_match().size, cover


def _row_name(row: TableRow) -> str:
    """The indicator's name without a sub-row's # and without its unit."""
    return _UNIT.sub("", row.name.lstrip("#"))


def clause_lookup(ctx: Context) -> list[Segment]:
    """The clauses a reference names, headed by the section they sit in."""
    exact = sorted((h.clause for h in ctx.hits if h.exact), key=lambda c: c.ordinal)
    part = next((h.part for h in ctx.hits if h.exact and h.part is not None), None)
    if len(exact) == 1 and part is not None:  # 第二十九条第二款: that 款 (or 项) alone
        c = exact[0]
        prefix = f"{c.label}{part.label}："
        return [Segment(c.clause_id, part.text, prefix=prefix, cite=c.citation + part.label)]
    if len(exact) == 1 and exact[0].kind == ClauseKind.HEADING:
        c = exact[0]
        where = "".join(h.cite for h in c.headings)
        return [Segment(c.clause_id, c.text, prefix=f"{where}为“", suffix=_UNHEADED)]
    if len(exact) == 1 and exact[0].kind not in (ClauseKind.PARAGRAPH, ClauseKind.LEAD):
        c = exact[0]  # an article or a table row: its own label says what it is
        # an article that starts with its number (第四十条 对……) needs no label before it
        labelled = c.label and not c.text.startswith(c.label)
        return [Segment(c.clause_id, c.text, prefix=f"{c.label}：" if labelled else "")]
    segs: list[Segment] = []
    head = _named_heading(exact[0]) if exact else ""
    if head:
        segs.append(Segment(exact[0].clause_id, head, suffix="："))
    for c in exact[:8]:
        first = sentences(c.text)[:1]
        long = len(exact) > 1 and len(c.text) > 80 and first
        segs.append(Segment(c.clause_id, first[0] if long else c.text))
    return segs


def place(c: Clause) -> list[Segment]:
    """Where ``c`` stands in its document, heading by heading, to lead an answer to a
    question that asks where (这一段在哪一节？): 位于第十一章 …，第四节 …："""
    heads = [h.text.rstrip("。") for h in c.headings if h.text]
    last = len(heads) - 1
    return [
        Segment(c.clause_id, t, prefix="位于" if i == 0 else "，", suffix="：" if i == last else "")
        for i, t in enumerate(heads)
    ]


def _named_heading(c: Clause) -> str:
    """The heading a reference to ``c``'s place names: its section, not a box (专栏…) the
    paragraph sits in; without the heading's own full stop."""
    return next((h.text for h in reversed(c.headings) if h.level != Level.BOX), "").rstrip("。")


def cross(
    ctx: Context, docs: Sequence[str], extra: Mapping[str, Retrieved]
) -> list[tuple[str, list[Segment]]]:
    """Per named document, side by side, its own statement from its own retrieval (a figure
    where the question asks for one), or no segments where the document is silent."""
    figure = asks_figure(ctx.question)
    floor = silence()
    out: list[tuple[str, list[Segment]]] = []
    for doc in docs:
        got = extra[f"cross:{doc}"]
        sub = replace(ctx, question=got.query, hits=got.hits)
        sub.tokens = ctx.without_names(got.query) or ctx.tokens
        segs = _row_answer(sub) if figure else []
        if not segs:
            scored = score_sentences(sub, got.hits[:CROSS_DEPTH], numeric=figure)
            if scored and scored[0].score >= floor:
                segs = sentence_segments(pick(scored, 2))
        out.append((doc, segs))
    return out


def _row_answer(ctx: Context) -> list[Segment]:
    """An indicator row the question names among the top clauses, with its targets."""
    rows = [h.clause for h in ctx.hits[:3] if h.clause.row is not None]
    named = [(_names_row(ctx, c), -i, c) for i, c in enumerate(rows)]
    for (_, cover), _, c in sorted(named, reverse=True):
        if cover >= 0.5 and (segs := _row_targets(ctx, c, years(ctx.question))):
            return segs
    return []


_FIGURE = re.compile(r"(?<![0-9.])[0-9]+(?:\.[0-9]+)?(?:%|‰|[万亿千百]*[^\W\d_年月日]?)")


def english_lead(
    kind: AnswerKind, group: Sequence[Segment], clauses: Mapping[str, Clause]
) -> Segment | None:
    """A one-line English lead for an English question: the body that leads, or the figure
    the answer gives where that is unambiguous (an indicator row's target for the year it
    puts first, or the only figure of the first sentence): a verified span of its clause."""
    first = group[0]
    c = clauses[first.clause_id]
    if kind == AnswerKind.LEAD and (tag := lead_tag(c.text)):
        return Segment(c.clause_id, re.split(r"[：:]", tag, maxsplit=1)[-1], prefix="Lead: ")
    if kind != AnswerKind.NUMERIC:
        return None
    if c.row is not None:
        target = next((g for g in group[1:2] if _TARGET_VALUE.fullmatch(g.span)), None)
        return replace(target, prefix="Target: ", suffix="") if target else None
    # the item's own number (51. ) is not a figure it gives
    text = ITEM_NUMBER.sub("", first.span.lstrip())
    figures = {m.group(0) for m in _FIGURE.finditer(_YEARS.sub(" ", text))}
    if len(figures) == 1:
        return Segment(c.clause_id, figures.pop(), prefix="Figure: ")
    return None
