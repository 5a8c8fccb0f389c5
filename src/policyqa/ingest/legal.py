"""Article structure of Chinese laws and regulations: 编/章/节 headings, 第N条, 款 and 项.

Pure functions over the raw text; every piece keeps its [start, end) offsets in the raw text
so a citation such as 《…》第二十九条第二款 points at the exact source characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..text.chars import HAN
from .metadata import chinese_number, title_complete, title_from_front


@dataclass(frozen=True)
class Span:
    """A cleaned line of the source and its [start, end) offsets in the raw text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Item:
    """A 项 such as （三）; ``text`` is the item without its label (目 1. lines included)."""

    number: int
    label: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Paragraph:
    """A 款: its lead line(s) and the 项 under it; ``text`` holds both, one line each."""

    number: int
    text: str
    start: int
    end: int
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Article:
    """A 第N条 with the headings that enclose it and its 款."""

    number: int
    suffix: str
    label: str
    headings: tuple[str, ...]
    path: tuple[int, ...]
    text: str
    start: int
    end: int
    paragraphs: tuple[Paragraph, ...]
    levels: tuple[int, ...] = ()  # per heading its level: 0 编, 1 章, 2 节


@dataclass(frozen=True)
class LegalStructure:
    """A whole normative document: front matter, 目录, articles and what follows them."""

    title: str
    front: tuple[Span, ...]
    contents: tuple[Span, ...]
    articles: tuple[Article, ...]
    back: tuple[Span, ...]


_INVISIBLE = "\u200b-\u200d\u2060\ufeff\ue000-\uf8ff"  # zero-width marks, private-use glyphs
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
_VISIBLE_RE = re.compile(rf"[^\s{_INVISIBLE}]")
_WS_RE = re.compile(r"\s+")
_NUM = r"[0-9０-９零〇○一二三四五六七八九十百千两]+"
_ARTICLE_RE = re.compile(rf"第\s*({_NUM})\s*条(?:\s*之\s*([一二三四五六七八九十]+))?")
_HEADING_RE = re.compile(rf"第\s*({_NUM})\s*(分编|编|章|节)")
_ITEM_RE = re.compile(r"[（(]\s*([一二三四五六七八九十百]+)\s*[)）]\s*")
_ENUM_RE = re.compile(r"(?:[0-9０-９]+\s*[.．、]|[（(][0-9０-９]+[)）])")
_ATTACH_RE = re.compile(r"附(?!\s*则)(?:件|表|录|图)?[0-9一二三四五六七八九十]*(?:[：:\s]|$)")
_YEAR_RE = re.compile(r"[0-9０-９〇零一二三四五六七八九]{4}\s*年")
_NOT_HEADING = re.compile(r"》|^目 ?录$|(?:修正|修订|修改|通过|发布|公布|批准|施行)$")
_UNNUMBERED_RE = re.compile(rf"(?:([一二三四五六七八九十]+)、\s*)?[{HAN}《》“” ]{{2,20}}")
_SENTENCE_PUNCT = re.compile(r"[。；，：？！,;:?!]")
_TERMINAL = tuple("。；：！？…”’）)》」』】;:!?")
_SENTENCE_END = tuple("。！？”）)")  # what ends an article before an unnumbered heading
# right after "第N条"/"第N章" with no space, these show a cross-reference in a sentence
_XREF_NEXT_RE = re.compile(r"[的第款项、，。；和至或及中所]|规定")
_XREF_PREV = tuple("法例定则办、和与及或至照据反依按前本")
_LEVELS = {"编": 0, "分编": 0, "章": 1, "节": 2}
_WRAP_MIN = 20  # a line this long ending mid-sentence was wrapped by the source, not a new 款


def _fold(text: str) -> str:
    return _WS_RE.sub(" ", _INVISIBLE_RE.sub("", text)).strip()


def split_lines(raw: str) -> list[Span]:
    """Cleaned non-empty lines with offsets: no zero-width or blank lines, whitespace folded."""
    spans: list[Span] = []
    pos = 0
    for line in raw.splitlines(keepends=True):
        if first := _VISIBLE_RE.search(line):
            last = len(line) - next(_VISIBLE_RE.finditer(line[::-1])).start()
            spans.append(Span(_fold(line), pos + first.start(), pos + last))
        pos += len(line)
    return spans


