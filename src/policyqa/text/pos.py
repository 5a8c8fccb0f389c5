"""Words with their part of speech, as jieba's tagger cuts a text."""

from __future__ import annotations

import threading

import jieba.posseg  # type: ignore[import-untyped]

_pos_lock = threading.Lock()  # jieba's lazy initialisation is not thread-safe


def words(text: str) -> list[tuple[str, str, int]]:
    """(word, part of speech, start offset) as jieba's tagger cuts ``text``."""
    with _pos_lock:
        pairs = [(w.word, w.flag) for w in jieba.posseg.cut(text)]
    out, pos = [], 0
    for w, flag in pairs:
        out.append((w, flag, pos))
        pos += len(w)
    return out
