"""Structure-aware chunking: one clause per article, paragraph or table row.

Two layouts are understood (named per document in corpus/documents.toml):

- ``sections``: 一、 / （一） headings, numbered articles ``1．`` and an indicator table;
- ``chapters``: 第X章 / 第X节 headings with paragraphs (also the run-in page once
  :mod:`policyqa.runin` has put its headings back on lines of their own).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from .corpus import Para, SourceText
from .numerals import cn_to_int
from .sentences import SENTENCE
from .types import Chunk, Clause, Document

CHUNKER_VERSION = "5"
RETRIEVABLE_KINDS = frozenset({"article", "lead", "paragraph", "table_row", "preamble"})
MAX_CHUNK_CHARS = 800
# what a "heading" clause (a section known only from the contents) says of itself
UNHEADED_NOTE = "标题见文件目录；收录的网页正文未标出该节，无法确定其所辖段落"

_CN = "一二三四五六七八九十"
_L1 = re.compile(rf"^([{_CN}]+)、\s*(.*)$")
_L2 = re.compile(rf"^（([{_CN}]+)）\s*(.*)$")
_ARTICLE = re.compile(r"^(\d{1,3})(?:[．、]|\.(?!\d))\s*(.*)$")
_CHAPTER = re.compile(rf"^第([{_CN}]+)章\s*(.*)$")
_SECTION = re.compile(rf"^第([{_CN}]+)节\s*(.*)$")
_BOX = re.compile(r"^专栏(\d+)\s*(.*)$")
_LEAD = re.compile(r"（牵头部门[：:]([^）]*)）")
_TERMINAL = tuple("。！？；：”）…")
_MAX_HEADING = 40
_MIN_PREAMBLE = 30


def lead_departments(text: str) -> tuple[str, ...]:
    """``（牵头部门：生态环境分局、经济运行局）`` -> (生态环境分局, 经济运行局)."""
    found: list[str] = []
    for m in _LEAD.finditer(text):
        for name in re.split(r"[、，,；;]", m.group(1)):
            name = name.strip()
            if name and name not in found:
                found.append(name)
    return tuple(found)


def _is_heading(text: str) -> bool:
    return (
        len(text) <= _MAX_HEADING
        and any(p.match(text) for p in (_L1, _L2, _CHAPTER, _SECTION, _BOX))
        or text in ("前言", "目录")
    )


def join_broken(paras: Iterable[Para]) -> list[Para]:
    """Re-join paragraphs that a page break split mid-sentence."""
    out: list[Para] = []
    for p in paras:
        if (
            out
            and not out[-1].text.endswith(_TERMINAL)
            and not _is_heading(out[-1].text)
            and not _is_heading(p.text)
            and not _ARTICLE.match(p.text)
            and len(out[-1].text) > _MAX_HEADING
        ):
            prev = out[-1]
            out[-1] = Para(prev.text + p.text, prev.start, p.end)
        else:
            out.append(p)
    return out


@dataclass
class _Builder:
    document: Document
    clauses: list[Clause] = field(default_factory=list)

    def add(
        self,
        clause_key: str,
        kind: str,
        label: str,
        where: str,
        heading_path: tuple[str, ...],
        para: Para,
        **extra: object,
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
                heading_path=heading_path,
                text=para.text,
                start=para.start,
                end=para.end,
                lead_departments=lead_departments(para.text),
                **extra,  # type: ignore[arg-type]
            )
        )


def chunk_document(source: SourceText) -> list[Clause]:
    """Cut one cleaned document into clauses, in document order."""
    if source.document.layout == "sections":
        return _sections(source)
    return _chapters(source)


def _preamble(b: _Builder, paras: list[Para]) -> None:
    n = 0
    for p in join_broken(paras):
        if len(p.text) >= _MIN_PREAMBLE and p.text.endswith("。"):
            n += 1
            # the cover letter (现将…印发给你们) is kept for display but not retrieved
            kind = "notice" if "印发给你们" in p.text else "preamble"
            b.add(f"preamble.{n}", kind, f"第{n}段", "序言", ("序言",), p, path=(0, n))


def _sections(source: SourceText) -> list[Clause]:
    b = _Builder(source.document)
    paras = list(source.paras)
    first = next((i for i, p in enumerate(paras) if _L1.match(p.text)), len(paras))
    _preamble(b, paras[:first])
    l1: tuple[int, str] | None = None
    l2: tuple[int, str] | None = None
    para_no = 0
    body = paras[first:]
    i = 0
    while i < len(body):
        p = body[i]
        if _is_table_cell(source.raw, p) and i > 0:
            i, took_title = _table(b, source.raw, body, i, l1, l2)
            para_no -= took_title  # the paragraph before the cells was the table's title
            continue
        i += 1
        if (m := _L1.match(p.text)) and len(p.text) <= _MAX_HEADING:
            l1, l2, para_no = (cn_to_int(m.group(1)) or 0, p.text), None, 0
            continue
        if (m := _L2.match(p.text)) and len(p.text) <= _MAX_HEADING:
            l2, para_no = (cn_to_int(m.group(1)) or 0, p.text), 0
            continue
        levels = [lv for lv in (l1, l2) if lv]
        heads = tuple(h for _, h in levels)
        where = _section_label(l1, l2)
        if m := _ARTICLE.match(p.text):
            number = int(m.group(1))
            # an article can run on over a page break: take what follows until the next unit
            while i < len(body) and _continues(body[i]) and not _is_table_cell(source.raw, body[i]):
                p = Para(p.text + body[i].text, p.start, body[i].end)
                i += 1
            title = re.split(r"[。；]", _ARTICLE.match(p.text).group(2), maxsplit=1)[0]  # type: ignore[union-attr]
            b.add(
                str(number),
                "article",
                f"第{number}条",
                where,
                heads,
                p,
                title=title,
                number=number,
                path=(number,),
            )
            continue
        while (
            i < len(body)
            and _continues(body[i])
            and not p.text.endswith(_TERMINAL)
            and not _is_table_cell(source.raw, body[i])
        ):
            p = Para(p.text + body[i].text, p.start, body[i].end)
            i += 1
        para_no += 1
        key = ".".join(str(n) for n, _ in levels) or "0"
        kind = "lead" if l2 and para_no == 1 else "paragraph"
        path = tuple(n for n, _ in levels) + (para_no,)
        b.add(f"{key}.p{para_no}", kind, f"第{para_no}段", where, heads, p, path=path)
    return b.clauses


def _continues(p: Para) -> bool:
    return not _is_heading(p.text) and not _ARTICLE.match(p.text)


def _section_label(l1: tuple[int, str] | None, l2: tuple[int, str] | None) -> str:
    out = ""
    if l1:
        out += l1[1].split("、", 1)[0]
    if l2:
        out += "（" + l2[1][1:].split("）", 1)[0] + "）"
    return out


def _is_table_cell(raw: str, p: Para) -> bool:
    line_start = raw.rfind("\n", 0, p.start) + 1
    return raw[line_start : p.start].startswith("\t") and len(p.text) <= 60


def _table(
    b: _Builder,
    raw: str,
    body: list[Para],
    i: int,
    l1: tuple[int, str] | None,
    l2: tuple[int, str] | None,
) -> tuple[int, bool]:
    """Turn an indicator table (one cell per line) into one clause per row.

    Returns the index after the table and whether the preceding paragraph was taken as
    the table's title.
    """
    title_para = b.clauses[-1] if b.clauses else None
    title = title_para.text if title_para and len(title_para.text) <= 60 else ""
    took_title = bool(title and title_para and title_para.kind in ("paragraph", "lead"))
    if took_title:
        b.clauses.pop()  # the table's title was taken for a paragraph
    cells: list[Para] = []
    while i < len(body) and (
        _is_table_cell(raw, body[i])
        or (cells and len(body[i].text) <= 4 and not _is_heading(body[i].text))
    ):
        p = body[i]
        if not _is_table_cell(raw, p):  # a cell value broken over two lines: 4800 / 以上
            prev = cells[-1]
            cells[-1] = Para(prev.text + p.text, prev.start, p.end)
        else:
            cells.append(p)
        i += 1
    # the header runs up to the first row number; blank cells are lines holding only a tab
    ncols = next((k for k, c in enumerate(cells) if c.text.isdigit()), 4)
    header = [c.text.replace(" ", "") for c in cells[:ncols]]
    rows = _rows(raw, cells[ncols:], ncols)
    note = body[i] if i < len(body) and body[i].text.startswith("注：") else None
    heads = tuple(h for _, h in (lv for lv in (l1, l2) if lv)) + ((title,) if title else ())
    where = (title + " ") if title else "指标表"
    number, sub = 0, 0
    for row in rows:
        values = [c.text for c in row]
        name_i = 1 if ncols >= 4 else 0
        if values[0].isdigit():
            number, sub = int(values[0]), 0
            key, label = f"table.{number}", f"第{number}项"
        else:
            sub += 1
            key, label = f"table.{number}.{sub}", f"第{number}项之{values[name_i]}"
        targets = "，".join(
            f"{h}{v}" for h, v in zip(header[name_i + 1 :], values[name_i + 1 :], strict=False)
        )
        text = f"{values[name_i]} {' '.join(values[name_i + 1 :])}（{title}：{targets}）"
        if not values[0].isdigit():
            text = f"其中：{text}"
        span = Para(text, row[0].start, row[-1].end)
        b.add(
            key,
            "table_row",
            label,
            where,
            heads,
            span,
            title=values[name_i].lstrip("#"),
            number=number,
            path=(number, sub),
        )
    if note:  # the table's footnote: shown with the table, not retrieved on its own
        b.add("table.note", "note", "注", where, heads, note, path=(0, 0))
        i += 1
    return i, took_title


def _rows(raw: str, cells: list[Para], ncols: int) -> list[list[Para]]:
    """Group cells into rows; a sub-row (``#…``) has an empty first cell (a bare tab line)."""
    rows: list[list[Para]] = []
    row: list[Para] = []
    for c in cells:
        if c.text.startswith("#") and len(row) == 0:
            row.append(Para("", c.start, c.start))
        row.append(c)
        if len(row) == ncols:
            rows.append(row)
            row = []
    return rows


def _chapters(source: SourceText) -> list[Clause]:
    b = _Builder(source.document)
    paras = _skip_contents(list(source.paras))
    first = next(
        (i for i, p in enumerate(paras) if p.text == "前言" or _CHAPTER.match(p.text)), len(paras)
    )
    _preamble(b, paras[:first])
    chapter: tuple[int, str] | None = None
    section: tuple[int, str] | None = None
    box: str | None = None
    counters: dict[tuple[int, int], int] = {}
    headed: set[tuple[int, int]] = set()
    for p in join_broken(paras[first:]):
        if p.text == "前言":
            chapter, section, box = (0, "前言"), None, None
            continue
        if (m := _CHAPTER.match(p.text)) and len(p.text) <= _MAX_HEADING:
            chapter, section, box = (cn_to_int(m.group(1)) or 0, p.text), None, None
            continue
        if (m := _SECTION.match(p.text)) and len(p.text) <= _MAX_HEADING:
            section, box = (cn_to_int(m.group(1)) or 0, p.text), None
            headed.add((chapter[0] if chapter else 0, section[0]))
            continue
        if _BOX.match(p.text) and len(p.text) <= _MAX_HEADING:
            box = p.text
            continue
        ch = chapter[0] if chapter else 0
        sec = section[0] if section else 0
        counters[(ch, sec)] = n = counters.get((ch, sec), 0) + 1
        heads = tuple(h for h in (chapter and chapter[1], section and section[1], box) if h)
        where = (
            "前言"
            if ch == 0
            else (chapter[1].split(" ")[0] if chapter else "")
            + (section[1].split(" ")[0] if section else "")
        )
        b.add(
            f"{ch}.{sec}.{n}",
            "paragraph",
            f"第{n}段",
            where,
            heads,
            p,
            title=_lead_phrase(p.text),
            path=(ch, sec, n),
        )
    return _with_unheaded_sections(b, source.contents, headed)


def _with_unheaded_sections(
    b: _Builder, contents: Iterable[Para], headed: set[tuple[int, int]]
) -> list[Clause]:
    """The clauses plus, for each section the contents list but the page never heads (the
    scrape lost the heading), a ``heading`` clause holding its title, in its place.

    ``第六章第三节`` then resolves to what the document calls that section, even though which
    paragraphs belong to it cannot be told.
    """
    chapter = (0, "")
    found = list(b.clauses)
    for p in contents:
        if m := _CHAPTER.match(p.text):
            chapter = (cn_to_int(m.group(1)) or 0, p.text)
            continue
        m = _SECTION.match(p.text)
        sec = (cn_to_int(m.group(1)) or 0) if m else 0
        if not m or not chapter[0] or (chapter[0], sec) in headed:
            continue
        headed.add((chapter[0], sec))  # a contents listing a section twice gives it once
        title = m.group(2)
        where = chapter[1].split(" ")[0] + p.text.split(" ")[0]
        b.add(
            f"{chapter[0]}.{sec}.0",
            "heading",
            "",
            where,
            (chapter[1], p.text),
            Para(title, p.end - len(title), p.end),
            title=title,
            path=(chapter[0], sec, 0),
        )
    added = b.clauses[len(found) :]
    for c in added:
        # before the first paragraph of a later section (paragraph paths are (章, 节, 段))
        at = next(
            (i for i, x in enumerate(found) if len(x.path) == 3 and x.path[:2] > c.path[:2]),
            len(found),
        )
        found.insert(at, c)
    return [replace(c, ordinal=i) for i, c in enumerate(found)]


def _lead_phrase(text: str) -> str:
    head = re.split(r"[。：]", text, maxsplit=1)[0]
    return head if len(head) <= 24 and "，" not in head else ""


def _skip_contents(paras: list[Para]) -> list[Para]:
    """Drop a table of contents (目录 … up to the first heading that repeats)."""
    try:
        start = next(i for i, p in enumerate(paras) if p.text == "目录")
    except StopIteration:
        return paras
    seen: set[str] = set()
    for j in range(start + 1, len(paras)):
        key = paras[j].text.replace(" ", "")
        if key in seen:
            return paras[:start] + paras[j:]
        seen.add(key)
    return paras


def split_clause(clause: Clause, limit: int = MAX_CHUNK_CHARS) -> list[Chunk]:
    """One chunk per clause, or parts of at most ``limit`` characters cut at sentence ends."""
    if clause.kind not in RETRIEVABLE_KINDS:
        return []
    if len(clause.text) <= limit:
        return [Chunk(clause.clause_id, clause.clause_id, 0, clause.text)]
    parts: list[str] = []
    current = ""
    for sentence in SENTENCE.findall(clause.text):
        while len(sentence) > limit:  # a single run-on sentence: cut at a comma, else hard
            cut = sentence.rfind("，", 0, limit) + 1 or limit
            parts.append(current + sentence[:cut]) if not current else parts.extend(
                [current, sentence[:cut]]
            )
            current, sentence = "", sentence[cut:]
        if len(current) + len(sentence) > limit:
            parts.append(current)
            current = ""
        current += sentence
    if current:
        parts.append(current)
    parts = [p for p in parts if p]
    return [
        Chunk(f"{clause.clause_id}#{k + 1}", clause.clause_id, k, t) for k, t in enumerate(parts)
    ]
