"""Compose an answer: every word from the corpus or a fixed template around it.

The engine calls :func:`prepare` (the question's features, its kind, whether the corpus
answers it, and the retrievals the answer needs), runs those retrievals, then calls
:func:`compose`. Every quoted span is checked against the clause it cites before it is
shown (:mod:`.verify`). When the question is off the corpus's topics the answer is an
explicit "not found" with the nearest clauses as ``related``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ..index.encoders import Vectors
from ..retrieve.mentions import named_documents
from ..settings import Settings
from ..text.normalize import squash
from ..types import Answer, AnswerKind, Citation, Clause, Document, Hit
from . import templates
from .answerability import answerable, probability
from .context import Context, CorpusView, build_context
from .evidence import features
from .facts import Fact, facts_answer, facts_asked, recorded, said_in
from .kinds import asks_place, classify, cross_documents
from .llm import rephrase
from .parts import with_exact_citations
from .plan import Retrieval, plan
from .templates import Retrieved
from .verify import Segment, verify_segments

NOT_FOUND = "未在已收录的文件中找到与该问题直接相关的规定。"
SILENT = "未见与该问题直接相关的表述。"  # a compared document that does not speak to it


@dataclass(frozen=True)
class Prepared:
    """A question ready to answer: ``retrievals`` are what the engine must run for it."""

    ctx: Context
    kind: AnswerKind
    answerable: bool
    retrievals: tuple[Retrieval, ...]
    evidence: Mapping[str, float]  # what answerability weighed (see .evidence)
    probability: float  # the fitted probability that the corpus answers the question
    # the facts of these documents' own asked
    about: tuple[list[Document], tuple[Fact, ...]] | None = None


def prepare(
    question: str,
    hits: list[Hit],
    view: CorpusView,
    vector: Vectors | None,
    nearest: float | None,
) -> Prepared:
    ctx = build_context(question, hits, view, vector, nearest)
    kind = classify(question, hits, view.documents)
    evidence = features(ctx, kind)
    p = probability(evidence)
    if (about := _about_document(question, view.documents, hits)) is not None:
        return Prepared(ctx, AnswerKind.DOCUMENT, True, (), evidence, p, about)
    ok = answerable(ctx, p)
    return Prepared(ctx, kind, ok, tuple(plan(ctx, kind)) if ok else (), evidence, p)


def _about_document(
    question: str, documents: Sequence[Document], hits: Sequence[Hit]
) -> tuple[list[Document], tuple[Fact, ...]] | None:
    """The documents the question names (one, or those it compares) and the facts of their
    own it asks for, where the metadata records one for one of them and none of the top
    clauses says it."""
    facts = facts_asked(question)
    if not facts:
        return None
    named = cross_documents(question, documents)  # two or more: a comparison
    if len(named) < 2:
        named = named_documents(question, documents)  # abbreviations too (反垄断法)
        if len(named) != 1:
            return None
    docs = [d for n in named for d in documents if d.doc_id == n]
    if not any(recorded(d, f) for d in docs for f in facts):
        return None
    said = all(said_in(f, (h.clause.text for h in hits[:3])) for f in facts)
    return None if said else (docs, facts)


def cite(c: Clause) -> Citation:
    return Citation(c.clause_id, c.citation, c.text)


def not_found(question: str, hits: Sequence[Hit]) -> Answer:
    related = tuple(cite(h.clause) for h in hits[:3])
    return Answer(question, NOT_FOUND, True, AnswerKind.NOT_FOUND, (), related)


def _citation(seg: Segment, clauses: Mapping[str, Clause]) -> str:
    return seg.cite or clauses[seg.clause_id].citation


def render(segments: Sequence[Segment], clauses: Mapping[str, Clause], sep: str = "") -> str:
    """Consecutive segments of one clause (and one 款/项) share one citation at their end."""
    parts: list[str] = []
    i = 0
    while i < len(segments):
        j = i
        body = ""
        where = _citation(segments[i], clauses)
        owner = segments[i].clause_id
        while (
            j < len(segments)
            and segments[j].clause_id == owner
            and _citation(segments[j], clauses) == where
        ):
            s = segments[j]
            body += s.prefix + s.span + s.suffix
            j += 1
        parts.append(f"{body}（{where}）")
        i = j
    return sep.join(parts)


@dataclass(frozen=True)
class Composed:
    """What the templates made of a question: its kind, the groups of segments to show
    (one per compared document in a comparison) and the compared documents found silent."""

    kind: AnswerKind
    groups: list[list[Segment]]
    silent: list[str]


def _cross(ctx: Context, extra: Mapping[str, Retrieved]) -> Composed:
    """A comparison: each document's statement, headed by its short name, or its silence."""
    names = {d.doc_id: d.short_name for d in ctx.view.documents}
    groups: list[list[Segment]] = []
    silent: list[str] = []
    for doc, segs in templates.cross(ctx, cross_documents(ctx.question, ctx.view.documents), extra):
        segs = verify_segments(segs, ctx.view.clauses)
        if not segs:
            silent.append(doc)
            continue
        first = segs[0]
        groups.append([replace(first, prefix=f"{names[doc]}：{first.prefix}"), *segs[1:]])
    return Composed(AnswerKind.CROSS, groups, silent)


