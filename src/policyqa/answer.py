"""Compose an answer from hits: every word from the corpus or a fixed template around it.

The kind of question (see :mod:`policyqa.answer_kinds`) picks the template: the lead
department of a task, an indicator's target, a clause by number, one statement per named
document, or the best 1–3 sentences. Every quoted span is checked against the clause it
cites before it is shown (:mod:`policyqa.verify`). When the question is off the corpus's
topics the answer is an explicit "not found" with the nearest clauses as ``related``.

``python -m policyqa.answer [gold.jsonl ...]`` prints correctness by question type.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from . import answer_kinds as ak
from .chunking import UNHEADED_NOTE
from .crosslingual import is_english
from .sentences import sentences
from .types import Answer, Citation, Clause, Hit
from .verify import Segment, squash, verify_segments

if TYPE_CHECKING:
    from .engine import Engine

log = logging.getLogger(__name__)

NOT_FOUND = "未在已收录的文件中找到与该问题直接相关的规定。"

_LEAD_TAG = re.compile(r"（(牵头部门[：:][^）]*)）")
_DIGIT = re.compile(r"[0-9０-９]|[一二两三四五六七八九十百千万亿]+(?:个|项|家|条|处|倍|成)")
# a sentence naming a responsible body without a （牵头部门：…） tag
_BODY = re.compile(
    r"[\u4e00-\u9fff]{1,8}(?:办|局|委|部门|办公室)"
    r"(?:全程|负责|牵头|统筹|抓好|具体|会同)|设在[\u4e00-\u9fff]{1,8}(?:办|局|委)"
)
_ROW = re.compile(r"(20\d\d)年目标([^，）]+)")
# words that ask rather than name a topic: not evidence of a topic the corpus lacks
_GENERIC = frozenset(
    {
        "这项",
        "谁",
        "哪几",
        "几个",
        "哪几个",
        "两项",
        "两种",
        "叫",
        "名字",
        "表中",
        "标值",
        "目标值",
        "年定",
        "控制目标",
        "多长",
        "什么样",
        "哪条",
        "哪项",
        "列出",
        "点名",
        "哪些地方",
        "内容",
        "概括",
        "要点",
        "条讲",
        "条是",
        "又",
        "各要",
        "还要",
        "那里",
        "它",
        "表述",
        "说法",
        "打算",
        "准备",
        "没有",
        "不是",
        "是不是",
        "不能",
        "可以",
        "现在",
        "现任",
        "多大",
        "回顾",
        "哪天",
        "哪次",
        "几条",
        "交给",
        "领衔",
        "赴",
        "他们",
        "它们",
        "这个",
        "这种",
        "时候",
        "一起",
        "出来",
        "方便",
        "找到",
    }
)

# Abstention, calibrated on eval/gold/dev.jsonl (python -m policyqa.answer prints the table):
# cosine between the question and its nearest passage, separately for Chinese and English.
# The cosine is the larger of question/passage and question/best sentence of the top hits.
ZH_MIN_COS = 0.88
ZH_WEAK_COS = 0.90  # below this, a topic word the corpus never uses means "not found"
EN_MIN_COS = 0.78
EN_SURE_COS = 0.80


@dataclass(frozen=True)
class _Scored:
    clause: Clause
    sentence: str
    score: float


# ---------------------------------------------------------------- helpers


def _render(segments: Sequence[Segment], clauses: dict[str, Clause], sep: str = "") -> str:
    """Consecutive segments of one clause share one citation at their end."""
    parts: list[str] = []
    i = 0
    while i < len(segments):
        j = i
        body = ""
        while j < len(segments) and segments[j].clause_id == segments[i].clause_id:
            s = segments[j]
            body += s.prefix + s.span + s.suffix
            j += 1
        parts.append(f"{body}（{clauses[segments[i].clause_id].citation}）")
        i = j
    return sep.join(parts)


def _cite(c: Clause) -> Citation:
    return Citation(c.clause_id, c.citation, c.text)


class _Context:
    """Per-question state: tokens, the query vector and the nearest passages."""

    def __init__(self, question: str, hits: list[Hit], engine: Engine | None) -> None:
        self.question = question
        self.hits = hits
        self.engine = engine
        self.english = is_english(question)
        tok = engine.index.tokenizer.tokenize if engine is not None else _char_bigrams
        self.tokenize = tok
        # every name of every document: they say where to look, not what to look for
        self.doc_names = (
            {n for d in engine.documents for n in d.names} if engine is not None else set()
        )
        q_tokens = [t for t in dict.fromkeys(tok(question)) if t not in self.doc_names]
        self.tokens = q_tokens
        # an English question's words, translated into the corpus's terms (see crosslingual)
        self.concepts: list[tuple[str, ...]] = []
        self.untranslated: list[str] = []
        if self.english and engine is not None:
            translation = engine.index.lexicon.translate(question)
            self.untranslated = translation.untranslated
            # names and figures the corpus spells the same way (5G, RCEP, 2030) count too
            said = {t for t in tok(" ".join(self.untranslated)) if len(t) > 1}
            kept = engine.index.bm25.vocabulary & said
            self.concepts = [terms for _, terms in translation.concepts] + [(t,) for t in kept]
        self._qvec: np.ndarray | None = None

    @property
    def qvec(self) -> np.ndarray | None:
        if self._qvec is None and self.engine is not None and self.engine.encoder is not None:
            self._qvec = self.engine.encoder.encode_queries([self.question])[0]
        return self._qvec

    def candidates(self, n: int = 5) -> list[Hit]:
        """The clauses to pick sentences from: the top hits (retrieval's hit@5 says the answer
        is usually among the first five), and for an English question
        (whose words BM25 cannot match) also the best hits inside the documents it names."""
        out = list(self.hits[:n])
        if self.english and self.engine is not None:
            docs = ak.mentioned_documents(self.question, self.engine.documents) or None
            seen = {h.clause.clause_id for h in out}
            for mode in ("hybrid", "dense"):
                for h in self.engine.search(self.question, k=3, mode=mode, docs=docs):
                    if h.clause.clause_id not in seen:
                        out.append(h)
                        seen.add(h.clause.clause_id)
        return out

    def nearest_cos(self) -> float | None:
        """Cosine between the question and its nearest indexed passage."""
        if self.qvec is None or self.engine is None:
            return None
        rows = self.engine.index.dense.search(self.qvec, 1)
        return rows[0][1] if rows else 0.0

    def nearest_sentence_cos(self, depth: int = 5) -> float:
        """Cosine between the question and the nearest sentence of the top clauses."""
        texts = [s for h in self.hits[:depth] for s in sentences(h.clause.text)]
        return max(self.sentence_cos(texts), default=0.0)

    def sentence_cos(self, texts: list[str]) -> list[float]:
        if self.qvec is None or self.engine is None or self.engine.encoder is None:
            return [0.0] * len(texts)
        known = self.engine.index.sentence_vectors  # embedded when the index was built
        extra = self.engine.corpus_stats.sentence_vectors
        todo = [t for t in dict.fromkeys(texts) if t not in known and t not in extra]
        if todo:
            vecs = self.engine.encoder.encode_passages(todo)
            extra.update(zip(todo, vecs, strict=True))
        return [float(np.dot(self.qvec, known.get(t, extra.get(t)))) for t in texts]

    def weight(self, token: str) -> float:
        """Inverse clause frequency of a token (rare words matter more)."""
        if self.engine is None:
            return float(len(token))
        return self.engine.corpus_stats.weight(token)

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

    def missing_topic_words(self, corpus_text: str) -> list[str]:
        return [
            t
            for t in self.tokens
            if len(t) >= 2
            and re.search(r"[\u4e00-\u9fff]", t)
            and t not in _GENERIC
            and t not in corpus_text
        ]


class CorpusStats:
    """What the answer step asks of the whole corpus, worked out once per loaded index."""

    def __init__(self, clauses: Sequence[Clause]) -> None:
        self._clauses = clauses
        self._idf: dict[str, float] = {}
        # sentences the index has no vector for (parts of split clauses), embedded on demand
        self.sentence_vectors: dict[str, np.ndarray] = {}

    @cached_property
    def lowered(self) -> list[str]:
        """Clause texts lower-cased (question tokens are lower-cased)."""
        return [c.text.lower() for c in self._clauses]

    @cached_property
    def text(self) -> str:
        """Every clause and heading as one string, to ask whether the corpus uses a word."""
        return "".join(c.text + "".join(c.heading_path) for c in self._clauses)

    def weight(self, token: str) -> float:
        """Inverse clause frequency of a token (rare words matter more)."""
        if token not in self._idf:
            df = sum(1 for text in self.lowered if token in text)
            self._idf[token] = math.log((len(self.lowered) + 1) / (df + 1)) + 0.5
        return self._idf[token]


def _char_bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)]


# ---------------------------------------------------------------- abstention


def answerable(ctx: _Context) -> bool:
    """Whether the corpus speaks to the question at all (False -> "not found")."""
    if ctx.engine is None:
        return True
    if any(h.exact for h in ctx.hits):
        return True
    if ctx.english and not ctx.concepts and not ctx.untranslated:
        return False  # only question words ("What is it?"): nothing to look for
    cos = ctx.nearest_cos()
    if cos is None:
        return True
    sure = EN_SURE_COS if ctx.english else ZH_WEAK_COS
    if cos < sure:  # ambiguous: a sentence may match better than a whole passage
        cos = max(cos, ctx.nearest_sentence_cos())
    if ctx.english:
        # the encoder's cross-lingual cosines are compressed; the dictionary-translated BM25
        # and the encoder putting the same clause at the top is evidence of its own
        return cos >= EN_MIN_COS or _retrievers_agree(ctx.hits)
    if cos < ZH_MIN_COS:
        return False
    return not (cos < ZH_WEAK_COS and ctx.missing_topic_words(ctx.engine.corpus_stats.text))


def _retrievers_agree(hits: Sequence[Hit], top: int = 3, rank: int = 2) -> bool:
    """Both retrievers rank one of the first hits among their own best ``rank``."""
    return any(
        h.bm25_rank is not None
        and h.dense_rank is not None
        and h.bm25_rank <= rank
        and h.dense_rank <= rank
        for h in hits[:top]
    )


# ---------------------------------------------------------------- sentence scoring


def score_sentences(
    ctx: _Context, hits: Sequence[Hit], tokens: Sequence[str] | None = None, numeric=False
) -> list[_Scored]:
    """Candidate sentences of the top clauses, best first."""
    cands: list[tuple[Clause, str, float]] = []
    for rank, h in enumerate(hits):
        # a mild preference for higher-ranked clauses: a paraphrased question's best sentence
        # often sits in the second or third clause
        prior = 1.0 / (1.0 + 0.25 * rank)
        for s in sentences(h.clause.text):
            cands.append((h.clause, s, prior))
    if not cands:
        return []
    sims = ctx.sentence_cos([s for _, s, _ in cands])
    lo = 0.75 if ctx.english else 0.82
    dense = [max(0.0, (x - lo) / (0.95 - lo)) for x in sims]
    if ctx.english and ctx.concepts:
        base = [
            0.6 * ctx.concept_overlap(s) + 0.4 * d
            for (_, s, _), d in zip(cands, dense, strict=True)
        ]
    elif ctx.english or not (tokens if tokens is not None else ctx.tokens):
        base = dense
    else:
        base = [
            0.6 * ctx.overlap(s, tokens) + 0.4 * d
            for (_, s, _), d in zip(cands, dense, strict=True)
        ]
    out = []
    for (c, s, prior), b in zip(cands, base, strict=True):
        score = b * (0.5 + 0.5 * prior)
        if c.title and c.title in s and len(s) <= len(c.title) + 8:
            score *= 0.4  # the article's own title restates the question, answers nothing
        if numeric and _DIGIT.search(s):
            score *= 1.25
        if len(squash(s)) < 6:
            score *= 0.3
        out.append(_Scored(c, s, score))
    out.sort(key=lambda x: -x.score)
    return out


def _pick(scored: list[_Scored], n: int = 3, ratio: float = 0.6) -> list[_Scored]:
    if not scored:
        return []
    best = scored[0].score
    picked = [x for x in scored[:n] if x.score >= ratio * best and x.score > 0]
    return picked or scored[:1]


def _in_doc_order(picked: list[_Scored]) -> list[_Scored]:
    """Keep relevance order between clauses, document order within one clause."""
    order: list[str] = []
    for p in picked:
        if p.clause.clause_id not in order:
            order.append(p.clause.clause_id)
    return sorted(
        picked, key=lambda p: (order.index(p.clause.clause_id), p.clause.text.find(p.sentence))
    )


# ---------------------------------------------------------------- kinds


def _lead(ctx: _Context) -> list[Segment]:
    en = ctx.english
    label_task = "Task: " if en else "任务："
    segs: list[Segment] = []
    top = ctx.hits[:3]
    first = top[0].clause if top else None
    # the top clause names its body in a sentence, without a tag
    if first is not None and not first.lead_departments:
        body = [s for s in sentences(first.text) if _BODY.search(s)]
        if body:
            best = max(body, key=lambda s: ctx.overlap(s))
            return [Segment(first.clause_id, best)]
    # a tag is the answer itself: one a little further down beats quoting sentences that
    # name no body (only 两江新区's plan tags its tasks)
    tagged = [h for h in ctx.hits[:5] if h.clause.lead_departments]
    if not tagged:
        return []
    main = tagged[0]
    for h in tagged[:2]:
        if h is not main:
            # a second clause of nearly the same relevance naming other departments
            close = h.score >= 0.97 * main.score
            if not close or set(h.clause.lead_departments) == set(main.clause.lead_departments):
                continue
        c = h.clause
        m = _LEAD_TAG.search(c.text)
        if not m:
            continue
        prefix = "" if h is main else ("Also: " if en else "另：")
        segs.append(Segment(c.clause_id, m.group(1), prefix=prefix, suffix="。"))
        if c.title:
            segs.append(Segment(c.clause_id, c.title, prefix=label_task))
    return segs


# a sub-row's "其中：#" and the unit in brackets frame an indicator's name
_ROW_NAME_FRAME = re.compile(r"^其中[：:]?#?|（[^（）]*）$")


def _numeric(ctx: _Context) -> list[Segment]:
    asked = ak.years(ctx.question)
    rows = [h.clause for h in ctx.hits[:3] if h.clause.kind == "table_row"]
    if ctx.english:
        rows = []
        if "indicator" in ctx.question.lower() and ctx.engine is not None:
            docs = ak.mentioned_documents(ctx.question, ctx.engine.documents) or None
            hits = ctx.engine.search(ctx.question, k=10, docs=docs)
            rows = [h.clause for h in hits if h.clause.kind == "table_row"][:1]
    if not ctx.english:
        # the row the question names (重庆工业增加值, not …占规上工业增加值比重): the longest
        # stretch of its name the question repeats, then the share of its words; at least half
        named = [(_names_row(ctx, c), -i, c) for i, c in enumerate(rows)]
        rows = [c for (_, cover), _, c in sorted(named, reverse=True) if cover >= 0.5]
    for c in rows:
        name = c.text.split(" ")[0]
        targets = _ROW.findall(c.text)
        if not targets:
            continue
        want = [t for t in targets if t[0] in asked]
        other = [t for t in targets if t[0] not in asked]
        segs = [Segment(c.clause_id, name, suffix="：")]
        if want:
            segs.append(Segment(c.clause_id, f"{want[0][0]}年目标{want[0][1]}"))
            for y, v in other:
                segs.append(
                    Segment(
                        c.clause_id,
                        f"{y}年目标{v}",
                        prefix="（Also: " if ctx.english else "（另：",
                        suffix="）",
                    )
                )
        else:
            for i, (y, v) in enumerate(targets):
                segs.append(Segment(c.clause_id, f"{y}年目标{v}", prefix="，" if i else ""))
        return segs
    scored = score_sentences(ctx, ctx.candidates(), numeric=True)
    return _sentence_segments(_pick(scored, 3, 0.6))


def _names_row(ctx: _Context, row: Clause) -> tuple[int, float]:
    """How many characters of an indicator row's name the question repeats in one stretch,
    and the share of the name's words (not its figures) it uses."""
    name = _ROW_NAME_FRAME.sub("", row.text.split(" ")[0])
    words = [t for t in ctx.tokenize(name) if not t.isdigit()]
    cover = sum(t in ctx.question for t in words) / len(words) if words else 0.0
    match = SequenceMatcher(None, name, ctx.question, autojunk=False)
    return match.find_longest_match().size, cover


