"""The evaluation: metric functions on hand-made rankings, gold-set parsing, the
``policyqa eval`` command with its report, and the regression guard against
eval/baseline.json."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from support import REPO as ROOT

from policyqa.cli import main
from policyqa.errors import BadInput, PolicyQAError
from policyqa.evaluation import gold, history, metrics, run
from policyqa.settings import load_settings

SAMPLE = ROOT / "eval" / "gold" / "sample.jsonl"
BASELINE = ROOT / "eval" / "baseline.json"

G = ["甲乙丙丁戊己庚辛壬癸", "子丑寅卯辰巳午未申酉"]


# ----------------------------------------------------------------- metric functions


def test_whitespace_is_ignored_on_both_sides():
    assert metrics.is_relevant("……甲乙丙 丁戊\n己庚辛壬癸……", G)
    assert metrics.is_relevant("甲乙丙丁戊己庚辛壬癸", ["甲乙丙\u3000丁戊己 庚辛壬癸"])
    assert not metrics.is_relevant("甲乙丙丁戊己庚辛壬", G)  # one character short
    assert metrics.strip_ws(" a\tb\u3000c\n") == "abc"


def test_relevant_if_any_gold_string_is_contained():
    assert metrics.relevance(["无关", "…子丑寅卯辰巳午未申酉…", "甲乙丙丁戊己庚辛壬癸"], G) == [
        False,
        True,
        True,
    ]
    assert not metrics.is_relevant("任何文字", [])


def test_hit_at_k():
    rels = [False, False, True, False]
    assert metrics.hit_at_k(rels, 1) == 0.0
    assert metrics.hit_at_k(rels, 2) == 0.0
    assert metrics.hit_at_k(rels, 3) == 1.0
    assert metrics.hit_at_k(rels, 10) == 1.0
    assert metrics.hit_at_k([], 5) == 0.0


def test_recall_at_k_counts_gold_strings_not_passages():
    passages = ["x", G[0], "y", G[0] + G[1]]
    assert metrics.recall_at_k(passages, G, 1) == 0.0
    assert metrics.recall_at_k(passages, G, 2) == 0.5
    assert metrics.recall_at_k(passages, G, 4) == 1.0
    assert metrics.recall_at_k([G[0]], [G[0], "没有的句子"], 5) == 0.5


def test_reciprocal_rank_and_first_rank():
    assert metrics.reciprocal_rank([True]) == 1.0
    assert metrics.reciprocal_rank([False, False, True]) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank([False] * 10 + [True]) == 0.0  # beyond @10
    assert metrics.reciprocal_rank([False, True], k=1) == 0.0
    assert metrics.first_relevant_rank([False, True, True]) == 2
    assert metrics.first_relevant_rank([False]) is None


def test_ndcg_binary():
    assert metrics.ndcg_at_k([True, False, False], 10, n_relevant=1) == 1.0
    assert metrics.ndcg_at_k([False, True], 10, n_relevant=1) == pytest.approx(1 / math.log2(3))
    # two relevant passages exist; only one retrieved, at rank 1
    ideal = 1 + 1 / math.log2(3)
    assert metrics.ndcg_at_k([True, False], 10, n_relevant=2) == pytest.approx(1 / ideal)
    assert metrics.ndcg_at_k([False, False], 10, n_relevant=1) == 0.0
    assert metrics.ndcg_at_k([False, False], 10, n_relevant=0) == 0.0
    # a short count never lifts nDCG above 1
    assert metrics.ndcg_at_k([True, True], 10, n_relevant=1) == 1.0
    # relevance beyond the cut-off does not count
    assert metrics.ndcg_at_k([False] * 10 + [True], 10, n_relevant=1) == 0.0


def test_cross_document_needs_every_named_document():
    passages = [G[0], "无关", G[1]]
    docs = ["a", "b", "b"]
    assert metrics.docs_hit_at_k(passages, docs, G, ["a", "b"], 3) == 1.0
    assert metrics.docs_hit_at_k(passages, docs, G, ["a", "b"], 2) == 0.0  # b's gold at rank 3
    # a relevant passage only counts for the document it comes from
    assert metrics.docs_hit_at_k([G[0], G[1]], ["a", "a"], G, ["a", "b"], 5) == 0.0
    assert metrics.docs_hit_at_k(passages, docs, G, [], 3) == 0.0


def test_answer_correct():
    assert metrics.answer_correct("由 现代服务业局 牵头", False, ["现代服务业局"], True)
    assert metrics.answer_correct(
        "3个 以上，两江水土国际数据港", False, ["3个以上", "两江水土"], True
    )
    assert not metrics.answer_correct("3个以上", False, ["3个以上", "两江水土"], True)
    assert not metrics.answer_correct("现代服务业局", True, ["现代服务业局"], True)
    assert metrics.answer_correct("未找到", True, [], False)
    assert not metrics.answer_correct("一段实质性回答", False, [], False)


def test_mean():
    assert metrics.mean([]) is None
    assert metrics.mean([1.0, 0.0, 0.5]) == 0.5


# ----------------------------------------------------------------- input checking


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_gold_reads_the_sample():
    items = gold.load_gold([SAMPLE])
    assert len(items) == 40
    assert {it.source for it in items} == {"eval/gold/sample.jsonl"}
    assert sum(not it.answerable for it in items) == 2


@pytest.mark.parametrize(
    "line, message",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"id": "x"}', "missing field"),
        (
            '{"id":"x","question":"q","lang":"zh","type":"nope","doc":[],"gold":[],'
            '"answer":[],"note":""}',
            "unknown type",
        ),
        (
            '{"id":"x","question":"q","lang":"zh","type":"fact","doc":[],"gold":[],'
            '"answer":[],"note":""}',
            "needs non-empty",
        ),
        (
            '{"id":"x","question":"q","lang":"zh","type":"fact","doc":"a","gold":["g"],'
            '"answer":[],"note":""}',
            "list of strings",
        ),
    ],
)
def test_bad_gold_lines_name_file_and_line(tmp_path, line, message):
    path = _write(
        tmp_path / "bad.jsonl", [SAMPLE.read_text(encoding="utf-8").splitlines()[0], line]
    )
    with pytest.raises(BadInput, match=message) as err:
        gold.load_gold([path])
    assert f"{path}:2" in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_and_duplicate_gold(tmp_path):
    with pytest.raises(BadInput, match="does not exist"):
        gold.load_gold([tmp_path / "nope.jsonl"])
    with pytest.raises(BadInput, match="duplicate id"):
        gold.load_gold([SAMPLE, SAMPLE])
    with pytest.raises(BadInput, match="no items"):
        gold.load_gold([_write(tmp_path / "empty.jsonl", [""])])


def test_modes_and_ks_are_checked():
    assert gold.parse_modes("hybrid, bm25") == ("hybrid", "bm25")
    assert gold.parse_ks("10,1,5,5", 50) == (1, 5, 10)
    for bad in ("hybrid,sparse", "", ","):
        with pytest.raises(BadInput):
            gold.parse_modes(bad)
    for bad in ("1,five", "0,5", "1,500", "", "1.5"):
        with pytest.raises(BadInput):
            gold.parse_ks(bad, 50)


def test_default_gold_paths(tmp_path):
    s = load_settings(environ={}, eval_dir=tmp_path / "a" / "eval")
    assert gold.default_gold_paths(s) == [tmp_path / "a" / "eval" / "gold" / "sample.jsonl"]
    folder = tmp_path / "a" / "eval" / "gold"
    folder.mkdir(parents=True)
    (folder / "dev.jsonl").write_text("", encoding="utf-8")
    (folder / "heldout.jsonl").write_text("", encoding="utf-8")
    assert gold.default_gold_paths(s) == [folder / "dev.jsonl", folder / "heldout.jsonl"]


def test_history_deltas(tmp_path):
    path = tmp_path / "history.jsonl"
    one = {"sets": ["a"], "modes": {"hybrid": {"hit@5": 0.5, "mrr@10": 0.4}}}
    other = {"sets": ["b"], "modes": {"hybrid": {"hit@5": 0.9, "mrr@10": 0.9}}}
    assert history.previous_entry(path, ["a"]) is None
    history.append_history(path, one)
    history.append_history(path, other)
    with path.open("a", encoding="utf-8") as f:
        f.write("not json\n")
    prev = history.previous_entry(path, ["a"])
    cur = {"sets": ["a"], "modes": {"hybrid": {"hit@5": 0.6, "mrr@10": 0.35}, "bm25": {}}}
    assert history.deltas(prev, cur) == {"hybrid": {"hit@5": 0.1, "mrr@10": -0.05}}
    assert history.deltas(None, cur) == {}


# ----------------------------------------------------------------- the command


def _subset(tmp_path: Path) -> Path:
    """A few sample items covering the special cases: cross-document, unanswerable,
    English and clause lookups."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    items = [json.loads(x) for x in lines]
    keep: list[str] = []
    for t in (
        "lead_department",
        "cross_document",
        "unanswerable",
        "cross_lingual",
        "clause_lookup",
    ):
        keep += [x for x, it in zip(lines, items, strict=True) if it["type"] == t][:1]
    return _write(tmp_path / "subset.jsonl", keep)


