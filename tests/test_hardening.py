"""Bad input never escapes as anything but a PolicyQAError: validation, references, chunking.

Property-based (hypothesis) over arbitrary Unicode, control characters, mixed full-width and
half-width digits, the documents' own clause vocabulary, empty strings and (a few) 1 MB
inputs; plus the CLI's batch mode fed a 1 MB line on stdin.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from policyqa.engine import Engine
from policyqa.errors import BadInput, PolicyQAError
from policyqa.ingest.chunk import chunk_document, split_clause
from policyqa.ingest.clean import split_lines
from policyqa.ingest.corpus import SourceText
from policyqa.ingest.runin import contents, split_run_in
from policyqa.retrieve.mentions import document_mentions
from policyqa.retrieve.references import parse_reference, resolve
from policyqa.settings import Settings
from policyqa.text.normalize import clean_question
from policyqa.types import RETRIEVABLE, Document

FAST = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
MB = 1_000_000

# the vocabulary clause references and the documents are made of
TOKENS = [
    "第", "条", "章", "节", "段", "项", "一", "二", "三", "十", "百", "零", "〇", "两",
    "（", "）", "(", ")", "、", "。", "：", "；", "，", "—", "-", "至", "年",
    "0", "7", "27", "99", "999", "1000", "０", "２７", "９", "１０００",
    "两江新区实施方案", "规划纲要", "行动方案", "2026—2030年", "2023—2027年",
    "liangjiang-2023:", "outline:", ":27", ".1", "#", "article ", "Article 27",
    "目录", "前言", "第一章 总则", "第一节", "一、重点任务", "（八）", "牵头单位：", "文件下载",
    "[bookmark: x]", "**", "\u3000", "\ufeff", " ", "\t", "\n", "\r\n", "\r", "\x00",
    "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\ud7ff", "\U0001f600", "İ", "ß", "ǅ",
]  # fmt: skip
CONTROL = st.characters(min_codepoint=0, max_codepoint=0x9F)
ANY_TEXT = st.one_of(
    st.text(),
    st.text(alphabet=CONTROL),
    st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=3)), max_size=40).map("".join),
)


def _document(layout: str) -> Document:
    return Document(
        doc_id="synthetic",
        title="合成测试文件",
        short_names=("合成文件",),
        issuer="",
        doc_number="",
        date="",
        period="",
        file="synthetic.txt",
        seed_file="",
        layout=layout,
    )


def _chunk(raw: str, layout: str) -> None:
    toc: list = []
    if layout == "run-in":
        paras, _ = split_run_in(raw)
        toc = contents(raw)
    else:
        paras = split_lines(raw)
    for p in [*paras, *toc]:
        assert p.text and 0 <= p.start <= p.end <= len(raw)
    clauses = chunk_document(SourceText(_document(layout), raw, tuple(paras), 0, tuple(toc)))
    ids = [c.clause_id for c in clauses]
    assert len(ids) == len(set(ids)), ids
    for c in clauses:
        assert c.doc_id == "synthetic" and 0 <= c.start <= c.end <= len(raw)
        assert split_clause(c) or c.kind not in RETRIEVABLE


# ---------------------------------------------------------------- question validation


@FAST
@given(text=ANY_TEXT, limit=st.integers(1, 600))
@example(text="", limit=500)
@example(text="\x00", limit=500)
@example(text="１２３第２７条", limit=500)
def test_clean_question_returns_clean_text_or_bad_input(text: str, limit: int) -> None:
    try:
        out = clean_question(text, limit)
    except BadInput as err:
        assert str(err) and "\n" not in str(err)
        return
    assert out == out.strip() and 0 < len(out) <= limit
    assert not any(c in out for c in "０１２３４５６７８９")  # full-width digits are folded
    assert not any(ord(c) < 0x20 and c not in "\t\n\r" for c in out)


def test_clean_question_messages_are_chinese() -> None:
    for text, words in [("", "为空"), ("a\x00", "控制字符"), ("问" * 501, "过长")]:
        with pytest.raises(BadInput, match=words):
            clean_question(text, 500)
    assert clean_question("问" * 500, 500) == "问" * 500
    assert clean_question(" 第２７条 ", 500) == "第27条"


@pytest.mark.parametrize(
    "text",
    ["问" * MB, "a" * MB, "\x00" * MB, " " * MB, "第27条" * MB],
    ids=["han", "latin", "nul", "space", "reference"],
)
def test_clean_question_on_a_megabyte(text: str) -> None:
    t0 = time.perf_counter()
    with pytest.raises(BadInput):
        clean_question(text, 500)
    assert time.perf_counter() - t0 < 2


# ---------------------------------------------------------------- clause references


@FAST
@given(text=ANY_TEXT)
@example(text="")
@example(text="第百百百百百条")
@example(text="第〇条")
@example(text="两江新区实施方案第１０００条")
@example(text="liangjiang-2023:")
@example(text="İİİ两江新区实施方案第27条")
def test_reference_parser_never_crashes(engine: Engine, text: str) -> None:
    docs, clauses = engine.documents, engine.index.clauses
    ref = parse_reference(text, docs)
    assert ref.doc_id is None or ref.doc_id in {d.doc_id for d in docs}
    mentions = document_mentions(text, docs)
    assert isinstance(mentions.without_names(text), str)
    res = resolve(text, docs, engine.table)
    known = {c.clause_id for c in clauses}
    assert {c.clause_id for c in (*res.clauses, *res.candidates)} <= known
    try:
        found = engine.lookup(text)
    except PolicyQAError:
        return
    assert found.clauses


@pytest.mark.parametrize(
    "text",
    ["第" * MB, "第27条" * (MB // 4), "两江新区实施方案" * (MB // 8), "x" * MB + "第27条"],
    ids=["di", "article", "document-name", "latin-then-article"],
)
def test_reference_parser_on_a_megabyte(engine: Engine, text: str) -> None:
    t0 = time.perf_counter()
    resolve(text, engine.documents, engine.table)
    document_mentions(text, engine.documents)
    with pytest.raises(BadInput):
        engine.lookup(text)
    with pytest.raises(BadInput):
        engine.search(text)
    assert time.perf_counter() - t0 < 30


# ---------------------------------------------------------------- chunker


@FAST
@given(
    raw=st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)), max_size=120).map(
        "".join
    ),
    layout=st.sampled_from(["sections", "chapters", "run-in"]),
)
@example(raw="", layout="sections")
@example(raw="", layout="run-in")
@example(raw="目录\n第一章 总则\n前言\n前言\n第一章 总则\n文件下载", layout="run-in")
@example(raw="目录第一章总则第一节甲第一节甲前言前言第一章总则正文。", layout="run-in")
@example(raw="目录前言前言", layout="run-in")  # a contents with no entry
def test_chunker_never_crashes(raw: str, layout: str) -> None:
    _chunk(raw, layout)


@FAST
@given(raw=st.text())
def test_run_in_splitter_on_any_text(raw: str) -> None:
    paras, dropped = split_run_in(raw)
    assert dropped >= 0
    assert all(0 <= p.start <= p.end <= len(raw) for p in paras)


@pytest.mark.parametrize("layout", ["sections", "chapters", "run-in"])
@pytest.mark.parametrize(
    "raw",
    [
        "一、重点任务\n（一）推进建设。牵头单位：市发展改革委\n" * (MB // 24),
        "第一章 总则\n" + "第一节 目标\n" + "推进建设。" * (MB // 5),
        "\x00\r\n" * (MB // 3),
    ],
    ids=["sections-like", "one-long-paragraph", "control"],
)
def test_chunker_on_a_megabyte(raw: str, layout: str) -> None:
    t0 = time.perf_counter()
    _chunk(raw, layout)
    assert time.perf_counter() - t0 < 60


# ---------------------------------------------------------------- the CLI


def _cli(index_settings: Settings, *args: str, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "policyqa.cli", *args]
        + ["--index-dir", str(index_settings.index_dir), "--encoder", index_settings.encoder],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_cli_batch_survives_a_megabyte_line(index_settings: Settings) -> None:
    """Batch mode (no QUESTION: lines on stdin) reports a bad line and carries on: exit 0."""
    lines = ["研发经费投入强度", "问" * MB, "a\x01b", "两江新区实施方案第27条"]
    r = _cli(index_settings, "search", "-k", "2", stdin="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["query"] for o in out] == lines
    assert "results" in out[0] and "results" in out[3]
    assert "过长" in out[1]["error"] and "控制字符" in out[2]["error"]
    assert out[3]["results"][0]["clause_id"] == "liangjiang-2023:27"


def test_cli_megabyte_argument_is_one_line_and_nonzero(index_settings: Settings) -> None:
    r = _cli(index_settings, "search", "问" * 40_000)  # one argv string is at most 128 KiB
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("policyqa:") and "过长" in lines[0]
