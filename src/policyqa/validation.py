"""Checks on what users send: questions, k, modes, document ids."""

from __future__ import annotations

import re

from .errors import BadInput

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# full-width digits and Latin letters are folded; full-width punctuation is the documents' own
_FOLD = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)


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


def check_k(k: int, max_k: int) -> int:
    if not 1 <= k <= max_k:
        raise BadInput(f"k 须在 1 到 {max_k} 之间，收到 {k}。")
    return k


def check_mode(mode: str) -> str:
    if mode not in ("hybrid", "bm25", "dense"):
        raise BadInput(f"检索模式 {mode!r} 无效：可选 hybrid、bm25、dense。")
    return mode