def test_eval_command_writes_report_and_history(tmp_path, index_settings, monkeypatch, capsys):
    monkeypatch.setenv("POLICYQA_EVAL_DIR", str(tmp_path / "eval"))
    qa, out = _subset(tmp_path), tmp_path / "report"
    argv = ["eval", "--index-dir", str(index_settings.index_dir), "--qa", str(qa)]
    history = tmp_path / "eval" / "history.jsonl"
    assert main([*argv, "--report", str(out)]) == 0
    assert not history.exists()  # a plain run changes no file but the report it was asked for
    assert main([*argv, "--report", str(out), "--record"]) == 0
    text = capsys.readouterr().out
    assert "hybrid" in text and "hit@5" in text and "no earlier run" in text
    for name in ("report.json", "report.html", *ev_plots()):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["modes"] == ["bm25", "dense", "hybrid"]
    assert report["counts"] == {
        "items": 5,
        "answerable": 4,
        "by_type": {
            "lead_department": 1,
            "cross_document": 1,
            "unanswerable": 1,
            "cross_lingual": 1,
            "clause_lookup": 1,
        },
    }
    overall = report["retrieval"]["hybrid"]["overall"]
    for key in ("hit@1", "hit@5", "hit@10", "recall@5", "mrr@10", "ndcg@10", "chars@5"):
        assert overall[key] is not None
    assert overall["chars@5"] > 0
    by_lang = report["retrieval"]["hybrid"]["by_lang"]
    assert {lang: g["n"] for lang, g in by_lang.items()} == {"en": 1, "zh": 3}
    assert report["answers"]["by_type"]["unanswerable"]["n"] == 1
    fitted = report["answers"]["answerability"]
    assert fitted["reliability"] and fitted["trade_off"] and "false_not_found" in fitted["cv"]
    page = (out / "report.html").read_text(encoding="utf-8")
    for png in ev_plots():
        assert f"src='{png}'" in page  # relative, so the folder works offline
    assert "Answerability: predicted" not in page  # plot titles are in the PNGs, not the page
    assert "<h2>Answerability</h2>" in page and "false not-found" in text
    assert "http://" not in page and "https://" not in page

    assert len(history.read_text(encoding="utf-8").splitlines()) == 1
    assert main([*argv, "--modes", "hybrid", "--k", "1,3", "--json", "--record"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert set(again["delta_vs_previous"]) == {"hybrid"}
    assert again["ks"] == [1, 3, 5]
    assert len(history.read_text(encoding="utf-8").splitlines()) == 2


def ev_plots() -> list[str]:
    from policyqa.evaluation.calibration_report import PLOTS as FITTED
    from policyqa.evaluation.html_report import PLOTS

    return [*PLOTS.values(), *FITTED.values()]


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--qa", "/nonexistent/gold.jsonl"], "does not exist"),
        (["--modes", "hybrid,sparse"], "--modes"),
        (["--k", "1,x"], "--k"),
    ],
)
def test_eval_command_bad_input_is_one_line(tmp_path, monkeypatch, capsys, extra, message):
    monkeypatch.setenv("POLICYQA_EVAL_DIR", str(tmp_path / "eval"))
    assert main(["eval", *extra]) != 0
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and "Traceback" not in err


def test_bad_gold_line_is_policyqa_error(tmp_path):
    path = _write(tmp_path / "x.jsonl", ["{"])
    with pytest.raises(PolicyQAError):
        gold.load_gold([path])


# ----------------------------------------------------------------- regression guard


def test_retrieval_does_not_regress_below_baseline(engine):
    """Hybrid hit@5 and MRR@10 on the committed gold set stay within 0.02 of
    eval/baseline.json. Update the baseline deliberately, in the same commit as the change
    that moves it (see eval/README.md)."""
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    paths = gold.default_gold_paths(engine.settings.with_overrides(eval_dir=ROOT / "eval"))
    items = gold.load_gold(paths)
    sets = sorted({it.source for it in items})
    assert sets == baseline["sets"], "gold sets changed: re-measure and update eval/baseline.json"
    report = run.evaluate(engine, items, modes=("hybrid",), answers=False)
    got = report["retrieval"]["hybrid"]["overall"]
    tol = baseline.get("tolerance", 0.02)
    for metric in ("hit@5", "mrr@10"):
        want = baseline["modes"]["hybrid"][metric]
        assert got[metric] >= want - tol, (
            f"hybrid {metric} fell to {got[metric]:.3f} (baseline {want:.3f}, tolerance {tol})"
        )
