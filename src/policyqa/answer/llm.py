"""Optional rephrasing by a language model at an OpenAI-compatible endpoint.

Off unless ``llm_base_url`` and ``llm_model`` are set. The model sees the extractive
answer and the clauses it cites, and must cite clause ids like ``[doc-id:27]``.
Its reply is verified sentence by sentence (:func:`policyqa.verify.sentence_ok`): a
sentence without a citation, citing an unknown clause, or quoting 「…」/“…” words that
are not in the cited clause is dropped. Any error, timeout or empty result falls back to
the extractive answer with a logged warning.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..settings import Settings
from ..text.sentences import REPLY_SENTENCE
from ..types import Answer, Citation, Clause
from .verify import sentence_ok

log = logging.getLogger(__name__)

_CITE = re.compile(r"\[([^\[\]\s]+:[^\[\]\s]+)\]")

SYSTEM = (
    "你是政策文件问答助手。只根据给出的条款改写答案，不得添加条款中没有的事实。"
    "每句话后用方括号注明所依据的条款编号（即条款前方括号中的编号）。"
    "直接引用条款原文时用「」括起来，引用的文字必须与条款原文一字不差。"
)


def endpoint(base_url: str) -> str:
    url = base_url.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    return url + ("/chat/completions" if url.endswith("/v1") else "/v1/chat/completions")


def prompt(answer: Answer, cited: Sequence[Clause]) -> list[dict[str, str]]:
    clauses = "\n\n".join(f"[{c.clause_id}] {c.citation}\n{c.text}" for c in cited)
    user = f"问题：{answer.question}\n\n摘录的答案：\n{answer.answer}\n\n条款：\n{clauses}"
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def chat(settings: Settings, messages: list[dict[str, str]]) -> str:
    """One chat completion; raises on any HTTP, network, timeout or format error."""
    body = json.dumps({"model": settings.llm_model, "messages": messages, "temperature": 0}).encode(
        "utf-8"
    )
    req = urllib.request.Request(
        endpoint(settings.llm_base_url),
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=settings.llm_timeout) as resp:
        data = json.loads(resp.read().decode("utf-8"))
    content = data["choices"][0]["message"]["content"]
    if not isinstance(content, str):
        raise ValueError("reply has no text content")
    return content


def verified_text(reply: str, clauses: Mapping[str, Clause]) -> tuple[str, list[str]]:
    """The reply's verified sentences with ids turned into citations, and the ids used."""
    kept: list[str] = []
    used: list[str] = []
    for m in REPLY_SENTENCE.finditer(reply):
        sentence = m.group(0).strip()
        if not sentence:
            continue
        ids = _CITE.findall(sentence)
        if not sentence_ok(sentence, ids, clauses):
            log.warning("dropped an unverified sentence from the language model: %r", sentence)
            continue
        text = _CITE.sub(lambda x: f"（{clauses[x.group(1)].citation}）", sentence)
        kept.append(re.sub(r"\s*(（《)", r"\1", text))
        used.extend(i for i in ids if i not in used)
    return "".join(kept), used


def rephrase(
    answer: Answer, cited: Sequence[Clause], clauses: Mapping[str, Clause], settings: Settings
) -> Answer:
    """The model's verified rephrasing of ``answer``, or ``answer`` itself on any failure."""
    if answer.abstained or not cited:
        return answer
    try:
        reply = chat(settings, prompt(answer, cited))
    except Exception as err:  # noqa: BLE001 - any failure means: keep the extractive answer
        log.warning("language model failed (%s); using the extractive answer", err)
        return answer
    text, used = verified_text(reply, clauses)
    if not text:
        log.warning("language model reply had no verified sentence; using the extractive answer")
        return answer
    cites = tuple(Citation(i, clauses[i].citation, clauses[i].text) for i in used)
    return replace(answer, answer=text, citations=cites)
