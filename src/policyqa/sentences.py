"""Sentences of a clause, as the answer step quotes them."""

from __future__ import annotations

import re

_SENT = re.compile(r"[^。！？；]*[。！？；]+|[^。！？；]+$")


def sentences(text: str) -> list[str]:
    """Split at 。！？； keeping the punctuation; blank pieces dropped."""
    return [s.strip() for s in _SENT.findall(text) if s.strip()]
