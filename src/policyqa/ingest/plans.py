"""The plan layout: 一、 / （一） parts, numbered articles ``1．`` and indicator tables."""

from __future__ import annotations

import re

from ..text.numerals import cn_to_int
from ..types import Clause, ClauseKind, Heading, Level
from .clauses import ARTICLE, L1, L2, MAX_HEADING, TERMINAL, Builder, is_heading, preamble
from .clean import Para
from .corpus import SourceText
from .tables import is_table_cell, table

_ARTICLE_TITLE_END = re.compile(r"[。；]")


def _part(m: re.Match[str], level: Level, text: str) -> Heading:
    """一、… -> cited as 一; （二）… -> cited as （二）."""
    cite = m.group(1) if level == Level.PART else f"（{m.group(1)}）"
    return Heading(level, cn_to_int(m.group(1)) or 0, cite, text)


def _continues(p: Para) -> bool:
    return not is_heading(p.text) and not ARTICLE.match(p.text)


def sections(source: SourceText) -> list[Clause]:
    """Clauses of a plan: articles, a part's lead and other paragraphs, table rows."""
    b = Builder(source.document)
    paras = list(source.paras)
    first = next((i for i, p in enumerate(paras) if L1.match(p.text)), len(paras))
    preamble(b, paras[:first])
    l1: Heading | None = None
    l2: Heading | None = None
    para_no = 0
    body = paras[first:]
    i = 0
    while i < len(body):
        p = body[i]
        if is_table_cell(source.raw, p) and i > 0:
            i, took_title = table(b, source.raw, body, i, tuple(h for h in (l1, l2) if h))
            para_no -= took_title  # the paragraph before the cells was the table's title
            continue
        i += 1
        if (m := L1.match(p.text)) and len(p.text) <= MAX_HEADING:
            l1, l2, para_no = _part(m, Level.PART, p.text), None, 0
            continue
        if (m := L2.match(p.text)) and len(p.text) <= MAX_HEADING:
            l2, para_no = _part(m, Level.SUBPART, p.text), 0
            continue
        heads = tuple(h for h in (l1, l2) if h)
        where = "".join(h.cite for h in heads)
        if m := ARTICLE.match(p.text):
            i, p = _run_on(source.raw, body, i, p, stop_at_terminal=False)
            _article(b, p, where, heads)
            continue
        i, p = _run_on(source.raw, body, i, p, stop_at_terminal=True)
        para_no += 1
        key = ".".join(str(h.number) for h in heads) or "0"
        kind = ClauseKind.LEAD if l2 and para_no == 1 else ClauseKind.PARAGRAPH
        path = tuple(h.number for h in heads) + (para_no,)
        b.add(f"{key}.p{para_no}", kind, f"第{para_no}段", where, heads, p, path=path)
    return b.clauses


def _run_on(
    raw: str, body: list[Para], i: int, p: Para, stop_at_terminal: bool
) -> tuple[int, Para]:
    """``p`` with the paragraphs after it that continue it (a page break split it)."""
    while (
        i < len(body)
        and _continues(body[i])
        and not (stop_at_terminal and p.text.endswith(TERMINAL))
        and not is_table_cell(raw, body[i])
    ):
        p = Para(p.text + body[i].text, p.start, body[i].end)
        i += 1
    return i, p


def _article(b: Builder, p: Para, where: str, heads: tuple[Heading, ...]) -> None:
    m = ARTICLE.match(p.text)
    assert m is not None  # the caller matched it
    number = int(m.group(1))
    title = _ARTICLE_TITLE_END.split(m.group(2), maxsplit=1)[0]
    b.add(
        str(number),
        ClauseKind.ARTICLE,
        f"第{number}条",
        where,
        heads,
        p,
        title=title,
        number=number,
        path=(number,),
    )
