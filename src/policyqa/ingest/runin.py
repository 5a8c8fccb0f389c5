"""Recover the structure of a scraped page whose headings run into the text.

A page scraped from a government site can arrive as a few very long lines: the table of
contents, then the body with headings such as ``第一节<title>`` glued to the text that
follows, boxes (``专栏2…``) glued in the same way, and whole passages repeated.
The table of contents names every heading exactly, so headings are found by those names.
"""

from __future__ import annotations

import re

from ..text.chars import CN_DIGITS
from ..text.sentences import FULL_STOP
from .clean import Para, clean_line

_TOC_ENTRY = re.compile(rf"(第[{CN_DIGITS}]+章|第[{CN_DIGITS}]+节)")
_BOX = re.compile(r"专栏(\d+)(\S{4,30}?(?:任务|重点|区域))")
_ITEM_START = re.compile(r"\d{1,2}．|[①②③④⑤⑥⑦⑧⑨⑩]")
_LEAD_PHRASE_MAX = 20
_MIN_DEDUP_CHARS = 8


def _contents_span(raw: str) -> tuple[int, int]:
    """[start, end) of the contents (目录 … up to the body's 前言), or (-1, -1)."""
    toc_start = raw.find("目录")
    body_start = raw.find("前言", raw.find("前言", toc_start) + 2) if toc_start >= 0 else -1
    return (toc_start, body_start) if toc_start >= 0 and body_start > 0 else (-1, -1)


def contents(raw: str) -> list[Para]:
    """The headings the contents list, in order, each with its span in ``raw``.

    E.g. ``第六章 协同提升科技创新水平``, ``第三节 营造良好创新生态``.
    """
    toc_start, body_start = _contents_span(raw)
    if toc_start < 0:
        return []
    marks = list(_TOC_ENTRY.finditer(raw, toc_start, body_start))
    if not marks:  # a 目录 and a 前言 with no entry between them
        return []
    out: list[Para] = []
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        end = nxt.start() if nxt else body_start
        title = raw[m.end() : end].removesuffix("前言").strip()
        out.append(
            Para(f"{m.group(1)} {title}", m.start(), m.start() + len(m.group(1)) + len(title))
        )
    return out


def _cut_points(line: str, headings: list[str]) -> tuple[list[int], dict[int, str]]:
    """Offsets where a new segment starts, and the heading text at heading offsets."""
    cuts = {0, len(line)}
    heading_at: dict[int, str] = {}
    for h in headings:
        for m in re.finditer(re.escape(h), line):
            cuts.update((m.start(), m.end()))
            heading_at[m.start()] = h
    for m in _BOX.finditer(line):
        cuts.update((m.start(), m.end()))
        heading_at[m.start()] = f"专栏{m.group(1)} {m.group(2)}"
    for m in FULL_STOP.finditer(line):
        cuts.add(m.end())
    for m in _ITEM_START.finditer(line):
        cuts.add(m.start())
    return sorted(cuts), heading_at


def split_run_in(raw: str) -> tuple[list[Para], int]:
    """Cut a run-in page into paragraphs, headings on their own; drop repeated passages.

    Returns the paragraphs (headings normalised to ``第X章 标题``) and how many
    repeated passages were dropped.
    """
    toc_start, body_start = _contents_span(raw)
    chapter_title: dict[str, str] = {}
    section_chapter: dict[str, str] = {}
    headings = ["前言"]
    chapter: str | None = None
    for entry in contents(raw):
        num, title = entry.text.split(" ", 1)
        if num.endswith("章"):
            chapter, chapter_title[num] = num, title
        elif chapter is not None:
            section_chapter[num + title] = chapter
        headings.insert(-1, num + title)

    # the scrape ends with the page's download link (文件下载…<BR>), which is not the document
    tail = raw.rfind("文件下载")
    if tail > 0:
        raw = raw[:tail]
    paras: list[Para] = []
    seen: set[str] = set()
    dropped_runs = 0
    in_dropped_run = False
    current_chapter: str | None = None
    pos = 0
    for line in raw.splitlines(keepends=True):
        line_start, pos = pos, pos + len(line)
        if body_start >= 0 and line_start + len(line) <= body_start:
            scope_from = len(line)  # wholly before the body: preamble and contents
        else:
            scope_from = max(0, body_start - line_start) if body_start >= 0 else 0
        segments: list[tuple[int, int, str | None]] = []
        if scope_from > 0:
            # the contents (目录…) are dropped: their headings are recovered in the body
            before = line[:scope_from]
            if toc_start >= line_start:
                before = before[: toc_start - line_start]
            segments.extend(_plain_segments(before))
        cuts, heading_at = _cut_points(line[scope_from:], headings)
        for a, b in zip(cuts, cuts[1:], strict=False):
            segments.append((scope_from + a, scope_from + b, heading_at.get(a)))
        # a line break in the scrape starts a paragraph, unless it follows a bare lead phrase
        new_para = not paras or len(paras[-1].text) > _LEAD_PHRASE_MAX
        for a, b, heading in segments:
            text = clean_line(line[a:b])
            if not text:
                continue
            start, end = line_start + a, line_start + b
            if heading is not None:
                in_dropped_run = False
                if heading in section_chapter and section_chapter[heading] != current_chapter:
                    ch = section_chapter[heading]
                    if ch is not None:
                        paras.append(Para(f"{ch} {chapter_title[ch]}", start, start))
                    current_chapter = ch
                elif heading.startswith("第") and "章" in heading[:6]:
                    current_chapter = heading[: heading.index("章") + 1]
                paras.append(Para(_spaced(heading), start, end))
                new_para = True
                continue
            if len(text) >= _MIN_DEDUP_CHARS and text in seen:
                if not in_dropped_run:
                    dropped_runs += 1
                in_dropped_run = True
                continue
            in_dropped_run = False
            seen.add(text)
            is_lead = len(text) <= _LEAD_PHRASE_MAX and text.endswith("。") and "，" not in text
            if new_para or is_lead or _ITEM_START.match(text):
                paras.append(Para(text, start, end))
                new_para = False
            else:
                last = paras[-1]
                paras[-1] = Para(last.text + text, last.start, end)
    return paras, dropped_runs


def _plain_segments(text: str) -> list[tuple[int, int, str | None]]:
    ends = [m.end() for m in FULL_STOP.finditer(text)]
    cuts = sorted({0, len(text), *ends})
    return [(a, b, None) for a, b in zip(cuts, cuts[1:], strict=False)]


def _spaced(heading: str) -> str:
    m = re.match(rf"(第[{CN_DIGITS}]+[章节])(.*)", heading)
    return f"{m.group(1)} {m.group(2)}" if m else heading
