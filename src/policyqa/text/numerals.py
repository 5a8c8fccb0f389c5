"""Chinese numerals as documents write them, both ways: 一千二百六十 <-> 1260."""

from __future__ import annotations

import re

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_TO_CN = "零一二三四五六七八九"
_TO_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
CN_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS)
# a figure, a Chinese number with its measure or unit (三个, 两项, 三十日, 十万元, 五年) or a
# share (百分之十): what a question asking for an amount wants a sentence to give. Laws write
# their figures in Chinese numerals; an ordinal (第三十条) counts nothing
_CN = "一二两三四五六七八九十百千万亿"
_MEASURE = "个|项|家|条|处|倍|成|座|所|元|日|天|年|月|周|小时|人|名|次|米|公里|公顷|亩|吨|岁"
AMOUNT = re.compile(rf"[0-9０-９]|(?<![第{_CN}])[{_CN}]+(?:{_MEASURE})|百分之[{_CN}]")
# a share as written: 30%, 百分之十, 三成, 千分之五
SHARE = re.compile(
    rf"[0-9０-９][0-9０-９.．]*\s*[%％‰]|[百千]分之[{_CN}0-9]|[{_CN}0-9]成(?![立为员本果效熟])"
)
# a numbered item's own number before its text ("51. 实施…", "3．", "12、"), not a figure in
# it (2.3 is a figure: a dot before a digit is a decimal point)
ITEM_NUMBER = re.compile(r"^(\d{1,3})(?:[．、]|\.(?!\d))\s*")
# a year written in digits, as questions and plans name them (2027, 2026—2030年)
YEAR = re.compile(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])")
# a period written as its first and last year (2026—2030)
SPAN = re.compile(r"(20\d\d)\s*[—–\-至到]\s*(20\d\d)")
_TARGET = re.compile(r"(20[2-4]\d)\s*年?")


def target_years(text: str) -> list[str]:
    """The target years a text names (2020–2049), in order, outside periods (2023—2027)."""
    return list(dict.fromkeys(m.group(1) for m in _TARGET.finditer(SPAN.sub(" ", text))))


def cn_to_int(text: str) -> int | None:
    """``二十七`` -> 27, ``十`` -> 10, ``一千二百六十`` -> 1260, ``二〇二六`` -> 2026, ``27`` -> 27;
    None if it is not a numeral below 10000."""
    text = text.strip().translate(_FULL_WIDTH)
    if text.isdigit():
        return int(text)
    if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    if not any(ch in _UNITS for ch in text):  # positional digits: 二〇二六
        return int("".join(str(_DIGITS[ch]) for ch in text))
    total, current = 0, 0
    for ch in text:
        if ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            current = current * 10 + _DIGITS[ch] if current else _DIGITS[ch]
    return total + current


def int_to_cn(n: int, legal: bool = False) -> str:
    """27 -> ``二十七``, 101 -> ``一百零一``, 1260 -> ``一千二百六十`` (legal: 壹拾壹);
    the number itself outside 1..9999."""
    digits, units = (_TO_CN_LEGAL, "拾佰仟") if legal else (_TO_CN, "十百千")
    if n <= 0 or n >= 10000:
        return str(n)
    out: list[str] = []
    pending_zero = False
    for power in (3, 2, 1, 0):
        d = n // 10**power % 10
        if d == 0:
            pending_zero = bool(out)
            continue
        if pending_zero:
            out.append(digits[0])
            pending_zero = False
        unit = units[power - 1] if power else ""
        out.append(unit if d == 1 and power == 1 and not out and not legal else digits[d] + unit)
    return "".join(out)
