"""Laws and regulations as clauses: one clause per article (第N条), its 款 and 项 kept inside
it as addressable parts, cited as officials write it: 《…》第二十九条."""

from __future__ import annotations

from ..text.numerals import cn_to_int, int_to_cn
from ..types import Clause, ClauseKind, Document, Heading, Level, Part
from .clauses import Builder, preamble
from .clean import Para
from .legal import Article, LegalStructure

_LEVELS = (Level.BOOK, Level.CHAPTER, Level.SECTION)
_APPENDIX = Heading(Level.APPENDIX, 0, "附件", "附件")


def _heading(level: int, number: int, text: str) -> Heading:
    head = text.split(" ", 1)[0]
    cite = head if head.startswith("第") else ""
    return Heading(_LEVELS[level], number, cite, text)


def _parts(article: Article) -> tuple[Part, ...]:
    """The article's 款 (from its second: the first is the article's own opening) and 项."""
    several = len(article.paragraphs) > 1
    out: list[Part] = []
    for p in article.paragraphs:
        kuan = f"第{int_to_cn(p.number)}款" if several else ""
        if several:
            out.append(Part(p.number, 0, kuan, p.text, p.start, p.end))
        for item in p.items:
            label = f"{kuan}第{item.label}项"
            out.append(Part(p.number, item.number, label, item.text, item.start, item.end))
    return tuple(out)


def _article(b: Builder, a: Article) -> None:
    heads = tuple(
        _heading(level, a.path[level], text)
        for level, text in zip(a.levels, a.headings, strict=True)
    )
    extra = (cn_to_int(a.suffix.removeprefix("之")) or 1) if a.suffix else 0  # 第十条之一
    key = f"{a.number}-{extra}" if extra else str(a.number)
    b.add(
        key,
        ClauseKind.ARTICLE,
        a.label,
        "",
        heads,
        Para(a.text, a.start, a.end),
        number=a.number,
        path=(a.number, extra) if extra else (a.number,),
        parts=_parts(a),
    )


def legal_clauses(document: Document, structure: LegalStructure) -> list[Clause]:
    """The preamble, each article, and what follows the last article (附件) as paragraphs."""
    b = Builder(document)
    preamble(b, [Para(s.text, s.start, s.end) for s in structure.front])
    for article in structure.articles:
        _article(b, article)
    for n, span in enumerate(structure.back, 1):
        para = Para(span.text, span.start, span.end)
        b.add(
            f"appendix.{n}", ClauseKind.PARAGRAPH, f"第{n}段", "附件", (_APPENDIX,), para,
            path=(0, n),
        )  # fmt: skip
    return b.clauses