def _sentence_segments(picked: list[_Scored]) -> list[Segment]:
    return [Segment(p.clause.clause_id, p.sentence) for p in _in_doc_order(picked)]


_UNHEADED = f"”（{UNHEADED_NOTE}）"


def _clause_lookup(ctx: _Context) -> list[Segment]:
    exact = [h.clause for h in ctx.hits if h.exact]
    exact.sort(key=lambda c: c.ordinal)
    if len(exact) == 1 and exact[0].kind == "heading":
        c = exact[0]
        where = "".join(h.split(" ")[0] for h in c.heading_path)
        return [Segment(c.clause_id, c.text, prefix=f"{where}为“", suffix=_UNHEADED)]
    if len(exact) == 1 and exact[0].kind not in ("paragraph", "lead"):
        c = exact[0]  # an article or a table row: its own label says what it is
        return [Segment(c.clause_id, c.text, prefix=f"{c.label}：" if c.label else "")]
    segs: list[Segment] = []
    head = _named_heading(exact[0]) if exact else ""
    if head:
        segs.append(Segment(exact[0].clause_id, head, suffix="："))
    for c in exact[:8]:
        first = sentences(c.text)[:1]
        long = len(exact) > 1 and len(c.text) > 80 and first
        segs.append(Segment(c.clause_id, first[0] if long else c.text))
    return segs


