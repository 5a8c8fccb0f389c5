"""The list labels Word draws for auto-numbered paragraphs ("第一条", "一、", "（二）", "1.").

Word never stores these labels in the paragraph; python-docx exposes only the raw XML, so the
labels are recomputed here from numbering.xml and the paragraph's (or its style's) w:numPr.

Modelled: w:num -> w:abstractNum with w:start, w:numFmt, w:lvlText, w:suff, w:isLgl; per-level
w:startOverride; style-linked numbering (w:pStyle numPr, w:basedOn chains, w:lvl/w:pStyle);
deeper levels restarting after a shallower one; the common Western and Chinese formats.
Not modelled (labels may then differ from Word's): w:lvlRestart exceptions, w:numStyleLink /
w:styleLink indirection, w:numFmt "custom" formats, spelled-out English (cardinalText,
ordinalText), picture bullets, numbering changed by tracked revisions, and lists continued
across w:num instances that override their start. Bullets become "•".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from ...text.numerals import int_to_cn

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w(tag: str) -> str:
    """Clark name of a WordprocessingML element or attribute."""
    return f"{{{W}}}{tag}"


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def _roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _letters(n: int) -> str:
    """Word's letter numbering: A..Z, then AA..ZZ, AAA.. (repeated letters, not base 26)."""
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """``n`` in the w:numFmt ``fmt``; unknown formats fall back to decimal."""
    simple: dict[str, Callable[[], str]] = {
        "chineseCounting": lambda: int_to_cn(n),
        "chineseCountingThousand": lambda: int_to_cn(n),
        "japaneseCounting": lambda: int_to_cn(n),
        "taiwaneseCounting": lambda: int_to_cn(n),
        "chineseLegalSimplified": lambda: int_to_cn(n, legal=True),
        "ideographDigital": lambda: "".join("〇一二三四五六七八九"[int(c)] for c in str(n)),
        "ideographTraditional": lambda: _TIANGAN[(n - 1) % 10],
        "ideographZodiac": lambda: _DIZHI[(n - 1) % 12],
        "decimalEnclosedCircle": lambda: _CIRCLED[n - 1] if 0 < n <= 20 else str(n),
        "decimalEnclosedCircleChinese": lambda: _CIRCLED[n - 1] if 0 < n <= 20 else str(n),
        "decimalFullWidth": lambda: str(n).translate({c: c + 0xFEE0 for c in range(48, 58)}),
        "decimalZero": lambda: f"{n:02d}",
        "upperRoman": lambda: _roman(n),
        "lowerRoman": lambda: _roman(n).lower(),
        "upperLetter": lambda: _letters(n),
        "lowerLetter": lambda: _letters(n).lower(),
        "none": lambda: "",
    }
    render = simple.get(fmt)
    if render is None and "Counting" in fmt:  # LibreOffice writes taiwaneseCountingThousand
        return int_to_cn(n)
    return render() if render else str(n)


@dataclass(frozen=True)
class Level:
    """One w:lvl of an abstract numbering definition."""

    start: int
    fmt: str
    text: str
    suffix: str
    legal: bool
    style: str | None


def _val(el: etree._Element | None, tag: str) -> str | None:
    child = el.find(w(tag)) if el is not None else None
    return child.get(w("val")) if child is not None else None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _level(lvl: etree._Element) -> Level:
    return Level(
        start=_int(_val(lvl, "start"), 1),
        fmt=_val(lvl, "numFmt") or "decimal",
        text=_val(lvl, "lvlText") or "",
        suffix=_val(lvl, "suff") or "tab",
        legal=lvl.find(w("isLgl")) is not None,
        style=_val(lvl, "pStyle"),
    )