def _groups(ctx: Context, kind: AnswerKind, extra: Mapping[str, Retrieved]) -> Composed:
    """The kind's template, the extractive answer where it finds nothing, verified."""
    clauses = ctx.view.clauses
    if kind == AnswerKind.CROSS:
        composed = _cross(ctx, extra)
        if composed.groups:
            return composed
    groups: list[list[Segment]] = []
    if kind == AnswerKind.LEAD:
        groups = [templates.lead(ctx)]
    elif kind == AnswerKind.NUMERIC:
        groups = [templates.numeric(ctx, extra)]
    elif kind == AnswerKind.CLAUSE:
        groups = [templates.clause_lookup(ctx)]
    if not any(groups):
        kind = AnswerKind.EXTRACTIVE if kind != AnswerKind.CROSS else kind
        groups = [templates.extractive(ctx, extra)]
    groups = [g for g in (verify_segments(g, clauses) for g in groups) if g]
    if not groups and kind != AnswerKind.EXTRACTIVE:  # every span failed: quote sentences
        kind = AnswerKind.EXTRACTIVE
        groups = [g for g in [verify_segments(templates.extractive(ctx, extra), clauses)] if g]
    if groups and asks_place(ctx.question):
        groups[0] = _placed(groups[0], clauses)
    return Composed(kind, groups, [])


def _placed(group: list[Segment], clauses: Mapping[str, Clause]) -> list[Segment]:
    """The group led by where its first clause stands, unless it already names a heading."""
    c = clauses[group[0].clause_id]
    heads = {squash(h) for h in c.heading_path}
    if any(squash(s.span) in heads for s in group):
        return group
    return verify_segments(templates.place(c), clauses) + group


def _text(ctx: Context, composed: Composed) -> str:
    """The groups rendered (a comparison one line per document, its silent ones last), and
    for an English question a one-line English lead where the answer is a body or figure."""
    clauses = ctx.view.clauses
    names = {d.doc_id: d.short_name for d in ctx.view.documents}
    lines = [render(g, clauses) for g in composed.groups]
    lines += [f"{names[d]}：{SILENT}" for d in composed.silent]
    text = ("\n" if composed.kind == AnswerKind.CROSS else "").join(lines)
    if ctx.english and composed.groups and composed.kind != AnswerKind.CROSS:
        lead = templates.english_lead(composed.kind, composed.groups[0], clauses)
        if lead is not None and verify_segments([lead], clauses):
            text = render([lead], clauses) + "\n" + text
    return text


def compose(
    prepared: Prepared, extra: Mapping[str, Retrieved], settings: Settings | None = None
) -> Answer:
    """The answer from the question's hits and the retrievals it asked for, or "not found".

    With a language model configured in ``settings``, its verified rephrasing.
    """
    ctx = prepared.ctx
    if prepared.about is not None:
        told = facts_answer(ctx.question, *prepared.about, ctx.view.clauses)
        if told is not None:
            return replace(told, related=tuple(cite(h.clause) for h in ctx.hits[:3]))
    if not prepared.answerable:
        return not_found(ctx.question, ctx.hits)
    composed = _groups(ctx, prepared.kind, extra)
    if not composed.groups:
        return not_found(ctx.question, ctx.hits)
    clauses = ctx.view.clauses
    exact_groups = [with_exact_citations(g, clauses) for g in composed.groups]
    composed = replace(composed, groups=exact_groups)
    cited: list[Clause] = []
    citations: list[Citation] = []
    for g in composed.groups:
        for s in g:
            c = clauses[s.clause_id]
            exact = Citation(c.clause_id, _citation(s, clauses), c.text)
            if c not in cited:
                cited.append(c)
            if exact not in citations:
                citations.append(exact)
    answer = Answer(
        ctx.question,
        _text(ctx, composed),
        False,
        composed.kind,
        tuple(citations),
        tuple(cite(h.clause) for h in ctx.hits[:5] if h.clause not in cited)[:3],
    )
    if settings is not None and settings.llm_base_url and settings.llm_model:
        answer = rephrase(answer, cited, clauses, settings)
    return answer
