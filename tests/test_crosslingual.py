"""English questions: the CC-CEDICT lexicon built from the corpus, and BM25 through it."""

import pytest

from policyqa.engine import Engine
from policyqa.errors import ConfigError
from policyqa.index.lexicon import build_lexicon, dictionary_version
from policyqa.settings import load_settings
from policyqa.text.language import is_english

LINES = [
    "# CC-CEDICT header line\n",
    "產業 产业 [chan3 ye4] /industry/estate/property/industrial/\n",
    "國內生產總值 国内生产总值 [guo2 nei4] /gross domestic product (GDP)/\n",
    "重慶 重庆 [Chong2 qing4] /Chongqing city/CL:個|个[ge4]/\n",
    "銷售 销售 [xiao1 shou4] /to sell/variant of 消受/\n",
    "電腦 电脑 [dian4 nao3] /computer/\n",
]


def test_english_is_told_from_chinese() -> None:
    assert is_english("Which body leads the Western Land-Sea corridor task?")
    assert is_english("What does the 两江新区 plan say about 5G?")
    assert not is_english("力争国际客运航线实现RCEP成员国全覆盖")
    assert not is_english("6G什么时候商用？")


def test_lexicon_keeps_only_corpus_terms_and_real_glosses() -> None:
    lexicon = build_lexicon({"产业", "国内生产总值", "重庆", "销售"}, LINES)
    assert lexicon["industry"] == ["产业"] and lexicon["industrial"] == ["产业"]
    assert lexicon["gdp"] == ["国内生产总值"]  # the acronym in brackets
    assert lexicon["chongqing"] == ["重庆"]  # "Chongqing city" names the city
    assert lexicon["sell"] == ["销售"]  # "to" dropped
    assert "computer" not in lexicon  # 电脑 is not a corpus term
    assert not any(k.startswith(("cl", "variant")) for k in lexicon)


NAME_LINES = [
    "成都 成都 [Cheng2 du1] /Chengdu subprovincial city and capital of Sichuan province/\n",
    "程度 程度 [cheng2 du4] /degree (level or extent)/level/\n",
    "大竹 大竹 [Da4 zhu2] /Dazhu county in Dazhou 達州|达州[Da2 zhou1], Sichuan/\n",
    "中心 中心 [zhong1 xin1] /center/heart/core/\n",
]


def test_names_are_found_by_their_pinyin_and_never_by_where_they_are() -> None:
    lexicon = build_lexicon({"成都", "程度", "大竹", "两江", "中心"}, NAME_LINES)
    assert lexicon["chengdu"] == ["成都"]  # 程度 is asked for as "degree", not by its sound
    assert lexicon["degree"] == ["程度"]
    assert lexicon["dazhu"] == ["大竹"]
    assert lexicon["liangjiang"] == ["两江"]  # a name no dictionary entry has
    assert "sichuan" not in lexicon  # "…, Sichuan" says where 大竹 is, not what it is
    assert "zhongxin" not in lexicon  # 中心 is no name: it is asked for as "centre"


def test_a_compound_the_corpus_lacks_is_read_by_its_head() -> None:
    lines = [
        "國內生產總值 国内生产总值 [guo2 nei4] /gross domestic product (GDP)/\n",
        "不發達 不发达 [bu4 fa1 da2] /underdeveloped/\n",
    ]
    lexicon = build_lexicon({"生产总值", "发达"}, lines)
    assert lexicon["gdp"] == ["生产总值"]  # the corpus writes 地区生产总值
    assert "underdeveloped" not in lexicon  # 不发达 is not 发达


@pytest.mark.parametrize(
    ("question", "phrase", "term"),
    [
        ("Which innovation centres will be built?", "centres", "中心"),  # British, plural
        ("Which industries will be upgraded?", "upgraded", "升级"),  # past participle
        ("What environmental standards are unified?", "environmental", "环境"),  # adjective
        ("What does the plan say about Chengdu?", "chengdu", "成都"),  # a name, by pinyin
        ("What does the plan say about Sichuan?", "sichuan", "四川"),
        ("Which cities in north-western China?", "north western", "西北"),  # a compound apart
        ("How do the south-west and the north-east cooperate?", "north east", "东北"),
        ("Which rural revitalization towns?", "revitalization", "振兴"),  # a noun of its verb
        ("What does implementation require?", "implementation", "实施"),
    ],
)
def test_english_forms_reach_the_corpus_terms(
    engine: Engine, question: str, phrase: str, term: str
) -> None:
    concepts = dict(engine.index.lexicon.translate(question).concepts)
    assert term in concepts[phrase]