def _named_heading(c: Clause) -> str:
    """The heading a reference to ``c``'s place names: its section, not a box (专栏…) the
    paragraph sits in; without the heading's own full stop."""
    return next((h for h in reversed(c.heading_path) if not h.startswith("专栏")), "").rstrip("。")


# words a later part of a question uses to point back at what an earlier part named
_BACK = re.compile(r"那里|那儿|该地|此处|它们|它")


def _cross(ctx: _Context, docs: list[str]) -> list[list[Segment]]:
    """One group of segments per named document."""
    assert ctx.engine is not None
    parts = [p for p in re.split(r"[？?；;]", ctx.question) if p.strip()]
    names = {d.doc_id: d.names for d in ctx.engine.documents}
    topic = (
        re.split(r"[：:，,]", ctx.question, maxsplit=1)[0]
        if re.search(r"[：:]", ctx.question)
        else ""
    )
    groups: list[list[Segment]] = []
    for doc in docs:
        own = [p for p in parts if any(n.lower() in p.lower() for n in names[doc])]
        if own and not topic and _BACK.search(" ".join(own)):
            # "…还要在那里建设哪些机构": the place it points back to is in the parts before
            own = parts[: parts.index(own[0])] + own
        sub = (topic + " " + " ".join(own)).strip() if own else ctx.question
        toks = [t for t in dict.fromkeys(ctx.tokenize(sub)) if t not in ctx.doc_names]
        hits = ctx.engine.search(sub, k=5, docs=[doc])
        scored = score_sentences(ctx, hits[:3], tokens=toks or None, numeric=True)
        picked = _pick(scored, 2, 0.6)
        if picked:
            groups.append(_sentence_segments(picked))
    return groups