def _cut(raw: str, span: Span, k: int) -> tuple[Span, Span]:
    """Split ``span`` at offset ``k`` of its cleaned text, mapping both parts to raw offsets."""
    offsets: list[int] = []  # raw offset of each character of span.text
    for i in range(span.start, span.end):
        if raw[i].isspace():
            if offsets and not raw[offsets[-1]].isspace():
                offsets.append(i)
        elif not _INVISIBLE_RE.match(raw[i]):
            offsets.append(i)
    head, tail = span.text[:k].rstrip(), span.text[k:].lstrip()
    first = Span(head, span.start, offsets[len(head) - 1] + 1)
    return first, Span(tail, offsets[len(span.text) - len(tail)], span.end)


@dataclass(frozen=True)
class _Line:
    span: Span
    kind: str  # "article" | "heading" | "item" | "text"
    key: int = 0  # article: number * 100 + N of 之N; heading and item: number
    level: int = 0  # heading: 0 编, 1 章, 2 节, -1 unnumbered (附则, 二、回避)
    label: str = ""  # article and item label; heading: its normalised text
    rest: str = ""  # item text after the label


def _plausible_title(title: str) -> bool:
    return len(title.replace(" ", "")) <= 40 and not _SENTENCE_PUNCT.search(title)


def _heading(span: Span, m: re.Match[str], title: str) -> _Line:
    label = f"第{m.group(1)}{m.group(2)}"
    text = f"{label} {title.replace(' ', '')}" if title.strip() else label
    return _Line(span, "heading", chinese_number(m.group(1)), _LEVELS[m.group(2)], text)


def _classify(raw: str, span: Span) -> list[_Line]:
    """One line's role; a heading run into its first article becomes two lines."""
    text = span.text
    m = _ARTICLE_RE.match(text)
    if m and not _XREF_NEXT_RE.match(text, m.end()):
        suffix = f"之{m.group(2)}" if m.group(2) else ""
        key = chinese_number(m.group(1)) * 100 + chinese_number(m.group(2) or "0")
        return [_Line(span, "article", key, label=f"第{m.group(1)}条{suffix}")]
    m = _HEADING_RE.match(text)
    if m and not _XREF_NEXT_RE.match(text, m.end()):
        run_in = _ARTICLE_RE.search(text, m.end())
        title = text[m.end() : run_in.start() if run_in else None]
        if _plausible_title(title) and not run_in:
            return [_heading(span, m, title)]
        if _plausible_title(title) and run_in:
            first, second = _cut(raw, span, run_in.start())
            return [_heading(first, m, title), *_classify(raw, second)]
    if m := _ITEM_RE.match(text):
        number, label = chinese_number(m.group(1)), f"（{m.group(1)}）"
        return [_Line(span, "item", number, label=label, rest=text[m.end() :])]
    return [_Line(span, "text")]


def _best_chain(keys: Sequence[int]) -> list[int]:
    """The longest increasing run of article keys (fewest skipped numbers): what breaks the
    increase, cross-references and contents lines, falls out."""
    if not keys:
        return []
    k = np.asarray(keys, dtype=np.int64)
    num, big = k // 100, np.int64(10**7)
    score = big - np.maximum(num - 1, 0)
    prev = np.full(len(k), -1, dtype=np.int64)
    for i in range(1, len(k)):
        cand = np.where(k[:i] < k[i], score[:i] + big - np.maximum(num[i] - num[:i] - 1, 0), -1)
        j = int(np.argmax(cand))
        if cand[j] > score[i]:
            score[i], prev[i] = cand[j], j
    chain, i = [], int(np.argmax(score))
    while i >= 0:
        chain.append(i)
        i = int(prev[i])
    return chain[::-1]


def _is_unnumbered_heading(lines: Sequence[_Line], i: int) -> bool:
    """A short unpunctuated line such as 附则 or 二、回避 that ends one article run."""
    line, text = lines[i], lines[i].span.text
    if line.kind != "text" or not 0 < i < len(lines) - 1 or _YEAR_RE.search(text):
        return False
    if (title_complete(text) and len(text) > 6) or _NOT_HEADING.search(text):
        return False  # a title, 目录 or the broken-off end of an adoption note
    before = lines[i - 1]
    ended = before.kind == "heading" or before.span.text.endswith(_SENTENCE_END)
    note = before.kind == "text" and bool(_YEAR_RE.search(before.span.text))  # after the notes
    following = lines[i + 1].kind in ("article", "heading")
    return bool(_UNNUMBERED_RE.fullmatch(text)) and (ended or note) and following


