"""The command line as a user runs it: real processes, real index."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from policyqa.settings import Settings


def run(settings: Settings, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "POLICYQA_INDEX_DIR": str(settings.index_dir)}
    return subprocess.run(
        [sys.executable, "-m", "policyqa.cli", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_search_json(index_settings: Settings) -> None:
    out = run(
        index_settings,
        "search",
        "两江新区推进西部陆海新通道建设由哪个部门牵头？",
        "-k",
        "3",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    first = obj["results"][0]
    assert set(first) == {
        "rank",
        "clause_id",
        "doc_id",
        "citation",
        "heading_path",
        "text",
        "score",
        "bm25_rank",
        "dense_rank",
        "lead_departments",
        "status",
    }
    assert first["clause_id"] == "liangjiang-2023:27" and first["lead_departments"] == ["自贸办"]


def test_batch_from_stdin_keeps_order(index_settings: Settings) -> None:
    out = run(
        index_settings,
        "search",
        "-k",
        "1",
        stdin="两江新区实施方案第27条\n到2030年重庆研发经费投入强度目标是多少？\n",
    )
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [x["results"][0]["clause_id"] for x in lines] == [
        "liangjiang-2023:27",
        "action-2026:table.7",
    ]


def test_ask_json(index_settings: Settings) -> None:
    out = run(index_settings, "ask", "两江新区推进西部陆海新通道建设由哪个部门牵头？", "--json")
    obj = json.loads(out.stdout)
    assert {"question", "answer", "abstained", "citations"} <= set(obj)
    assert "自贸办" in obj["answer"]


def test_clause_reference(index_settings: Settings) -> None:
    out = run(index_settings, "clause", "两江新区实施方案第27条")
    assert out.returncode == 0 and "第27条" in out.stdout and "自贸办" in out.stdout


def test_clause_known_only_from_the_contents_says_so(index_settings: Settings) -> None:
    out = run(index_settings, "clause", "都市圈发展规划第六章第三节")
    assert out.returncode == 0
    assert "《重庆都市圈发展规划》第六章第三节" in out.stdout and "营造良好创新生态" in out.stdout
    assert "正文未标出该节" in out.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("clause", "两江新区实施方案第99条"),
        ("search", ""),
        ("search", "问题\x01"),
        ("search", "长" * 33_000),  # about 100 KB of UTF-8
        ("search", "通道", "--doc", "nope"),
        ("search", "通道", "-k", "abc"),
        ("frobnicate",),
    ],
)
def test_bad_input_is_one_line_and_nonzero(index_settings: Settings, args: tuple) -> None:
    out = run(index_settings, *args)
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("policyqa") and "Traceback" not in out.stderr


def test_missing_index_is_one_line(index_settings: Settings, tmp_path) -> None:
    out = run(index_settings.with_overrides(index_dir=tmp_path / "none"), "search", "通道")
    assert out.returncode != 0 and "policyqa index" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_an_index_folder_that_cannot_be_made_is_one_line_before_any_work(
    index_settings: Settings, tmp_path
) -> None:
    """An index folder under a file: one readable line, at once (nothing embedded first),
    and the corpus it would have indexed is untouched."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    corpus = tmp_path / "corpus"
    shutil.copytree(index_settings.corpus_dir, corpus)
    before = sorted((p.name, p.read_bytes()) for p in corpus.iterdir() if p.is_file())
    out = run(
        index_settings.with_overrides(index_dir=blocker / "index"),
        "index", "--quiet", "--corpus-dir", str(corpus),
    )  # fmt: skip
    assert out.returncode == 1, out.stderr
    [line] = out.stderr.strip().splitlines()
    assert line.startswith(f"policyqa: Not a directory: {blocker / 'index'}")
    assert sorted((p.name, p.read_bytes()) for p in corpus.iterdir() if p.is_file()) == before
