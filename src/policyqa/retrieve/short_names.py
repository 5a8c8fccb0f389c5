"""Short names officials give documents without anyone typing an alias: 物业条例, 市容环卫条例.

A Chinese abbreviation keeps characters of the full name in order and ends with its kind word
(条例, 办法, 法…). A span of a question is read as a document's name only when it ends with that
kind word, is an in-order subsequence of the title, keeps at least two characters of the
title's distinctive part (not the place, not 管理/实施…), one pair of them adjacent as in the
title, and a third of the distinct distinctive characters; otherwise ordinary words such as
"相关规定" or "解决办法" would become document names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

_KINDS = (
    "法典",
    "条例",
    "办法",
    "规定",
    "细则",
    "规则",
    "决定",
    "解释",
    "方案",
    "规划",
    "纲要",
    "意见",
    "通知",
    "守则",
    "章程",
    "准则",
    "标准",
    "决议",
    "法",
)
_PLACE = re.compile(
    r"^(?:中华人民共和国|(?:[^省市县区州]{1,7}?(?:省|自治区|特别行政区|市(?!场)))?"
    r"(?:(?!城市|都市|超市)[^省市县区州]{1,7}?(?:市|自治州|州|盟|地区))?"
    r"(?:[^省市县区州]{1,7}?(?:自治县|县|区|旗))?)"
)
_GENERIC = re.compile(
    r"中华人民共和国|管理|实施|若干|有关|关于|工作|暂行|试行|[的和与及《》〈〉、（）()\s]"
    # words so common in questions that alone they name no document
    r"|法律|安全|交通|环境|保护|服务|发展|社会|经济|公共|城市|促进|建设|生产|市场|监督|检查"
    r"|行政|国家|人民|政府|规范|技术|信息|质量|权益|组织|单位|标准|办理|程序|企业"
)
_TRAILING = re.compile(r"[（(]([^（）()]*)[）)]\s*$")
# 法 in words that are not the name of a law: 违法, 办法 / 法规, 法律
_NOT_LAW = set("办方做看说想合违依非执立守司用算手写无设语书作疗技效取大")
_LAW_WORD_NEXT = set("规律院官人定治制学理")
_FOLD = str.maketrans("－-–~～０１２３４５６７８９", "—————0123456789")
_MIN_COVERAGE = 1 / 3


@dataclass(frozen=True)
class _Variant:
    text: str  # the title up to its kind word (the kind word excluded)
    distinctive: tuple[bool, ...]
    place: int = 0  # length of the place the title starts with (河源市)


@dataclass(frozen=True)
class _Title:
    doc_id: str
    kind: str
    exact: tuple[str, ...]  # the whole title, then the forms without 中华人民共和国 or place
    variants: tuple[_Variant, ...]
    chars: frozenset[str]


def _variant(text: str) -> _Variant:
    mask = [True] * len(text)
    place = _PLACE.match(text)
    place_end = place.end() if place and place.end() < len(text) else 0
    for start, end in [(0, place_end)] + [m.span() for m in _GENERIC.finditer(text)]:
        mask[start:end] = [False] * (end - start)
    return _Variant(text, tuple(mask), place_end)


def _prepare(doc_id: str, title: str) -> _Title | None:
    full = title.strip().strip("《》").translate(_FOLD)
    trailing = _TRAILING.search(full)
    core = full[: trailing.start()] if trailing else full
    kind = next((k for k in _KINDS if core.endswith(k)), "")
    if not kind:
        return None
    stem = core[: -len(kind)]
    variants = [_variant(stem)]
    place = _PLACE.match(core)
    local = core[place.end() :] if place else core
    if not any(variants[0].distinctive[len(core) - len(local) :]):  # 管理条例 names nothing
        local = core
    exact = (full, core, local)
    if trailing and re.search(
        r"[0-9]{4}", trailing.group(1)
    ):  # （2021—2025年）规划 read as 2021—2025年规划
        variants.append(_variant(trailing.group(1) + stem))
    return _Title(doc_id, kind, tuple(dict.fromkeys(exact)), tuple(variants), frozenset(full))


def _back_match(text: str, last: int, target: str) -> list[int]:
    """Positions in ``target`` of text[..last] matched right to left, as far left as possible."""
    found: list[int] = []
    limit = len(target)
    for i in range(last, -1, -1):
        p = target.rfind(text[i], 0, limit)
        if p < 0:
            break
        found.append(p)
        limit = p
    return found[::-1]


def _chunks(variant: _Variant) -> list[range]:
    """The distinctive part cut into two-character blocks, roughly its words (市容|环境|卫生)."""
    runs, start = [], None
    for i, d in enumerate([*variant.distinctive, False]):
        if d and start is None:
            start = i
        elif not d and start is not None:
            runs.append(range(start, i))
            start = None
    return [range(k, min(k + 2, r.stop)) for r in runs for k in r[::2]]


def _score(text: str, end: int, title: _Title) -> tuple[int, int, int, int] | None:
    """(start, tier, 1 if a word of the title is dropped, title characters skipped) of
    text[:end] read as ``title``: lower is better."""
    forms = [
        (end - len(f), min(tier, 1), 0, 0)
        for tier, f in enumerate(title.exact)
        if text.endswith(f, 0, end)
    ]
    best = min(forms, default=None)
    last = end - len(title.kind) - 1
    if title.kind == "法" and text[last : last + 1] in _NOT_LAW:  # 违法, 办法: not a law's name
        return best
    for variant in title.variants:
        found = _back_match(text, last, variant.text)
        keep = [p for p in found if variant.distinctive[p]]
        distinct = {variant.text[p] for p in keep}
        total = {ch for ch, d in zip(variant.text, variant.distinctive, strict=True) if d}
        pairs = zip(keep, keep[1:], strict=False)
        # a name that keeps its place keeps less of the rest: 河源暴雨条例
        placed = sum(p < variant.place for p in found) >= 2
        if len(distinct) < 2 or (len(distinct) < _MIN_COVERAGE * len(total) and not placed):
            continue
        if not any(b == a + 1 for a, b in pairs):  # one pair adjacent as in the title
            continue
        partial = any(not set(chunk) & set(keep) for chunk in _chunks(variant))
        skipped = len(variant.text) - found[0] - len(found)
        score = (last + 1 - len(found), 2, int(partial), skipped)
        best = score if best is None or score < best else best
    return best


@lru_cache(maxsize=8)
def _index(titles: tuple[tuple[str, str], ...]) -> dict[str, list[_Title]]:
    """The titles by kind word (cached: a library's titles are asked about many times)."""
    by_kind: dict[str, list[_Title]] = defaultdict(list)
    for doc_id, title in titles:
        if prepared := _prepare(doc_id, title):
            by_kind[prepared.kind].append(prepared)
    return by_kind


def _readings(text: str, titles: Mapping[str, str]) -> Iterator[tuple[int, int, list[str]]]:
    """(start, end, doc_ids) for every span of ``text`` that reads as a document's name."""
    folded = text.translate(_FOLD)
    for kind, candidates in _index(tuple(sorted(titles.items()))).items():
        for m in re.finditer(re.escape(kind), folded):
            end = m.end()
            before = folded[m.start() - 1] if m.start() else ""
            # 法规, 法律 are words; 反垄断法规定 is a law's name and 规定 ("provides")
            next_char = folded[end : end + 1]
            if kind == "法" and next_char in _LAW_WORD_NEXT and not folded.startswith("规定", end):
                continue
            scored = [
                (score, title.doc_id)
                for title in candidates
                if before in title.chars and (score := _score(folded, end, title))
            ]
            if not scored:
                continue
            # the longest span, the best tier, a fit keeping every word, the most compact fit
            best = min(score for score, _ in scored)
            docs = sorted({doc for score, doc in scored if score == best})
            yield best[0], end, docs


def find_short_names(text: str, titles: Mapping[str, str]) -> list[tuple[str, int, int]]:
    """(doc_id, start, end) of the spans of ``text`` naming exactly one of ``titles``."""
    found = [(docs[0], s, e) for s, e, docs in _readings(text, titles) if len(docs) == 1]
    return sorted(found, key=lambda hit: (hit[1], hit[2]))


def ambiguous_short_names(text: str, titles: Mapping[str, str]) -> list[tuple[str, list[str]]]:
    """(span, doc_ids) for the spans of ``text`` that fit two or more of ``titles`` equally."""
    found = [(s, text[s:e], docs) for s, e, docs in _readings(text, titles) if len(docs) > 1]
    return [(span, docs) for _, span, docs in sorted(found)]
