"""Small frozen value types and the enums every stage shares, each declared once."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from .errors import BadInput


def _shallow(obj: Any) -> dict[str, Any]:
    """A dataclass's fields as a dict, one level deep (``asdict`` deep-copies every value:
    a fifth of an index build at 146k clauses)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


class Mode(StrEnum):
    """How the retriever ranks: fused, words only, meaning only."""

    HYBRID = "hybrid"
    BM25 = "bm25"
    DENSE = "dense"

    @classmethod
    def parse(cls, value: str) -> Mode:
        """The mode a user named; BadInput otherwise."""
        try:
            return cls(value)
        except ValueError:
            names = "、".join(m.value for m in cls)
            raise BadInput(f"检索模式 {value!r} 无效：可选 {names}。") from None


class Backend(StrEnum):
    """Where the chunks' vectors and BM25 weights are searched."""

    INPROCESS = "inprocess"  # faiss + bm25s in this process (the default)
    MILVUS = "milvus"  # a Milvus server, or Milvus Lite's file (extra policyqa[milvus])


class ClauseKind(StrEnum):
    """What a clause is in its document."""

    ARTICLE = "article"  # a numbered article (第27条, 1．)
    PARAGRAPH = "paragraph"  # a paragraph under a chapter/section or a part
    LEAD = "lead"  # the first paragraph of a part (（一）…)
    TABLE_ROW = "table_row"  # one row of an indicator table
    PREAMBLE = "preamble"  # a paragraph before the first heading
    NOTICE = "notice"  # the cover letter (现将…印发给你们): shown, never retrieved
    HEADING = "heading"  # a section known only by its title (its paragraphs are not told)
    NOTE = "note"  # a table's footnote: shown with the table, never retrieved


RETRIEVABLE = frozenset(
    {ClauseKind.ARTICLE, ClauseKind.LEAD, ClauseKind.PARAGRAPH, ClauseKind.TABLE_ROW,
     ClauseKind.PREAMBLE}
)  # fmt: skip


class Level(StrEnum):
    """The level of a heading in a document's structure."""

    PREFACE = "preface"  # 前言, 序言
    BOOK = "book"  # 第X编 (and 分编) of a code or law
    CHAPTER = "chapter"  # 第X章
    SECTION = "section"  # 第X节
    PART = "part"  # 一、
    SUBPART = "subpart"  # （一）
    BOX = "box"  # 专栏N: a box beside the text, not a level of the numbering
    CAPTION = "caption"  # a table's caption
    APPENDIX = "appendix"  # 附件, 附表 after a regulation's last article


class Layout(StrEnum):
    """How a document is structured (recognised from its text; documents.toml may override)."""

    SECTIONS = "sections"  # plans: 一、 / （一） parts, numbered articles 1．, tables
    CHAPTERS = "chapters"  # 第X章 / 第X节 headings with paragraphs
    RUN_IN = "run-in"  # a scraped page whose 章/节 headings run into the text
    LEGAL = "legal"  # laws and regulations: 编/章/节, 第N条 with 款 and 项


class AnswerKind(StrEnum):
    """Which template an answer was composed with."""

    LEAD = "lead_department"
    NUMERIC = "numeric_target"
    CLAUSE = "clause_lookup"
    CROSS = "cross_document"
    EXTRACTIVE = "extractive"
    DOCUMENT = "document_facts"  # when a document was issued, by whom, its number
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Heading:
    """One heading above a clause, as the document numbers and words it."""

    level: Level
    number: int  # 0 where the heading has no number (前言, a caption)
    cite: str  # what it adds to a citation: 第六章, 第三节, 一, （二）; "" for boxes
    text: str  # the heading as shown: 第六章 协同提升科技创新水平

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Heading:
        return cls(Level(d["level"]), int(d["number"]), str(d["cite"]), str(d["text"]))


@dataclass(frozen=True)
class Part:
    """A 款 (paragraph) of an article, or a 项 (item) of one, addressable on its own."""

    paragraph: int  # the 款's number, from 1 (the first is the one that starts 第N条)
    item: int  # the 项's number within its 款; 0 for the 款 itself
    label: str  # what it adds to the article's citation: 第二款, 第二款第（三）项
    text: str
    start: int
    end: int

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Part:
        return cls(
            int(d["paragraph"]), int(d["item"]), str(d["label"]), str(d["text"]),
            int(d["start"]), int(d["end"]),
        )  # fmt: skip


@dataclass(frozen=True)
class TableRow:
    """The cells of an indicator-table row: its name, its values and their column headers."""

    name: str  # the name cell as written, e.g. #重庆经济总量（万亿元）
    cells: tuple[str, ...]  # the values after the name: 3.8, 4以上
    headers: tuple[str, ...]  # their column headers: 2027年目标, 2030年目标
    caption: str
    sub: bool = False  # a sub-row (其中：…) of the row above

    @property
    def lead(self) -> str:
        """How the row's text begins: its name, after 其中： for a sub-row."""
        return ("其中：" if self.sub else "") + self.name

    def targets(self) -> list[tuple[str, str]]:
        """(header, value) for each value under a header."""
        return list(zip(self.headers, self.cells, strict=False))

    def render(self) -> str:
        """The clause text of the row: name, values, then each value with its header."""
        targets = "，".join(h + v for h, v in self.targets())
        return f"{self.lead} {' '.join(self.cells)}（{self.caption}：{targets}）"

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TableRow:
        return cls(
            str(d["name"]),
            tuple(d["cells"]),
            tuple(d["headers"]),
            str(d["caption"]),
            bool(d["sub"]),
        )


