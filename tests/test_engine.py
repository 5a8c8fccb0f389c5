"""Retrieval on the real corpus with the real model: questions officials ask."""

import pytest

from policyqa.engine import Engine
from policyqa.errors import BadInput, UnknownDocument


@pytest.mark.parametrize(
    ("question", "clause_id"),
    [
        ("两江新区推进西部陆海新通道建设由哪个部门牵头？", "liangjiang-2023:27"),
        ("到2030年重庆研发经费投入强度目标是多少？", "action-2026:table.7"),
        ("两江新区实施方案第27条", "liangjiang-2023:27"),
        ("2023—2027年行动方案第三十八条讲了什么", "action-2023:38"),
        ("中欧班列（成渝）开行量的目标", "action-2026:table.15"),
    ],
)
def test_question_finds_its_clause_first(engine: Engine, question: str, clause_id: str) -> None:
    assert engine.search(question, k=5)[0].clause.clause_id == clause_id


def test_english_question_finds_the_corridor_clauses(engine: Engine) -> None:
    hits = engine.search("Which body leads the Western Land-Sea corridor task in Liangjiang?", k=5)
    assert "liangjiang-2023:27" in [h.clause.clause_id for h in hits]


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_modes_report_their_ranks(engine: Engine, mode: str) -> None:
    hits = engine.search("两江新区推进西部陆海新通道建设由哪个部门牵头？", k=5, mode=mode)
    assert hits[0].clause.clause_id == "liangjiang-2023:27"
    if mode != "dense":
        assert hits[0].bm25_rank is not None
    if mode != "bm25":
        assert hits[0].dense_rank is not None
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_results_are_whole_unique_clauses(engine: Engine) -> None:
    hits = engine.search("推动成渝地区双城经济圈建设", k=20)
    ids = [h.clause.clause_id for h in hits]
    assert len(ids) == len(set(ids)) == 20
    assert all("#" not in i for i in ids)


def test_document_filter(engine: Engine) -> None:
    hits = engine.search("西部陆海新通道", k=10, docs=["outline"])
    assert hits and {h.clause.doc_id for h in hits} == {"outline"}
    with pytest.raises(UnknownDocument):
        engine.search("西部陆海新通道", docs=["nope"])


def test_cross_document_question_covers_both_documents(engine: Engine) -> None:
    hits = engine.search(
        "流域水环境综合治理试点，规划纲要和重庆都市圈发展规划分别点名了哪些流域？", k=5
    )
    assert {"outline", "metro"} <= {h.clause.doc_id for h in hits[:2]}


@pytest.mark.parametrize("bad", ["", "   ", "问题\x00", "长" * 501])
def test_bad_questions_are_refused(engine: Engine, bad: str) -> None:
    with pytest.raises(BadInput):
        engine.search(bad)


@pytest.mark.parametrize("k", [0, -1, 51])
def test_k_is_bounded(engine: Engine, k: int) -> None:
    with pytest.raises(BadInput):
        engine.search("西部陆海新通道", k=k)


def test_top5_passages_are_short(engine: Engine) -> None:
    lengths = [len(h.clause.text) for h in engine.search("推动西部陆海新通道建设", k=5)]
    assert sum(lengths) / len(lengths) <= 600


def test_neighbours_and_outline(engine: Engine) -> None:
    prev, nxt = engine.neighbours("liangjiang-2023:27")
    assert prev is not None and prev.clause_id == "liangjiang-2023:2.8.p1"
    assert nxt is not None and nxt.clause_id == "liangjiang-2023:28"
    outline = engine.outline("liangjiang-2023")
    assert any("（八）打造内陆开放门户专项行动" in n.heading for n in outline)


@pytest.mark.parametrize("docs", [["metro"], ["outline"]])
def test_an_english_question_asked_of_chosen_documents_cites_only_them(engine, docs) -> None:
    """The answer's own extra searches (an English question's, inside the documents it
    names) stay inside the documents the question was asked of."""
    a = engine.ask(
        "Which department leads the New International Land-Sea Trade Corridor work?", docs=docs
    )
    assert not a.abstained
    assert {c.clause_id.split(":")[0] for c in (*a.citations, *a.related)} == set(docs)
