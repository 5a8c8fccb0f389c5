"""Abbreviations the corpus defines, and BM25 searching a name in both its forms."""

import pytest

from policyqa.engine import Engine
from policyqa.retrieve.abbreviations import Abbreviations

RCEP = ("区域全面经济伙伴关系协定", "RCEP")


def test_the_corpus_defines_rcep(engine: Engine) -> None:
    # metro defines it once: 《区域全面经济伙伴关系协定》（RCEP）; the other plans say RCEP only
    assert RCEP in engine.retriever.abbreviations.pairs


def test_definitions_need_a_delimited_name_and_a_latin_short_form() -> None:
    abbreviations = Abbreviations.from_texts(
        [
            "融入《区域全面经济伙伴关系协定》（RCEP）大市场",
            "推动“成渝地区双城经济圈”(CYEC)建设",
            "支持开展合格境内投资企业（QDIE）",  # where the name starts is not marked
            "建设重庆都市圈（以下简称都市圈）",  # not a Latin short form
        ]
    )
    assert abbreviations.pairs == [
        ("区域全面经济伙伴关系协定", "RCEP"),
        ("成渝地区双城经济圈", "CYEC"),
    ]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("两江新区如何落实RCEP？", ["区域全面经济伙伴关系协定"]),
        ("What does the plan say about rcep?", ["区域全面经济伙伴关系协定"]),
        ("《区域全面经济伙伴关系协定》有哪些安排？", ["RCEP"]),
        ("《区域全面经济伙伴关系协定》（RCEP）", []),  # both forms already there
        ("RCEPS和XRCEP不是它", []),  # only as a whole word
    ],
)
def test_other_forms(question: str, expected: list[str]) -> None:
    assert Abbreviations([RCEP]).other_forms(question) == expected


def test_bm25_finds_the_short_form_from_the_full_name(engine: Engine) -> None:
    """两江 and the 2023 plan say only "RCEP": the spelled-out name still reaches them."""
    question = "《区域全面经济伙伴关系协定》有哪些安排？"
    for doc in ("liangjiang-2023", "action-2023"):
        hits = engine.search(question, k=3, mode="bm25", docs=[doc])
        assert any("RCEP" in h.clause.text for h in hits), doc
    saved = engine.retriever.abbreviations
    engine.retriever.abbreviations = Abbreviations([])
    try:
        hits = engine.search(question, k=3, mode="bm25", docs=["liangjiang-2023"])
    finally:
        engine.retriever.abbreviations = saved
    assert not any("RCEP" in h.clause.text for h in hits)  # what the abbreviations change
