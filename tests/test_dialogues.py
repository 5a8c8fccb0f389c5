"""The two-turn dialogue sets: follow-ups right on dev and held-out, fresh questions fresh,
and ``policyqa eval`` reporting them beside the single questions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import REPO

from policyqa.cli import main
from policyqa.evaluation.dialogues import evaluate_dialogues, load_dialogues

SETS = {name: REPO / "eval" / "dialogues" / f"{name}.jsonl" for name in ("dev", "heldout")}
BAR = 0.85  # share of follow-ups answered right with the first turn as history


@pytest.fixture(scope="module")
def report(engine) -> dict:
    return evaluate_dialogues(engine, load_dialogues(list(SETS.values())), alone=False)


@pytest.mark.parametrize("name", SETS)
def test_follow_ups_are_right(report, name: str) -> None:
    s = report["sets"][f"eval/dialogues/{name}.jsonl"]
    wrong = [(w["id"], w["resolved_question"]) for w in s["wrong"] if w["kind"] != "fresh"]
    assert s["follow_ups"]["right"] >= BAR, wrong


@pytest.mark.parametrize("name", SETS)
def test_fresh_questions_inherit_nothing(report, name: str) -> None:
    s = report["sets"][f"eval/dialogues/{name}.jsonl"]
    assert s["by_kind"]["fresh"]["n"] >= 4
    assert s["fresh_inherited"] == 0
    fresh = [r for r in report["items"] if r["kind"] == "fresh" and name in r["set"]]
    assert all(r["resolved_question"] == r["question"] for r in fresh)


def test_eval_reports_dialogues(tmp_path: Path, index_settings, monkeypatch, capsys) -> None:
    monkeypatch.setenv("POLICYQA_EVAL_DIR", str(tmp_path / "eval"))
    dev = SETS["dev"].read_text(encoding="utf-8").splitlines()
    chats = tmp_path / "two.jsonl"
    chats.write_text(dev[6] + "\n" + dev[31] + "\n", encoding="utf-8")  # dd-007, dd-032
    qa = tmp_path / "qa.jsonl"
    qa.write_text((REPO / "eval" / "gold" / "sample.jsonl").read_text().splitlines()[0] + "\n")
    argv = ["eval", "--index-dir", str(index_settings.index_dir), "--qa", str(qa)]
    assert main([*argv, "--dialogues", str(chats), "--modes", "hybrid", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)["dialogues"]
    s = next(iter(out["sets"].values()))
    assert s["by_kind"]["ellipsis"] == {
        "n": 1,
        "right": 1.0,
        "right_alone": 0.0,
        "first_right": 1.0,
    }
    assert s["by_kind"]["fresh"]["right"] == 1.0 and s["fresh_inherited"] == 0
    assert main([*argv, "--dialogues", str(chats), "--modes", "hybrid"]) == 0
    text = capsys.readouterr().out
    assert "dialogues (follow-up right with history" in text and "ellipsis" in text