def _refine(lines: list[_Line]) -> list[_Line]:
    """Join headings split over two lines (第三章 / 业主大会); mark unnumbered headings."""
    out: list[_Line] = []
    for i, line in enumerate(lines):
        prev = out[-1] if out else line
        bare = prev.kind == "heading" and prev.level >= 0 and " " not in prev.label
        if bare and line.kind == "text" and _plausible_title(line.span.text):
            title = line.span.text.replace(" ", "")
            span = Span(f"{prev.span.text} {line.span.text}", prev.span.start, line.span.end)
            out[-1] = _Line(span, "heading", prev.key, prev.level, f"{prev.label} {title}")
        elif _is_unnumbered_heading(lines, i):
            m = _UNNUMBERED_RE.fullmatch(line.span.text)
            number = chinese_number(m.group(1)) if m and m.group(1) else 0
            out.append(_Line(line.span, "heading", number, -1, line.span.text.replace(" ", "")))
        else:
            out.append(line)
    return out


def _classify_all(raw: str, spans: Sequence[Span]) -> list[_Line]:
    """Every line's role; article lines outside the best increasing chain become text."""
    lines = [line for span in spans for line in _classify(raw, span)]
    positions = [i for i, line in enumerate(lines) if line.kind == "article"]
    kept = {positions[c] for c in _best_chain([lines[i].key for i in positions])}
    drop = {i for i, ln in enumerate(lines) if ln.kind == "article" and i not in kept}
    return _refine([_Line(ln.span, "text") if i in drop else ln for i, ln in enumerate(lines)])


def _run_in_article(text: str, expected: int) -> int:
    """Offset of article ``expected`` started mid-line (after a sentence), else -1."""
    for m in _ARTICLE_RE.finditer(text):
        if m.start() == 0 or chinese_number(m.group(1)) != expected or m.group(2):
            continue
        prev = text[: m.start()].rstrip()[-1:]
        if prev and prev not in _XREF_PREV and not _XREF_NEXT_RE.match(text, m.end()):
            return m.start()
    return -1


def _recover_run_ins(raw: str, lines: list[_Line]) -> list[Span] | None:
    """Spans with the articles that the source ran into the previous one split out, if any."""
    arts = [i for i, line in enumerate(lines) if line.kind == "article"]
    spans = [line.span for line in lines]
    changed = False
    for a, b in reversed(list(zip(arts, arts[1:], strict=False))):  # back to front: indices hold
        expected, stop, i = lines[a].key // 100 + 1, lines[b].key // 100, a
        while expected < stop and i < b:
            k = _run_in_article(spans[i].text, expected)
            if k < 0:
                i += 1
                continue
            spans[i : i + 1] = list(_cut(raw, spans[i], k))
            changed, expected, i, b = True, expected + 1, i + 1, b + 1
    return spans if changed else None


def _body_start(lines: Sequence[_Line], first_article: int) -> tuple[int, int]:
    """(contents start, body start). The body starts at the last 第一编/章 before the first
    article; earlier headings (a 目录 whose entries the body repeats) are contents."""
    s = first_article
    while s > 0 and lines[s - 1].kind == "heading":
        s -= 1
    run = range(s, first_article)
    top = min((lines[i].level for i in run if lines[i].level >= 0), default=0)
    firsts = [i for i in run if lines[i].level == top and lines[i].key == 1]
    body = firsts[-1] if firsts else s
    marker = next((i for i in range(body) if lines[i].span.text.replace(" ", "") == "目录"), body)
    return min(marker, s if body > s else body), body


@dataclass
class _Block:
    """A 款's lead or one 项 while it is being built: its written lines and raw extent."""

    lines: list[str]
    start: int
    end: int
    number: int = 0
    label: str = ""

    def add(self, span: Span, join: bool) -> None:
        if join:  # a wrapped line continues the last one; a bare 第N条 gets its text
            self.lines[-1] += (" " if _ARTICLE_RE.fullmatch(self.lines[-1]) else "") + span.text
        else:
            self.lines.append(span.text)
        self.end = span.end

    def open_ended(self) -> bool:
        """Whether the last line stops mid-sentence (wrapped by the source) or is a bare 第N条."""
        last = self.lines[-1]
        wrapped = len(last) >= _WRAP_MIN and not last.endswith(_TERMINAL) and "＝" not in last
        return wrapped or bool(_ARTICLE_RE.fullmatch(last))

    def item(self) -> Item:
        text = "\n".join([_ITEM_RE.sub("", self.lines[0], count=1), *self.lines[1:]])
        return Item(self.number, self.label, text, self.start, self.end)


