"""Changing one slot of an earlier question: its document, its year, or the phrase a
fragment replaces (成都那边呢？ -> the place; 研发经费投入强度呢？ -> the indicator).

Documents are found by their own names and aliases (the corpus's metadata), indicators by
the table rows the earlier answer cited; nothing here knows a document or a topic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..retrieve.mentions import document_mentions
from ..text.doctypes import KIND_END
from ..text.pos import words
from ..types import Clause, Document

# a target year, not either end of a period (2023—2027年, 2023到2027): 到2027年 is one
_TARGET_YEAR = re.compile(r"(?<!\d)(?<!\d[—–\-至到])(20\d\d)(?!\s*[—–\-至到]\s*20\d\d)(?=\s*年?)")
_AFTER_YEAR = re.compile(r"\s*年?(?:底|末)?的?")  # what a removed target year takes with it
_UNIT_AFTER_HOW_MANY = re.compile(r"(多少)[^\s，。？?、]{1,3}(?=[？?。]|$)")
_UNIT = re.compile(r"（[^）]*）|\([^)]*\)")
_NOT_SUBJECT = ("m", "x", "w")  # numerals (a period) and punctuation
_VERBS = ("v", "vn")
_NOUNISH = ("n", "ns", "nr", "nt", "nz", "vn", "eng", "j", "nrt", "nrfg")
_WH_EN = re.compile(
    r"\b(?:what|which|how\s+much|how\s+many)\s+((?:[A-Za-z-]+\s+){0,1}?[A-Za-z-]+)", re.I
)


def doc_spans(text: str, documents: Sequence[Document]) -> list[tuple[int, int]]:
    return document_mentions(text, documents).spans


def _outside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return all(end <= a or start >= b for a, b in spans)


def replace_document(text: str, doc: Document, documents: Sequence[Document]) -> str:
    """``text`` naming ``doc`` where it named another document (or naming it first)."""
    spans = sorted(doc_spans(text, documents))
    if not spans:
        return f"{doc.short_name}中，{text}"
    out, pos = [], 0
    for i, (start, end) in enumerate(spans):
        out.append(text[pos:start])
        if i == 0:
            out.append(doc.short_name)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def remove_documents(text: str, documents: Sequence[Document]) -> str:
    """``text`` without the document names it holds, each name's subject kept: 两江新区实施方案
    -> 两江新区 (the place is the question's topic, the document only its source)."""
    out, pos = [], 0
    for start, end in sorted(document_mentions(text, documents, every_alias=True).spans):
        out += [text[pos:start], _subject(text[start:end])]
        pos = end
    out.append(text[pos:])
    return "".join(out).strip(" ，,：:的")


def _subject(name: str) -> str:
    """What a document's name is about, without its period and kind: 两江新区实施方案 ->
    两江新区, 重庆都市圈发展规划 -> 重庆都市圈, 规划纲要 -> ""."""
    kept: list[tuple[str, str]] = []
    for w, flag, _ in words(name):
        if KIND_END.search(w):
            break
        if flag not in _NOT_SUBJECT:
            kept.append((w, flag))
    while kept and kept[-1][1] in _VERBS:  # the action the document plans: 发展, 建设, 行动
        kept.pop()
    return "".join(w for w, _ in kept)


def replace_year(text: str, year: str) -> str:
    """``text`` asking about ``year`` where it asked about another target year."""
    if _TARGET_YEAR.search(text):
        return _TARGET_YEAR.sub(year, text, count=1)
    return f"到{year}年，{text}"


def remove_year(text: str, year: str) -> str:
    """``text`` without its target year ``year`` (到2025年, 2025年的): asked of a document that
    does not plan for that year, the question keeps its subject."""
    out = text
    for m in reversed([m for m in _TARGET_YEAR.finditer(text) if m[1] == year]):
        start = m.start() - 1 if m.start() and text[m.start() - 1] in "到至" else m.start()
        end = _AFTER_YEAR.match(text, m.end())
        out = out[:start] + out[end.end() if end else m.end() :]
    return out.strip(" ，,") or text


def _row_name(c: Clause) -> str:
    return _UNIT.sub("", c.row.name if c.row else "").lstrip("#＃").strip()


def _common_run(a: str, b: str, least: int = 4) -> str:
    """The longest run of ``a`` also in ``b`` (at least ``least`` characters), else ""."""
    best = ""
    for i in range(len(a)):
        for j in range(i + max(least, len(best) + 1), len(a) + 1):
            if a[i:j] in b:
                best = a[i:j]
            else:
                break
    return best


# what a question writes inside an indicator's name that the table does not (全职在渝的两院院士
# for 全职在渝“两院”院士)
_NAME_FILLER = "的“”\"'"


def _indicator_span(text: str, cited: Sequence[Clause]) -> str:
    """The indicator of a cited table row as ``text`` words it: the longest run shared with
    the row's name, grown over the name's characters and the filler a question adds."""
    for c in cited:
        name = _row_name(c)
        if c.row is None or not (run := _common_run(name, text)):
            continue
        start = text.find(run)
        end = start + len(run)
        inside = set(name) | set(_NAME_FILLER)
        while end < len(text) and text[end] in inside:
            end += 1
        while start > 0 and text[start - 1] in inside:
            start -= 1
        return text[start:end].strip(_NAME_FILLER)
    return ""


def _overlap_span(text: str, fragment: str, spans: Sequence[tuple[int, int]]) -> str:
    """A run of ``text`` as long as ``fragment`` agreeing with it in most positions
    (渝东北 for 川东北)."""
    n = len(fragment)
    best, score = "", 0
    for i in range(len(text) - n + 1):
        same = sum(1 for a, b in zip(text[i : i + n], fragment, strict=True) if a == b)
        if same > score and same * 2 >= n and same < n and _outside(i, i + n, spans):
            best, score = text[i : i + n], same
    return best if score >= 2 else ""


def _noun_span(text: str, fragment: str, spans: Sequence[tuple[int, int]], place: bool) -> str:
    """The phrase of ``text`` the fragment (a ``place`` or not) most likely stands in for: a
    place for a place, else the first run of nouns outside the document names."""
    tagged = words(text)
    runs: list[tuple[str, bool]] = []
    run, run_place, last_end = "", False, -1
    for w, flag, start in tagged:
        ok = flag.startswith(_NOUNISH) and _outside(start, start + len(w), spans) and len(w) > 1
        if ok and start == last_end and run:
            run, run_place = run + w, run_place or flag == "ns"
        elif ok:
            if run:
                runs.append((run, run_place))
            run, run_place = w, flag == "ns"
        last_end = start + len(w) if ok else -1
    if run:
        runs.append((run, run_place))
    if place:
        for w, flag, start in tagged:  # the place word itself, not its whole phrase
            if flag == "ns" and _outside(start, start + len(w), spans) and w != fragment:
                return w
    return runs[0][0] if runs else ""


def replace_phrase(
    text: str, fragment: str, cited: Sequence[Clause], documents: Sequence[Document]
) -> str:
    """``text`` with the phrase ``fragment`` replaces put in (appended where none is found)."""
    spans = doc_spans(text, documents)
    # a place stands in for a place (四川 for 重庆), never for the indicator the row names
    place = any(f == "ns" for _, f, _ in words(fragment))
    span = "" if place else _indicator_span(text, cited)
    if span:
        return _UNIT_AFTER_HOW_MANY.sub(r"\1", text.replace(span, fragment, 1))
    span = _overlap_span(text, fragment, spans) or _noun_span(text, fragment, spans, place)
    if span and span not in fragment:
        return text.replace(span, fragment, 1)
    return f"{fragment}：{text}"


def replace_phrase_en(text: str, fragment: str) -> str:
    """English: the word after the question word becomes the fragment (what passenger
    throughput … -> what cargo and mail throughput …)."""
    m = _WH_EN.search(text)
    if m is None:
        return f"{text.rstrip('?？ ')} — {fragment}?"
    first = m.group(1).split()[0]
    start = m.start(1)
    return text[:start] + fragment + text[start + len(first) :]