@dataclass(frozen=True)
class Document:
    """One policy document and its metadata (from corpus/documents.toml)."""

    doc_id: str
    title: str
    short_names: tuple[str, ...]
    issuer: str
    doc_number: str
    date: str
    period: str
    file: str
    seed_file: str
    layout: str = ""  # "" : recognised from the text; sections | chapters | run-in | legal
    aliases: tuple[str, ...] = ()
    effective: str = ""  # the date it takes effect (自…起施行)
    kind: str = ""  # 条例, 办法, 规划, 方案, 通知, … (from the title)
    source: str = ""  # the original file, relative to the corpus folder
    sha256: str = ""  # of the original file: the same file added twice is one document
    superseded_by: str = ""  # the id of the newer version that replaces it, if any

    @property
    def short_name(self) -> str:
        """The name officials use most for this document."""
        return self.short_names[0] if self.short_names else self.title

    @property
    def names(self) -> tuple[str, ...]:
        """Every way a question may name it: title, short names, aliases (no blanks)."""
        return tuple(n for n in dict.fromkeys((self.title, *self.short_names, *self.aliases)) if n)

    def to_dict(self) -> dict[str, Any]:
        d = _shallow(self)
        d["short_names"] = list(self.short_names)
        d["aliases"] = list(self.aliases)
        return d


@dataclass(frozen=True)
class Clause:
    """The smallest unit a document numbers or heads: an article, a paragraph, a table row.

    ``path`` is the clause's numeric position (e.g. ``(9, 1, 3)`` for chapter 9, section 1,
    paragraph 3); ``label`` is how the document itself names it (``第27条``).
    ``start``/``end`` are character offsets into the original source file.
    """

    clause_id: str
    doc_id: str
    ordinal: int
    kind: ClauseKind
    label: str
    citation: str
    headings: tuple[Heading, ...]
    text: str
    start: int
    end: int
    lead_departments: tuple[str, ...] = ()
    title: str = ""  # the article's own lead phrase, e.g. 推动西部陆海新通道加快建设
    number: int | None = None  # article number, where the document numbers it
    path: tuple[int, ...] = ()
    row: TableRow | None = None  # the cells, for a table row
    parts: tuple[Part, ...] = ()  # an article's 款 and 项, in order

    @property
    def heading_path(self) -> tuple[str, ...]:
        """The headings above the clause as shown, outermost first."""
        return tuple(h.text for h in self.headings)

    def to_dict(self) -> dict[str, Any]:
        d = _shallow(self)
        d["kind"] = str(self.kind)
        d["heading_path"] = list(self.heading_path)
        d["headings"] = [{**_shallow(h), "level": str(h.level)} for h in self.headings]
        d["lead_departments"] = list(self.lead_departments)
        d["path"] = list(self.path)
        if self.row is not None:
            d["row"] = {**_shallow(self.row), "cells": list(self.row.cells)}
            d["row"]["headers"] = list(self.row.headers)
        d["parts"] = [_shallow(p) for p in self.parts]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Clause:
        d = {k: v for k, v in d.items() if k != "heading_path"}
        d["kind"] = ClauseKind(d["kind"])
        d["headings"] = tuple(Heading.from_dict(h) for h in d["headings"])
        d["lead_departments"] = tuple(d["lead_departments"])
        d["path"] = tuple(d["path"])
        d["row"] = TableRow.from_dict(d["row"]) if d.get("row") else None
        d["parts"] = tuple(Part.from_dict(p) for p in d.get("parts", ()))
        return cls(**d)


@dataclass(frozen=True)
class Chunk:
    """What gets indexed: a clause, or one part of a clause longer than the chunk limit."""

    chunk_id: str
    clause_id: str
    part: int
    text: str


@dataclass(frozen=True)
class Hit:
    """One retrieved clause with its fused score and its rank in each retriever (1-based)."""

    clause: Clause
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None
    exact: bool = False  # resolved from a clause reference in the question
    part: Part | None = None  # the 款/项 of the clause the reference names, if it names one

    def to_dict(self, rank: int) -> dict[str, Any]:
        c = self.clause
        return {
            "rank": rank,
            "clause_id": c.clause_id,
            "doc_id": c.doc_id,
            "citation": c.citation,
            "heading_path": list(c.heading_path),
            "text": c.text,
            "score": round(self.score, 6),
            "bm25_rank": self.bm25_rank,
            "dense_rank": self.dense_rank,
            "lead_departments": list(c.lead_departments),
        }


@dataclass(frozen=True)
class Citation:
    clause_id: str
    citation: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return _shallow(self)


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    abstained: bool
    kind: AnswerKind
    citations: tuple[Citation, ...] = ()
    related: tuple[Citation, ...] = field(default=())  # "possibly related" when abstaining

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "kind": str(self.kind),
            "citations": [c.to_dict() for c in self.citations],
            "related": [c.to_dict() for c in self.related],
        }