def test_index_records_its_lexicon(engine: Engine) -> None:
    lexicon = engine.index.lexicon
    assert len(lexicon) > 1000
    assert engine.manifest["recipe"]["lexicon"]["dictionary"] == dictionary_version()
    assert engine.manifest["counts"]["lexicon_entries"] == len(lexicon)
    assert "lexicon.json" in engine.manifest["files"]
    vocabulary = engine.index.bm25.vocabulary
    # corpus words, and single characters kept only to join into corpus words
    assert all(t in vocabulary or len(t) == 1 for terms in lexicon.entries.values() for t in terms)


def test_question_becomes_concepts(engine: Engine) -> None:
    translation = engine.index.lexicon.translate(
        "How large is Chongqing's low-altitude industry supposed to grow by 2030?"
    )
    concepts = dict(translation.concepts)
    assert concepts["low altitude"] == ("低空",)  # the phrase, not its two words
    assert "产业" in concepts["industry"]
    assert "2030" in translation.untranslated
    assert not {"how", "is", "supposed", "to", "by"} & set(concepts)


def test_neighbouring_words_join_into_a_corpus_term(engine: Engine) -> None:
    translation = engine.index.lexicon.translate("the Western Land-Sea corridor")
    concepts = dict(translation.concepts)
    assert concepts["land sea"] == ("陆海",)  # 陆 + 海, though 海 alone is no corpus word
    assert "西部" in concepts["western"]  # "western part", not only 西部片 (a western film)
    assert "sea" in translation.untranslated


def test_the_briefs_english_example_finds_the_corridor_clause(engine: Engine) -> None:
    """The brief's example names 两江新区: its corridor article ranks in the top three. Asked
    without a document, the first hit is a corridor article of one of the plans."""
    hits = engine.search(
        "Which Liangjiang New Area department leads the New International Land-Sea Trade "
        "Corridor work?",
        k=3,
    )
    assert "liangjiang-2023:27" in [h.clause.clause_id for h in hits]
    first = engine.search("Which body leads the Western Land-Sea corridor task?", k=5)[0]
    assert "西部陆海新通道" in first.clause.title


def test_codes_and_figures_stay_whole_and_untranslated(engine: Engine) -> None:
    translation = engine.index.lexicon.translate("R&D at 2.3% and 5G by 2030 in IPv6 zones?")
    assert translation.untranslated[:5] == ["r&d", "2.3%", "5g", "2030", "ipv6"]
    assert not any("五" in terms or "二" in terms for _, terms in translation.concepts)


@pytest.mark.parametrize(
    ("question", "gold"),
    [
        (
            "What annual technology-contract turnover does Chongqing's 2023–2027 plan aim for?",
            "技术合同成交额",
        ),
        (
            "Which China–SCO event does the Chongqing Metropolitan Area plan commit to hosting "
            "to a high standard?",
            "上海合作组织",
        ),
    ],
)
def test_english_question_matches_chinese_clause_in_bm25(
    engine: Engine, question: str, gold: str
) -> None:
    hits = engine.search(question, k=3, mode="bm25")
    assert any(gold in h.clause.text for h in hits)


def test_cut_keeps_only_strong_translated_matches(engine: Engine) -> None:
    retriever = engine.retriever
    question = "What annual technology-contract turnover does the action plan aim for?"
    everything = retriever.bm25_ranking(question, None, 500, cut=0.0)
    strong = retriever.bm25_ranking(question, None, 500, cut=0.5)
    assert 0 < len(strong) < len(everything)
    assert strong == everything[: len(strong)]
    # Chinese questions are matched word for word; the cut does not apply to them
    chinese = "全市年技术合同成交额目标"
    assert retriever.bm25_ranking(chinese, None, 50, 0.5) == retriever.bm25_ranking(
        chinese, None, 50, 0.0
    )


def test_cut_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ConfigError, match="crosslingual_cut"):
        load_settings(environ={"POLICYQA_CROSSLINGUAL_CUT": "1.5"})


def test_retrieval_searches_the_single_characters_the_answer_step_leaves_out(
    engine: Engine,
) -> None:
    """新 for "new" and 圈 for "circles": BM25 and the encoder get them; coverage and overlap,
    where a character would match nearly any clause, read only the longer terms."""
    translation = engine.index.lexicon.translate("Which new service circles will be built?")
    concepts, search = dict(translation.concepts), dict(translation.search)
    assert "新" in search["new"] and "新" not in concepts["new"]
    assert "圈" in search["circles"] and "圈" not in concepts["circles"]
    assert set(concepts["new"]) <= set(search["new"])


def test_a_question_by_a_single_character_term_finds_its_clause(engine: Engine) -> None:
    """The economic circle's "northern wing" is its 北翼: the dictionary gives only 翼 for
    "wing", a character the answer step's concepts leave out."""
    hits = engine.search(
        "In the outline, which industries should the northern wing of the economic circle "
        "cooperate on?",
        k=3,
    )
    assert any("北翼" in h.clause.text for h in hits)
