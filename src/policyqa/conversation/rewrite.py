"""A language model's rewrite of a follow-up, when one is configured (``llm_base_url``,
``llm_model``): it may word the self-contained question better than the rules.

Its rewrite goes through the same checks as everything a model says here: it must be one
short question; every document, year and figure it names, and nearly every word, must come
from the follow-up or the turn before (nothing added from the model's own knowledge); and
it must keep the follow-up's own words. Which clauses may answer (the scope of a
coreference or continuation) stays the rules' reading. A question the rules read as fresh
is not sent: a rewrite could only add context it must not inherit. On an error, a timeout
or a failed check the rule-based reading stands.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace

from ..answer.kinds import years
from ..answer.llm import chat
from ..engine import Engine
from ..retrieve.mentions import document_mentions
from ..text.language import is_english
from .history import Turn
from .resolve import FollowUp, Reading

log = logging.getLogger(__name__)

SYSTEM = (
    "你负责改写对话中的追问。根据上一轮的问题和回答，把追问改写成一个意思完整、"
    "可以单独理解的问题。只输出改写后的问题本身，不要回答，不要解释。"
    "只能使用对话中已经出现的文件名、年份、地名、指标和数字，不得添加任何新内容。"
)
MAX_ANSWER_CHARS = 300  # of the earlier answer shown to the model
MIN_KNOWN_SHARE = 0.8  # of the rewrite's words that must come from the conversation
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_LABEL = re.compile(
    r"^\s*(?:改写(?:后的问题)?|问题|Rewritten(?: question)?|Question)\s*[:：]\s*", re.I
)


def messages(question: str, history: Sequence[Turn]) -> list[dict[str, str]]:
    before = history[-1]
    cited = "；".join(c.citation for c in before.citations[:3] if c.citation)
    user = (
        f"上一轮问题：{before.read_as}\n"
        f"上一轮回答：{before.answer[:MAX_ANSWER_CHARS]}\n"
        + (f"上一轮引用：{cited}\n" if cited else "")
        + f"追问：{question}\n改写后的问题："
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def clean_reply(reply: str) -> str:
    """The first non-empty line, without a label or quotes around it."""
    line = next((x.strip() for x in reply.splitlines() if x.strip()), "")
    return _LABEL.sub("", line).strip(" \"'“”「」`*")


def check(candidate: str, question: str, history: Sequence[Turn], engine: Engine,
          reading: Reading) -> str | None:  # fmt: skip
    """Why the rewrite is refused, or None when it passes."""
    if not candidate or len(candidate) > engine.settings.max_question_chars:
        return "empty or too long"
    if "\n" in candidate or candidate == question:
        return "not a rewrite"
    before = history[-1]
    known = " ".join(
        [question, before.read_as, before.question, before.answer]
        + [c.citation + c.text for c in before.citations]
    )
    docs = engine.documents
    allowed = set(document_mentions(known, docs, every_alias=True).doc_ids)
    allowed |= {c.clause_id.split(":")[0] for c in before.citations}
    if not set(document_mentions(candidate, docs, every_alias=True).doc_ids) <= allowed:
        return "names another document"
    if not set(years(candidate)) <= set(years(known)) | set(_NUMBER.findall(known)):
        return "names another year"
    if not set(_NUMBER.findall(candidate)) <= set(_NUMBER.findall(known)):
        return "names a figure not in the conversation"
    tokenize = engine.index.tokenizer.tokenize
    words = set(tokenize(candidate))
    seen = set(tokenize(known))
    if words and len(words & seen) / len(words) < MIN_KNOWN_SHARE:
        return "adds words not in the conversation"
    if reading.slot and reading.slot not in candidate:
        return "drops the follow-up's own words"
    return None


def rewrite(question: str, history: Sequence[Turn], engine: Engine, reading: Reading) -> Reading:
    """The model's checked rewrite as the reading's question, else ``reading`` itself."""
    s = engine.settings
    if not (s.llm_base_url and s.llm_model) or not history or reading.kind == FollowUp.FRESH:
        return reading
    try:
        candidate = clean_reply(chat(s, messages(question, history)))
    except Exception as err:  # noqa: BLE001 - any failure: the rule-based reading stands
        log.warning("language model rewrite failed (%s); using the rule-based reading", err)
        return reading
    if is_english(question) != is_english(candidate):
        why: str | None = "answers in another language"
    else:
        why = check(candidate, question, history, engine, reading)
    if why is not None:
        log.info("rewrite %r refused (%s); using the rule-based reading", candidate, why)
        return reading
    return replace(reading, resolved=candidate, query=candidate, source="llm")