def _paragraphs(lines: Sequence[_Line]) -> tuple[Paragraph, ...]:
    """Group an article's lines into 款 (the non-item lines) holding their 项."""
    groups: list[tuple[_Block, list[_Block]]] = []
    for line in lines:
        span = line.span
        current = (groups[-1][1] or [groups[-1][0]])[-1] if groups else None
        if line.kind == "item" and groups:
            groups[-1][1].append(_Block([span.text], span.start, span.end, line.key, line.label))
        elif current and current.open_ended():
            current.add(span, join=True)
        elif current and _ENUM_RE.match(span.text):  # 目 1. stays inside its 项 (or 款)
            current.add(span, join=False)
        else:
            groups.append((_Block([span.text], span.start, span.end), []))
    out = []
    for n, (lead, items) in enumerate(groups, 1):
        text = "\n".join(lead.lines + [ln for item in items for ln in item.lines])
        end = items[-1].end if items else lead.end
        out.append(Paragraph(n, text, lead.start, end, tuple(item.item() for item in items)))
    return tuple(out)


def _article(lines: Sequence[_Line], heads: list[tuple[int, str] | None]) -> Article:
    first, paragraphs = lines[0], _paragraphs(lines)
    return Article(
        number=first.key // 100,
        suffix=first.label.split("条", 1)[1],
        label=first.label,
        headings=tuple(head[1] for head in heads if head),
        path=tuple(head[0] if head else 0 for head in heads),
        levels=tuple(level for level, head in enumerate(heads) if head),
        text="\n".join(p.text for p in paragraphs),
        start=first.span.start,
        end=paragraphs[-1].end,
        paragraphs=paragraphs,
    )


def _walk(lines: Sequence[_Line]) -> tuple[list[Article], list[Span]]:
    """The articles under their headings, and any stray lines before the first article."""
    articles: list[Article] = []
    stray: list[Span] = []
    heads: list[tuple[int, str] | None] = [None, None, None]
    chapters = any(line.kind == "heading" and line.level == 1 for line in lines)
    current: list[_Line] = []
    for line in [*lines, _Line(Span("", 0, 0), "end")]:
        if line.kind in ("heading", "article", "end") and current:
            articles.append(_article(current, heads))
            current = []
        if line.kind == "heading":
            level = line.level if line.level >= 0 else 2 if chapters else 1
            heads[level:] = [(line.key, line.label)] + [None] * (2 - level)
        elif line.kind == "article" or (current and line.kind != "end"):
            current.append(line)
        elif line.kind != "end":
            stray.append(line.span)
    return articles, stray


def _legal_enough(lines: Sequence[_Line]) -> bool:
    """Three articles, or two that (with what follows them) are most of the text."""
    arts = [i for i, line in enumerate(lines) if line.kind == "article"]
    if len(arts) != 2:
        return len(arts) > 2
    total = sum(len(line.span.text) for line in lines)
    return sum(len(line.span.text) for line in lines[arts[0] :]) >= 0.5 * total


def looks_legal(spans: Sequence[Span]) -> bool:
    """Whether the document is article-structured (第N条 lines make up its body)."""
    joined = "\n".join(span.text for span in spans)
    return _legal_enough(_classify_all(joined, split_lines(joined)))


def parse_legal(raw: str) -> LegalStructure | None:
    """The 编/章/节, 条, 款 and 项 of ``raw``; None when it is not article-structured."""
    lines = _classify_all(raw, split_lines(raw))
    if (recovered := _recover_run_ins(raw, lines)) is not None:
        lines = _classify_all(raw, recovered)
    if not _legal_enough(lines):
        return None
    arts = [i for i, line in enumerate(lines) if line.kind == "article"]
    after = range(arts[-1] + 1, len(lines))  # 附件/附表, or a heading no article follows
    ends = (i for i in after if lines[i].kind == "heading" or _ATTACH_RE.match(lines[i].span.text))
    stop = next(ends, len(lines))
    contents_start, body = _body_start(lines, arts[0])
    articles, stray = _walk(lines[body:stop])
    front = [line.span for line in lines[:contents_start]] + stray
    return LegalStructure(
        title=title_from_front([span.text for span in front]),
        front=tuple(front),
        contents=tuple(line.span for line in lines[contents_start:body]),
        articles=tuple(articles),
        back=tuple(line.span for line in lines[stop:]),
    )
