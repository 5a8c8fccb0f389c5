"""What every layout's chunker shares: heading patterns, the clause builder, preambles."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..text.chars import CN_DIGITS
from ..text.numerals import ITEM_NUMBER
from ..types import Clause, ClauseKind, Document, Heading, Level
from .clean import Para
from .tags import lead_departments

# what a "heading" clause (a section known only from the contents) says of itself
UNHEADED_NOTE = "标题见文件目录；收录的网页正文未标出该节，无法确定其所辖段落"

L1 = re.compile(rf"^([{CN_DIGITS}]+)、\s*(.*)$")
L2 = re.compile(rf"^（([{CN_DIGITS}]+)）\s*(.*)$")
ARTICLE = re.compile(ITEM_NUMBER.pattern + r"(.*)$")
CHAPTER = re.compile(rf"^第([{CN_DIGITS}]+)章\s*(.*)$")
SECTION = re.compile(rf"^第([{CN_DIGITS}]+)节\s*(.*)$")
BOX = re.compile(r"^专栏(\d+)\s*(.*)$")
TERMINAL = tuple("。！？；：”）…")
MAX_HEADING = 40
_MIN_PREAMBLE = 30
PREAMBLE_HEADING = Heading(Level.PREFACE, 0, "序言", "序言")


def is_heading(text: str) -> bool:
    return (
        len(text) <= MAX_HEADING
        and any(p.match(text) for p in (L1, L2, CHAPTER, SECTION, BOX))
        or text in ("前言", "目录")
    )


def join_broken(paras: Iterable[Para]) -> list[Para]:
    """Re-join paragraphs that a page break split mid-sentence."""
    out: list[Para] = []
    for p in paras:
        if (
            out
            and not out[-1].text.endswith(TERMINAL)
            and not is_heading(out[-1].text)
            and not is_heading(p.text)
            and not ARTICLE.match(p.text)
            and len(out[-1].text) > MAX_HEADING
        ):
            prev = out[-1]
            out[-1] = Para(prev.text + p.text, prev.start, p.end)
        else:
            out.append(p)
    return out


@dataclass
class Builder:
    """Collects one document's clauses, numbering and citing each as it is added."""

    document: Document
    clauses: list[Clause] = field(default_factory=list)

    def add(
        self,
        clause_key: str,
        kind: ClauseKind,
        label: str,
        where: str,
        headings: tuple[Heading, ...],
        para: Para,
        **extra: Any,
    ) -> None:
        citation = f"《{self.document.title}》{where}{label}"
        self.clauses.append(
            Clause(
                clause_id=f"{self.document.doc_id}:{clause_key}",
                doc_id=self.document.doc_id,
                ordinal=len(self.clauses),
                kind=kind,
                label=label,
                citation=citation,
                headings=headings,
                text=para.text,
                start=para.start,
                end=para.end,
                lead_departments=lead_departments(para.text),
                **extra,
            )
        )


def preamble(b: Builder, paras: list[Para]) -> None:
    """The paragraphs before the first heading: the cover letter is kept for display only."""
    n = 0
    for p in join_broken(paras):
        if len(p.text) >= _MIN_PREAMBLE and p.text.endswith("。"):
            n += 1
            # the cover letter (现将…印发给你们) is kept for display but not retrieved
            kind = ClauseKind.NOTICE if "印发给你们" in p.text else ClauseKind.PREAMBLE
            b.add(f"preamble.{n}", kind, f"第{n}段", "序言", (PREAMBLE_HEADING,), p, path=(0, n))
