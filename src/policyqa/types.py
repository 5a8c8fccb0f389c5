"""Small frozen value types shared by every layer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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
    layout: str = "sections"
    aliases: tuple[str, ...] = ()

    @property
    def short_name(self) -> str:
        """The name officials use most for this document."""
        return self.short_names[0] if self.short_names else self.title

    @property
    def names(self) -> tuple[str, ...]:
        """Every way a question may name it: title, short names, aliases (no blanks)."""
        return tuple(n for n in dict.fromkeys((self.title, *self.short_names, *self.aliases)) if n)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
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
    kind: str  # article | paragraph | lead | table_row | preamble | notice | heading
    label: str
    citation: str
    heading_path: tuple[str, ...]
    text: str
    start: int
    end: int
    lead_departments: tuple[str, ...] = ()
    title: str = ""  # the article's own lead phrase, e.g. 推动西部陆海新通道加快建设
    number: int | None = None  # article number, where the document numbers it
    path: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["heading_path"] = list(self.heading_path)
        d["lead_departments"] = list(self.lead_departments)
        d["path"] = list(self.path)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Clause:
        d = dict(d)
        d["heading_path"] = tuple(d["heading_path"])
        d["lead_departments"] = tuple(d["lead_departments"])
        d["path"] = tuple(d["path"])
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
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    abstained: bool
    kind: str
    citations: tuple[Citation, ...] = ()
    related: tuple[Citation, ...] = field(default=())  # "possibly related" when abstaining

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "kind": self.kind,
            "citations": [c.to_dict() for c in self.citations],
            "related": [c.to_dict() for c in self.related],
        }
