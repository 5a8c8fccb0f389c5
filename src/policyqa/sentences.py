"""Sentences of a clause, as the answer step quotes them."""

from __future__ import annotations

import re

# a sentence with its closing 。！？； (the chunker splits long clauses on the same ends)
SENTENCE = re.compile(r"[^。！？；]*[。！？；]+|[^。！？；]+$")


def sentences(text: str) -> list[str]:
    """Split at 。！？； keeping the punctuation; blank pieces dropped."""
    return [s.strip() for s in SENTENCE.findall(text) if s.strip()]
