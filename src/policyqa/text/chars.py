"""Character classes, for use inside regular-expression brackets (``f"[{HAN}]"``)."""

from __future__ import annotations

import re

HAN = "\u4e00-\u9fff"  # CJK unified ideographs: the characters of Chinese words
LATIN = "A-Za-z"
# the numerals documents number their headings and parts with (一、 （三） 第十二章)
CN_DIGITS = "一二三四五六七八九十"

HAN_CHAR = re.compile(f"[{HAN}]")
LATIN_CHAR = re.compile(f"[{LATIN}]")


def has_han(text: str) -> bool:
    return HAN_CHAR.search(text) is not None