def _extractive(ctx: _Context) -> list[Segment]:
    scored = score_sentences(ctx, ctx.candidates())
    return _sentence_segments(_pick(scored, 3, 0.6))


# ---------------------------------------------------------------- entry point


def not_found(question: str, hits: Sequence[Hit]) -> Answer:
    return Answer(
        question, NOT_FOUND, True, ak.NOT_FOUND, (), tuple(_cite(h.clause) for h in hits[:3])
    )


def compose_answer(question: str, hits: list[Hit], engine: Engine | None = None) -> Answer:
    """The answer to ``question`` from ``hits`` (best first), verified, or "not found"."""
    if not hits:
        return not_found(question, hits)
    ctx = _Context(question, hits, engine)
    documents = engine.documents if engine is not None else []
    kind = ak.classify(question, hits, documents)
    if not answerable(ctx):
        return not_found(question, hits)
    clauses: dict[str, Clause] = (
        dict(engine._by_id) if engine is not None else {h.clause.clause_id: h.clause for h in hits}
    )
    groups: list[list[Segment]] = []
    if kind == ak.LEAD:
        groups = [_lead(ctx)]
    elif kind == ak.NUMERIC:
        groups = [_numeric(ctx)]
    elif kind == ak.CLAUSE:
        groups = [_clause_lookup(ctx)]
    elif kind == ak.CROSS and engine is not None:
        groups = _cross(ctx, ak.cross_documents(question, documents))
    if not any(groups):
        kind = ak.EXTRACTIVE if kind != ak.CROSS else kind
        groups = [_extractive(ctx)]
    groups = [g for g in (verify_segments(g, clauses) for g in groups) if g]
    if not groups and kind != ak.EXTRACTIVE:  # every span failed: quote sentences instead
        kind = ak.EXTRACTIVE
        groups = [g for g in [verify_segments(_extractive(ctx), clauses)] if g]
    if not groups:
        return not_found(question, hits)
    sep = "\n" if kind == ak.CROSS else ""
    text = sep.join(_render(g, clauses) for g in groups)
    cited: list[Clause] = []
    for g in groups:
        for s in g:
            c = clauses[s.clause_id]
            if c not in cited:
                cited.append(c)
    answer = Answer(
        question,
        text,
        False,
        kind,
        tuple(_cite(c) for c in cited),
        tuple(_cite(h.clause) for h in hits[:5] if h.clause not in cited)[:3],
    )
    if engine is not None and engine.settings.llm_base_url and engine.settings.llm_model:
        from .llm import rephrase

        answer = rephrase(answer, cited, clauses, engine.settings)
    return answer