class Numbering:
    """Labels of numbered paragraphs, fed in document order (counters advance on each call)."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None) -> None:
        self._abstract: dict[str, dict[int, Level]] = {}
        self._nums: dict[str, tuple[str, dict[int, int]]] = {}
        self._styles: dict[str, tuple[str | None, int | None, str | None]] = {}
        self._counters: dict[str, list[int | None]] = {}
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)

    def _read_numbering(self, root: etree._Element) -> None:
        for abstract in root.iterfind(w("abstractNum")):
            levels = {
                _int(lvl.get(w("ilvl")), 0): _level(lvl) for lvl in abstract.iterfind(w("lvl"))
            }
            self._abstract[abstract.get(w("abstractNumId")) or ""] = levels
        for num in root.iterfind(w("num")):
            overrides = {
                _int(o.get(w("ilvl")), 0): _int(_val(o, "startOverride"), 1)
                for o in num.iterfind(w("lvlOverride"))
                if o.find(w("startOverride")) is not None
            }
            self._nums[num.get(w("numId")) or ""] = (_val(num, "abstractNumId") or "", overrides)

    def _read_styles(self, root: etree._Element) -> None:
        for style in root.iterfind(w("style")):
            num_pr = style.find(f"{w('pPr')}/{w('numPr')}")
            ilvl = _val(num_pr, "ilvl")
            self._styles[style.get(w("styleId")) or ""] = (
                _val(num_pr, "numId"),
                int(ilvl) if ilvl is not None and ilvl.isdigit() else None,
                _val(style, "basedOn"),
            )

    def _style_numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            num_id, ilvl, based_on = self._styles[style_id]
            if num_id is not None:
                return num_id, ilvl
            style_id = based_on
        return None, None

    def _resolve(self, p: etree._Element) -> tuple[str, int, str | None] | None:
        """(numId, level, paragraph style) of a numbered paragraph, None if it is not numbered."""
        ppr = p.find(w("pPr"))
        style = _val(ppr, "pStyle")
        num_pr = ppr.find(w("numPr")) if ppr is not None else None
        num_id, ilvl = _val(num_pr, "numId"), _val(num_pr, "ilvl")
        style_num, style_lvl = self._style_numbering(style)
        num_id = num_id or style_num
        if not num_id or num_id == "0" or num_id not in self._nums:
            return None
        level = _int(ilvl, -1) if ilvl is not None else (style_lvl if style_lvl is not None else -1)
        return num_id, level, style

    def label(self, p: etree._Element) -> str:
        """The label and its separator ("第一条 ", "一、") for paragraph ``p``, or ""."""
        resolved = self._resolve(p)
        if resolved is None:
            return ""
        num_id, level, style = resolved
        abstract_id, overrides = self._nums[num_id]
        levels = self._abstract.get(abstract_id, {})
        if level < 0:  # level chosen by a w:lvl that names the paragraph's style
            level = next((i for i, lv in levels.items() if style and lv.style == style), 0)
        if level not in levels:
            return ""
        counts = self._advance(num_id if overrides else abstract_id, levels, overrides, level)
        return self._render(levels, counts, level)

    def _advance(
        self, key: str, levels: dict[int, Level], overrides: dict[int, int], level: int
    ) -> list[int | None]:
        counts = self._counters.setdefault(key, [None] * 10)
        current = counts[level]
        counts[level] = (
            overrides.get(level, levels[level].start) if current is None else current + 1
        )
        for deeper in range(level + 1, len(counts)):
            counts[deeper] = None
        return counts

    @staticmethod
    def _render(levels: dict[int, Level], counts: list[int | None], level: int) -> str:
        lv = levels[level]
        if lv.fmt == "bullet":
            return "• "
        text = lv.text
        for ref in range(9, 0, -1):  # %10 does not exist; descending keeps %1 from eating %1x
            placeholder = f"%{ref}"
            if placeholder in text:
                ref_level = levels.get(ref - 1)
                count = counts[ref - 1]
                if count is None:
                    count = ref_level.start if ref_level else 1
                fmt = "decimal" if lv.legal or ref_level is None else ref_level.fmt
                text = text.replace(placeholder, format_number(count, fmt))
        if not text or lv.suffix == "nothing" or text[-1] in "、，．。）】：":
            return text
        return text + " "
