from pathlib import Path

import pytest

from policyqa.ingest.chunk import MAX_CHUNK_CHARS, chunk_document, split_clause
from policyqa.ingest.corpus import load_documents, load_source
from policyqa.ingest.tags import lead_departments
from policyqa.types import Clause


@pytest.fixture(scope="module")
def clauses(corpus_dir: Path) -> dict[str, list[Clause]]:
    return {
        d.doc_id: chunk_document(load_source(corpus_dir, d)) for d in load_documents(corpus_dir)
    }


def articles(clauses: list[Clause]) -> list[int]:
    return [c.number for c in clauses if c.kind == "article"]  # type: ignore[misc]


@pytest.mark.parametrize(
    ("doc_id", "count"), [("liangjiang-2023", 40), ("action-2023", 56), ("action-2026", 32)]
)
def test_articles_are_numbered_in_order(clauses: dict, doc_id: str, count: int) -> None:
    assert articles(clauses[doc_id]) == list(range(1, count + 1))


def test_liangjiang_article_27(clauses: dict) -> None:
    c = next(c for c in clauses["liangjiang-2023"] if c.clause_id == "liangjiang-2023:27")
    assert c.lead_departments == ("自贸办",)
    assert c.title == "推动西部陆海新通道加快建设"
    assert c.citation == (
        "《两江新区推动成渝地区双城经济圈建设专项行动实施方案（2023—2027年）》二（八）第27条"
    )
    assert c.heading_path == ("二、重点任务", "（八）打造内陆开放门户专项行动。")


def test_several_lead_departments_are_split(clauses: dict) -> None:
    by_id = {c.clause_id: c for c in clauses["liangjiang-2023"]}
    assert by_id["liangjiang-2023:34"].lead_departments == (
        "教育局",
        "市场监管局",
        "社会保障局",
        "社会发展局",
    )
    assert by_id["liangjiang-2023:19"].lead_departments == ("规划自然资源局", "生态环境分局")
    assert by_id["liangjiang-2023:7"].lead_departments == ()


def test_lead_department_parser() -> None:
    assert lead_departments("……（牵头部门：产业促进局、统战部）") == ("产业促进局", "统战部")
    assert lead_departments("没有标注。") == ()


def test_page_breaks_inside_articles_are_joined(clauses: dict) -> None:
    by_id = {c.clause_id: c for c in clauses["action-2023"]}
    # article 5 runs over a page break in the source (…吞吐能力达到 / 120 万吨…)
    assert "机场旅客吞吐能力达到" in by_id["action-2023:5"].text
    assert "**" not in by_id["action-2023:9"].text


def test_indicator_table_rows(clauses: dict) -> None:
    rows = [c for c in clauses["action-2026"] if c.kind == "table_row"]
    numbered = [c.number for c in rows if c.path[1] == 0]
    assert numbered == list(range(1, 20))
    subs = [c.clause_id for c in rows if c.path[1] > 0]
    assert subs == ["action-2026:table.1.1", "action-2026:table.1.2", "action-2026:table.5.1"]
    r7 = next(c for c in rows if c.clause_id == "action-2026:table.7")
    assert r7.text.startswith("重庆研发经费投入强度（%） 3 3.25")
    assert "2027年目标3，2030年目标3.25" in r7.text
    assert "主要指标" in r7.citation
    r15 = next(c for c in rows if c.clause_id == "action-2026:table.15")
    assert r15.text.startswith("中欧班列（成渝）开行量（列） 4800以上 4800以上")


def test_outline_paragraph_ids_follow_chapters(clauses: dict) -> None:
    by_id = {c.clause_id: c for c in clauses["outline"]}
    c = by_id["outline:9.1.1"]
    assert c.heading_path == ("第九章 联手打造内陆改革开放高地", "第一节 加快构建对外开放大通道")
    assert c.citation.endswith("第九章第一节第1段")
    assert not any(c.text.startswith("- ") for c in clauses["outline"])  # contents skipped


def test_run_in_headings_are_recovered(clauses: dict) -> None:
    paths = {c.heading_path[:2] for c in clauses["metro"] if len(c.heading_path) >= 2}
    assert ("第九章 提升开放合作水平", "第一节 合力构建对外开放大通道") in paths
    assert ("第二章 总体要求", "第一节 指导思想") in paths
    assert not any("第一节合力构建对外开放大通道" in c.text for c in clauses["metro"])


def test_sections_the_page_never_heads_keep_their_title(corpus_dir: Path, clauses: dict) -> None:
    """004's scrape lost eight section headings from its body; its contents still name them."""
    headings = {c.clause_id: c for c in clauses["metro"] if c.kind == "heading"}
    assert len(headings) == 8
    c = headings["metro:6.3.0"]
    assert c.text == "营造良好创新生态"
    assert c.citation == "《重庆都市圈发展规划》第六章第三节"
    assert c.heading_path == ("第六章 协同提升科技创新水平", "第三节 营造良好创新生态")
    metro = next(d for d in load_documents(corpus_dir) if d.doc_id == "metro")
    raw = load_source(corpus_dir, metro).raw
    assert all(raw[h.start : h.end] == h.text for h in headings.values())  # in the contents
    assert not split_clause(c)  # a title alone is never a search result
    # only sections without a paragraph of their own get one
    headed = {x.path[:2] for x in clauses["metro"] if x.kind == "paragraph"}
    assert not headed & {h.path[:2] for h in headings.values()}
    # ordinals stay the document order
    assert [x.ordinal for x in clauses["metro"]] == list(range(len(clauses["metro"])))


def test_every_clause_is_cited_and_unique(clauses: dict) -> None:
    all_clauses = [c for cs in clauses.values() for c in cs]
    ids = [c.clause_id for c in all_clauses]
    assert len(ids) == len(set(ids))
    for c in all_clauses:
        assert c.citation.startswith("《") and c.text and c.end >= c.start


def test_long_clauses_split_at_sentence_ends() -> None:
    text = "".join(
        f"第{i}句话说明了一项很具体的政策内容，并且还要再多写一些字。" for i in range(60)
    )
    clause = Clause("x:1", "x", 0, "article", "第1条", "《X》第1条", (), text, 0, len(text))
    parts = split_clause(clause)
    assert len(parts) > 1
    assert all(len(p.text) <= MAX_CHUNK_CHARS and p.text.endswith("。") for p in parts)
    assert "".join(p.text for p in parts) == text
    assert {p.clause_id for p in parts} == {"x:1"}
