"""Normalising text: whitespace squashed for comparison, questions cleaned for search."""

from __future__ import annotations

import re

from ..errors import BadInput

_WS = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# full-width digits and Latin letters are folded; full-width punctuation is the documents' own
_FOLD = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)


def squash(text: str) -> str:
    """``text`` with all whitespace (full-width spaces and newlines too) removed."""
    return _WS.sub("", text)


def clean_question(text: str | None, max_chars: int) -> str:
    """The question, stripped, full-width digits folded; BadInput if empty, too long or binary."""
    if text is None or not text.strip():
        raise BadInput("问题为空：请输入要查询的问题。")
    if _CONTROL.search(text):
        raise BadInput("问题包含控制字符，请删除后重试。")
    text = text.translate(_FOLD).strip()
    if len(text) > max_chars:
        raise BadInput(f"问题过长（{len(text)} 字），请控制在 {max_chars} 字以内。")
    return text
