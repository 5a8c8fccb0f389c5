"""The two-turn dialogue sets: follow-ups right on dev and held-out, fresh questions fresh,
and ``policyqa eval`` reporting them beside the single questions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import REPO

from policyqa.cli import main
from policyqa.errors import BadInput
from policyqa.evaluation.dialogues import evaluate_dialogues, load_dialogues

NAMES = ("dev", "heldout", "dev-multi", "heldout-multi")
SETS = {name: REPO / "eval" / "dialogues" / f"{name}.jsonl" for name in NAMES}
# share of follow-ups answered right with the turns before as history: the goal on the
# two-turn sets; on the multi-turn sets (written later, by other hands) a guard one or two
# follow-ups under what they measured (dev-multi 0.833, heldout-multi 0.607 on 2026-12-02;
# dev-multi 0.900 on 2026-12-03)
BAR = {"dev": 0.85, "heldout": 0.85, "dev-multi": 0.75, "heldout-multi": 0.55}


@pytest.fixture(scope="module")
def report(engine) -> dict:
    return evaluate_dialogues(engine, load_dialogues(list(SETS.values())), alone=False)


@pytest.mark.parametrize("name", SETS)
def test_follow_ups_are_right(report, name: str) -> None:
    s = report["sets"][f"eval/dialogues/{name}.jsonl"]
    wrong = [(w["id"], w["resolved_question"]) for w in s["wrong"] if w["kind"] != "fresh"]
    assert s["follow_ups"]["right"] >= BAR[name], wrong


@pytest.mark.parametrize("name", SETS)
def test_fresh_questions_inherit_nothing(report, name: str) -> None:
    s = report["sets"][f"eval/dialogues/{name}.jsonl"]
    assert s["by_kind"]["fresh"]["n"] >= 3
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


def _turn(question: str, **extra: object) -> dict:
    return {"question": question, "type": "unanswerable", "doc": [], "gold": [], "answer": [],
            **extra}  # fmt: skip


def test_a_dialogue_may_run_several_turns_each_of_its_own_kind(tmp_path: Path) -> None:
    path = tmp_path / "multi.jsonl"
    rows = [
        {"id": "m-1", "kind": "ellipsis", "lang": "zh", "note": "", "turns": [
            _turn("甲？"), _turn("乙呢？", resolved="甲乙？"),
            _turn("另一件事？", kind="fresh", resolved="另一件事？"),
        ]},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    (d,) = load_dialogues([path])
    assert [f.kind for f in d.follow_ups] == ["ellipsis", "fresh"]
    assert d.second.question == "乙呢？" and d.resolved == "甲乙？"


@pytest.mark.parametrize(
    ("turns", "message"),
    [
        ([_turn("甲？")], "two or more turns"),
        ([_turn("甲？"), _turn("乙呢？", resolved="甲乙？"), _turn("丙呢？")], "turn 3 needs"),
        ([_turn("甲？"), _turn("乙呢？", resolved="甲乙？", kind="other")], "turn 2 has kind"),
    ],
)
def test_a_malformed_dialogue_is_refused_with_where(tmp_path: Path, turns, message) -> None:
    path = tmp_path / "bad.jsonl"
    row = {"id": "m-1", "kind": "ellipsis", "lang": "zh", "note": "", "turns": turns}
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", "utf-8")
    with pytest.raises(BadInput, match=message):
        load_dialogues([path])
