"""Questions about a document itself (when it was issued, by whom, its number, when it
takes effect, what period it plans for), answered from the document's recorded facts.

Those facts are in the cover letter and signature of a document (渝府发〔2026〕8号, 2026年4月26日),
which are not clauses anyone asks about, so retrieval does not find them; the corpus's
metadata (``documents.toml``, or what ``policyqa add`` read off the file) holds them. Only a
question that names one document and asks one of these in so many words is answered so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

from ..types import Answer, AnswerKind, Citation, Clause, Document


class Fact(StrEnum):
    """A fact of a document's own, as its metadata records it."""

    NUMBER = "doc_number"
    EFFECTIVE = "effective"
    ISSUED = "date"
    ISSUER = "issuer"
    PERIOD = "period"


LABELS = {
    Fact.NUMBER: "发文字号",
    Fact.EFFECTIVE: "施行日期",
    Fact.ISSUED: "文件日期",
    Fact.ISSUER: "发布机关",
    Fact.PERIOD: "规划期",
}
_WHEN_ZH = r"(?:什么时候|什么时间|何时|哪天|哪一天|哪年|哪一年|几月|哪个月|几号|哪日)"
# the verb ends the question or one of its parts: "…是什么时候公布的？" asks of the document,
# "…什么时候之前公布防汛责任人？" of a duty the document sets
_END = r"(?=(?:的|了|呢|吗)*\s*(?:[？?。！!，,；;]|$))"
# checked in this order: "什么时候施行" asks the effective date, not the date of issue
_ASKS_ZH = (
    (Fact.NUMBER, r"文号|发文字号|文件编号|文件字号"),
    (
        Fact.EFFECTIVE,
        rf"{_WHEN_ZH}[^？?，,。]{{0,6}}(?:施行|生效){_END}|(?:施行|生效)(?:日期|时间)",
    ),
    (
        Fact.ISSUED,
        rf"{_WHEN_ZH}[^？?，,。]{{0,6}}(?:印发|发布|出台|公布|颁布|发文|下发|通过|批准|发(?=的)){_END}"
        r"|(?:印发|发布|出台|公布|颁布|成文)(?:日期|时间)",
    ),
    (
        Fact.ISSUER,
        rf"(?:哪个|哪些|哪家|什么)(?:部门|单位|机关|机构)[^？?，,。]{{0,4}}(?:印发|发布|制定|出台|颁布|下发|通过){_END}"
        rf"|(?:由谁|谁)(?:印发|发布|制定|出台|颁布|下发|发(?=的)){_END}|(?:发文|发布|印发|制定)(?:单位|机关|部门)",
    ),
    (Fact.PERIOD, r"规划期|期限到|时间跨度|覆盖(?:哪几年|哪些年份)|从哪年到哪年"),
)
_ASKS_EN = (
    (Fact.NUMBER, r"\b(?:document|file|reference|serial)\s+number\b"),
    (
        Fact.EFFECTIVE,
        r"\b(?:take|takes|took|come|comes|came)\s+(?:into\s+)?(?:effect|force)\b"
        r"|\beffective\s+date\b",
    ),
    (
        Fact.ISSUED,
        r"\bwhen\s+(?:was|were)\b[^?]*\b(?:issued|published|released|promulgated|adopted)\s*\??\s*$"
        r"|\bwhen\s+did\b.*\b(?:issue|publish|release|promulgate|adopt)\b"
        r"|\b(?:issue|publication|release)\s+date\b"
        # "and on what date?" beside "who issued", "the date it was issued": not a date of effect
        r"|\b(?:on\s+)?what\s+date\b(?![^?]*\b(?:effect|force)\b)"
        r"|\bthe\s+date\b[^?]*\b(?:issued|published|released|adopted)\b",
    ),
    (
        Fact.ISSUER,
        r"\bwho\s+(?:issued|published|released|promulgated|drew\s+up)\b"
        r"|\bwhich\s+(?:body|authority|department|government|organ)\s+(?:issued|published)\b",
    ),
    (Fact.PERIOD, r"\b(?:planning\s+period|time\s+frame|timeframe)\b|\bwhat\s+period\b"),
)
ASKS = [(f, re.compile(p)) for f, p in _ASKS_ZH] + [
    (f, re.compile(p, re.IGNORECASE)) for f, p in _ASKS_EN
]


def facts_asked(question: str) -> tuple[Fact, ...]:
    """The facts of a document the question asks for in so many words (in either language:
    a follow-up read as "When was 两江新区实施方案… issued?" mixes them), in a fixed order:
    "Who issued it, and what is its document number?" asks two."""
    return tuple(f for f, p in ASKS if p.search(question))


def fact_asked(question: str) -> Fact | None:
    """The first fact :func:`facts_asked` finds, if any."""
    return next(iter(facts_asked(question)), None)


def said_in(fact: Fact, texts: Iterable[str]) -> bool:
    """Whether one of ``texts`` says the fact itself: a law's last article says when it
    takes effect (本法自2008年8月1日起施行), which is the better quote."""
    return fact == Fact.EFFECTIVE and any("起施行" in t or "起生效" in t for t in texts)


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def recorded(doc: Document, fact: Fact) -> str:
    """The fact as an answer says it: a date as a Chinese text writes one (2026年4月26日)."""
    value: str = getattr(doc, fact.value).strip()
    if m := _ISO_DATE.fullmatch(value):
        return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日"
    return value


def facts_answer(
    question: str, docs: Sequence[Document], facts: Sequence[Fact], clauses: Mapping[str, Clause]
) -> Answer | None:
    """The recorded facts of each document, one line each, cited to the document (its first
    clause stands for it; the card lists every fact recorded), or None where no document's
    metadata records any (the text may still say it: a law's last article says when it takes
    effect). A compared document without a fact is said to have none recorded."""
    lines: list[str] = []
    cites: list[Citation] = []
    for doc in docs:
        first = _first_clause(doc, clauses.values())
        told = False
        for fact in facts:
            value = recorded(doc, fact)
            if first is None or not value:
                lines.append(f"《{doc.title}》：未见{LABELS[fact]}记录")
                continue
            lines.append(f"《{doc.title}》的{LABELS[fact]}：{value}（据文件信息）")
            told = True
        if told and first is not None:
            shown = "；".join(f"{LABELS[f]}：{recorded(doc, f)}" for f in Fact if recorded(doc, f))
            cites.append(Citation(first.clause_id, f"《{doc.title}》文件信息", shown))
    if not cites:
        return None
    return Answer(question, "\n".join(lines), False, AnswerKind.DOCUMENT, tuple(cites))


def _first_clause(doc: Document, clauses: Iterable[Clause]) -> Clause | None:
    mine = (c for c in clauses if c.doc_id == doc.doc_id)
    return min(mine, key=lambda c: c.ordinal, default=None)