# ---------------------------------------------------------------- evaluation


def evaluate(engine: Engine, items: list[dict]) -> dict[str, dict[str, float]]:
    """Correctness by type: an answer is correct when it holds every ``answer`` string."""
    from .evaluation import answer_correct  # the judging rule lives with the evaluation

    table: dict[str, dict[str, float]] = {}
    for it in items:
        a = engine.ask(it["question"])
        t = it["type"]
        row = table.setdefault(t, {"n": 0, "correct": 0, "abstained": 0})
        row["n"] += 1
        ok = answer_correct(a.answer, a.abstained, it["answer"], t != "unanswerable")
        row["correct"] += ok
        row["abstained"] += a.abstained
        it["_ok"], it["_answer"] = ok, a
    return table


def print_table(name: str, table: dict[str, dict[str, float]]) -> None:
    print(f"\n{name}")
    print(f"{'type':18}{'n':>4}{'correct':>9}{'abstain':>9}")
    for t, r in sorted(table.items()):
        print(f"{t:18}{r['n']:>4}{r['correct'] / r['n']:>9.2f}{r['abstained'] / r['n']:>9.2f}")
    ans = [r for t, r in table.items() if t != "unanswerable"]
    n = sum(r["n"] for r in ans)
    if n:
        print(
            f"{'answerable':18}{n:>4}{sum(r['correct'] for r in ans) / n:>9.2f}"
            f"{sum(r['abstained'] for r in ans) / n:>9.2f}  <- false abstention"
        )
    u = table.get("unanswerable")
    if u:
        print(
            f"{'unanswerable':18}{u['n']:>4}  answered (should abstain): "
            f"{(u['n'] - u['abstained']) / u['n']:.2f}"
        )


def main(argv: Sequence[str] | None = None) -> None:
    import json
    import sys

    from .engine import Engine
    from .settings import ROOT, load_settings

    args = list(argv if argv is not None else sys.argv[1:])
    verbose = "-v" in args
    paths = [a for a in args if a != "-v"] or [
        str(ROOT / "eval" / "gold" / "sample.jsonl"),
        str(ROOT / "eval" / "gold" / "dev.jsonl"),
    ]
    engine = Engine.load(load_settings())
    for p in paths:
        with open(p, encoding="utf-8") as f:
            items = [json.loads(line) for line in f if line.strip()]
        table = evaluate(engine, items)
        print_table(p, table)
        if verbose:
            for it in items:
                if not it["_ok"]:
                    a = it["_answer"]
                    print(
                        f"  x {it['id']} {it['type']} {it['answer']} [{a.kind}] {a.answer[:160]!r}"
                    )


if __name__ == "__main__":
    main()
