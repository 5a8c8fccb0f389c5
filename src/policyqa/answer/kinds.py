"""What kind of answer a question wants, and which documents it names.

Pure text rules over the question (Chinese or English); no retrieval here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..retrieve.mentions import document_mentions
from ..text.language import is_english
from ..text.numerals import target_years
from ..types import AnswerKind, Document, Hit

_LEAD_ZH = re.compile(
    r"牵头|由谁|哪个部门|哪些部门|哪家单位|责任部门|负责部门"
    r"|谁负责|负责.{0,12}(?:部门|机构|单位)|(?:部门|机构|单位).{0,6}负责|归口|设在哪"
)
_LEAD_EN = re.compile(
    r"\b(?:which|what)\s+(?:\w+\s+){0,4}(?:department|body|office|bureau|agency|unit)s?\b"
    r"|\bwho\s+(?:leads|is\s+responsible|is\s+in\s+charge|takes\s+the\s+lead)"
    r"|\b(?:leads?|lead\s+department|responsible\s+for|in\s+charge\s+of)\b",
    re.IGNORECASE,
)
_NUMERIC_ZH = re.compile(
    r"多少|几(?:个|项|家|条|处|年|成|倍)|目标值?|比重|占比|增速|增长率|规模|达到|达|超过|以上|标准"
)
_NUMERIC_EN = re.compile(
    r"\bhow\s+(?:many|much|large|big|long|high)\b|\bwhat\s+(?:share|percentage|proportion|"
    r"level|target|rate|number|size|amount)\b|\btarget\b|\bby\s+20\d\d\b",
    re.IGNORECASE,
)
# asks where in its document a clause stands (哪一节, 第几条, which chapter); 哪条 alone is
# left out, as it is as often a road or a route (哪条线路)
_PLACE_ZH = re.compile(r"哪一?[章节篇编]|哪个?(?:章节|部分|板块)|第几[章节篇编条款]")
_PLACE_EN = re.compile(
    r"\b(?:which|what)\s+(?:chapter|section|part|article|paragraph)\b|\bwhere\s+in\s+the\b"
    r"|\bwhich\s+(?:numbered\s+)?(?:task|item)\b|\bwhat\s+(?:article\s+|task\s+)?number\b",
    re.IGNORECASE,
)
_ROUNDS = re.compile(r"(?:两轮|两个|两份|前后)[^，。？]{0,6}(行动方案|规划)")
# a period as officials write it: 2023—2027年, 2023-2027, 23到27年
_PERIOD = re.compile(r"(?<!\d)(?:20)?(\d\d)\s*年?\s*[—–\-~至到]\s*(?:20)?(\d\d)\s*年")


def years(question: str) -> list[str]:
    """Target years a question names (2020–2049), in order, without period spans."""
    return target_years(question)


def asks_figure(question: str) -> bool:
    """The question asks for a number (多少, 比重, how many, what share)."""
    return bool((_NUMERIC_EN if is_english(question) else _NUMERIC_ZH).search(question))


def asks_place(question: str) -> bool:
    """The question asks where in its document something stands (哪一节, which chapter)."""
    return bool((_PLACE_EN if is_english(question) else _PLACE_ZH).search(question))


def mentioned_documents(question: str, documents: Sequence[Document]) -> list[str]:
    """Every document the question names, aliases included, in order of first mention."""
    return document_mentions(question, documents, every_alias=True).doc_ids


def classify(question: str, hits: Sequence[Hit], documents: Sequence[Document]) -> AnswerKind:
    """Which template answers the question (never NOT_FOUND: that is answerability's call)."""
    english = is_english(question)
    if len(cross_documents(question, documents)) >= 2:
        return AnswerKind.CROSS
    if (_LEAD_EN if english else _LEAD_ZH).search(question):
        return AnswerKind.LEAD
    if any(h.exact for h in hits[:3]):
        return AnswerKind.CLAUSE
    if (_NUMERIC_EN if english else _NUMERIC_ZH).search(question):
        return AnswerKind.NUMERIC
    return AnswerKind.EXTRACTIVE


def periods(text: str) -> list[tuple[str, str]]:
    """The periods a text names, as (first, last) two-digit years."""
    return [(m.group(1), m.group(2)) for m in _PERIOD.finditer(text)]


def period_documents(question: str, documents: Sequence[Document]) -> list[str]:
    """Documents named by their period alone ("23到27年那版"): the one document of that
    period (documents.toml ``period``), or of several the one whose generic name the
    question also uses (23到27年那版行动方案)."""
    out: list[str] = []
    for span in periods(question):
        docs = [d for d in documents if periods(d.period)[:1] == [span]]
        if len(docs) > 1:  # several of that period: the one whose generic name is used too
            docs = [d for d in docs if any(_generic(n) in question for n in d.short_names)]
        if len(docs) == 1 and docs[0].doc_id not in out:
            out.append(docs[0].doc_id)
    return out


def _generic(name: str) -> str:
    """A short name without its period: 2023—2027年行动方案 -> 行动方案."""
    return _PERIOD.sub("", re.sub(r"20\d\d\s*[—–\-至到]\s*20\d\d\s*年", "", name)) or name


def cross_documents(question: str, documents: Sequence[Document]) -> list[str]:
    """The documents a question compares: those it names (by name, or by a period only one
    document has), or for "两轮行动方案" every document whose short name carries that
    generic name."""
    named = mentioned_documents(question, documents)
    named += [d for d in period_documents(question, documents) if d not in named]
    if len(named) >= 2:
        return named
    m = _ROUNDS.search(question)
    if m:
        both = [d.doc_id for d in documents if any(m.group(1) in n for n in d.short_names)]
        if len(both) >= 2:
            return both
    return named
