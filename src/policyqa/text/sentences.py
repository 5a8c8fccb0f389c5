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
