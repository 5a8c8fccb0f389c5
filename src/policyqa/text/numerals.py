"""Chinese numerals as documents write them: 一 … 九十九."""

from __future__ import annotations

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_TO_CN = "零一二三四五六七八九"
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百"


def cn_to_int(text: str) -> int | None:
    """``二十七`` -> 27, ``十`` -> 10, ``27`` -> 27; None if it is not a numeral below 1000."""
    text = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    if not text or any(ch not in CN_NUMERAL_CHARS for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _DIGITS[ch] if current else _DIGITS[ch]
    return total + current


def int_to_cn(n: int) -> str:
    """27 -> ``二十七`` (1 <= n < 100)."""
    if n < 10:
        return _TO_CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _TO_CN[tens]) + "十" + (_TO_CN[ones] if ones else "")
