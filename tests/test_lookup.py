import pytest

from policyqa.engine import Engine
from policyqa.errors import UnknownClause
from policyqa.retrieve.mentions import document_mentions, named_documents
from policyqa.text.numerals import cn_to_int, int_to_cn


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("二十七", 27),
        ("十", 10),
        ("三十八", 38),
        ("27", 27),
        ("１２", 12),
        ("一百零五", 105),
        ("第", None),
    ],
)
def test_numerals(text: str, value: int | None) -> None:
    assert cn_to_int(text) == value


def test_numerals_round_trip() -> None:
    assert all(cn_to_int(int_to_cn(n)) == n for n in range(1, 100))


@pytest.mark.parametrize(
    ("ref", "clause_ids"),
    [
        ("两江新区实施方案第27条", ["liangjiang-2023:27"]),
        ("两江新区实施方案第二十七条讲什么", ["liangjiang-2023:27"]),
        ("2023—2027年行动方案第三十八条", ["action-2023:38"]),
        ("2026—2030年行动方案 第十三条", ["action-2026:13"]),
        ("liangjiang-2023:27", ["liangjiang-2023:27"]),
        ("发展能级提升行动方案指标表第7项", ["action-2026:table.7"]),
        ("规划纲要第九章第一节第1段", ["outline:9.1.1"]),
        ("重庆都市圈规划第三章第1段", ["metro:3.0.1"]),  # the chapter's own, not a section's
    ],
)
def test_references_resolve_exactly(engine: Engine, ref: str, clause_ids: list[str]) -> None:
    assert [c.clause_id for c in engine.lookup(ref).clauses] == clause_ids


def test_a_section_reference_gives_the_sections_clauses(engine: Engine) -> None:
    ids = [c.clause_id for c in engine.lookup("规划纲要第六章第二节").clauses]
    assert ids and all(i.startswith("outline:6.2.") for i in ids)
    assert ids == sorted(ids, key=lambda i: int(i.rsplit(".", 1)[1]))


def test_a_section_known_only_from_the_contents(engine: Engine) -> None:
    res = engine.lookup("都市圈发展规划第六章第三节")
    assert [c.clause_id for c in res.clauses] == ["metro:6.3.0"]
    # where its paragraphs went cannot be told: the chapter is offered beside the title
    assert res.candidates and all(c.path[0] == 6 for c in res.candidates)
    hits = engine.search("都市圈发展规划第六章第三节是关于什么的？", k=5)
    assert hits[0].clause.clause_id == "metro:6.3.0" and hits[0].exact
    assert hits[1].clause.path[0] == 6 and not hits[1].exact


def test_unknown_article_names_close_matches(engine: Engine) -> None:
    with pytest.raises(UnknownClause) as err:
        engine.lookup("两江新区实施方案第99条")
    assert "liangjiang-2023:40" in err.value.candidates


def test_ambiguous_reference_offers_each_documents_clause(engine: Engine) -> None:
    with pytest.raises(UnknownClause) as err:
        engine.lookup("第27条")
    assert {"liangjiang-2023:27", "action-2023:27", "action-2026:27"} <= set(err.value.candidates)


def test_documents_named_in_questions(engine: Engine) -> None:
    docs = engine.documents
    assert named_documents("规划纲要和重庆都市圈发展规划分别怎么说", docs) == ["outline", "metro"]
    assert named_documents("两江新区双城经济圈专项行动实施方案的第40条", docs) == [
        "liangjiang-2023"
    ]
    assert named_documents("重庆双城经济圈建设行动方案（2023—2027年）第19条", docs) == [
        "action-2023"
    ]
    assert named_documents("到2030年研发经费投入强度是多少", docs) == []
    m = document_mentions("按2026—2030年行动方案，6G什么时候商用？", docs)
    assert m.doc_ids == ["action-2026"] and m.without_names(
        "按2026—2030年行动方案，6G什么时候商用？"
    ) == ("按 6G什么时候商用？")


@pytest.mark.parametrize(
    ("question", "rest"),
    [
        ("重庆2023—2027这一轮方案打算把差距收窄到什么程度？", "重庆 打算把差距收窄到什么程度？"),
        ("6G什么时候商用？2026—2030年方案怎么说？", "6G什么时候商用？ 怎么说？"),
        # content words after a name stay in the question
        ("两江新区规划建设哪些项目", "规划建设哪些项目"),
    ],
)
def test_generic_words_after_a_name_go_with_it(engine: Engine, question: str, rest: str) -> None:
    mentions = document_mentions(question, engine.documents)
    assert len(mentions.doc_ids) == 1
    assert mentions.without_names(question) == rest


def test_one_detector_two_uses(engine: Engine) -> None:
    docs = engine.documents
    question = "规划纲要和都市圈分别怎么说"
    # retrieval restricts its search: a short name settles it, an alias is not trusted
    assert document_mentions(question, docs).doc_ids == ["outline"]
    # an answer comparing documents wants every one the question names
    assert document_mentions(question, docs, every_alias=True).doc_ids == ["outline", "metro"]
    # in order of first mention, whichever name is longer
    text = (
        "2023-2027年行动方案和重庆都市圈发展规划，"
        "还有重庆市推动成渝地区双城经济圈建设行动方案（2023—2027年）"
    )
    assert document_mentions(text, docs).doc_ids == ["action-2023", "metro"]
