"""Sentences: of a clause (what the answer step quotes and the chunker splits long clauses
at) and of a language model's reply (which may end with a clause id in brackets)."""

from __future__ import annotations

import re

FULL_STOPS = "。！？"  # end a sentence in any text
CLAUSE_ENDS = FULL_STOPS + "；"  # a clause's parts separated by ； are quoted on their own

# a sentence with its closing punctuation
SENTENCE = re.compile(rf"[^{CLAUSE_ENDS}]*[{CLAUSE_ENDS}]+|[^{CLAUSE_ENDS}]+$")
FULL_STOP = re.compile(f"[{FULL_STOPS}]")
# a reply sentence: up to a full stop (Chinese or Latin) or a line end, with the bracketed
# citations that follow it
REPLY_SENTENCE = re.compile(rf"[^{FULL_STOPS}!?\n]+[{FULL_STOPS}!?]?(?:\s*\[[^\[\]\n]+\])*")


def sentences(text: str) -> list[str]:
    """Split at 。！？； keeping the punctuation; blank pieces dropped."""
    return [s.strip() for s in SENTENCE.findall(text) if s.strip()]


def run_on(piece: str, text: str, limit: int) -> str:
    """``piece`` of ``text`` (a part ending in ；) run on to the full stop that ends its
    sentence on the same line, when the whole sentence keeps within ``limit`` characters: a
    law's 款 often says who must act before the ； and what they must do after it."""
    start = text.find(piece)
    if start < 0 or not piece.endswith("；"):
        return piece
    line_end = text.find("\n", start)
    stop = FULL_STOP.search(text, start + len(piece), line_end if line_end >= 0 else len(text))
    whole = text[start : stop.end()] if stop else piece
    return whole if len(whole) <= limit else piece
