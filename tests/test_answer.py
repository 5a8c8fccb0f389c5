"""Answers pinned to the real corpus: direct, cited, verified, and an honest "not found"."""

from __future__ import annotations

import re

import pytest
from support import REGULATIONS

from policyqa.answer import facts
from policyqa.answer.compose import NOT_FOUND, SILENT, compose, prepare
from policyqa.answer.kinds import classify, cross_documents, years
from policyqa.answer.templates import RUN_ON, english_lead
from policyqa.answer.verify import Segment, verify_segments
from policyqa.text.numerals import ITEM_NUMBER, int_to_cn
from policyqa.text.sentences import run_on, sentences
from policyqa.types import AnswerKind


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def test_lead_department_from_tag(engine):
    a = engine.ask("两江新区推进西部陆海新通道建设由哪个部门牵头？")
    assert not a.abstained and a.kind == "lead_department"
    assert "牵头部门：自贸办" in a.answer
    assert "推动西部陆海新通道加快建设" in a.answer  # the task, in a few words
    assert a.citations[0].clause_id == "liangjiang-2023:27"
    assert a.citations[0].citation in a.answer


@pytest.mark.parametrize(
    ("question", "clause", "lead"),
    [
        # a piece of work listed in 第14条 (大力优化创新生态); 第11条's title 协同创新 shares
        # more words with the question than 第14条's title does
        ("两江新区打造商标品牌展示培育中心，由哪个部门牵头？", "14", "科技创新局、市场监管局"),
        # listed in 第20条; 第6条's title (提升智慧能源体系建设) shares only 智慧
        ("两江新区入河排污口智慧化管理由哪个部门牵头？", "20", "生态环境分局"),
    ],
)
def test_lead_department_of_the_task_listing_the_work_asked(engine, question, clause, lead):
    a = engine.ask(question)
    assert not a.abstained and a.kind == "lead_department"
    assert [c.clause_id for c in a.citations] == [f"liangjiang-2023:{clause}"]
    assert a.answer.startswith(f"牵头部门：{lead}。")


def test_lead_department_named_in_text_without_tag(engine):
    a = engine.ask("两江新区双城经济圈建设领导小组会议的议题，由哪个机构负责收集、提交审议？")
    assert not a.abstained
    assert "双城办" in a.answer
    assert a.citations[0].clause_id == "liangjiang-2023:37"


def test_numeric_target_2030_mentions_2027(engine):
    a = engine.ask("到2030年，重庆研发经费投入强度的目标是多少？")
    assert a.kind == "numeric_target" and not a.abstained
    assert "2030年目标3.25" in a.answer
    assert "2027年目标3" in a.answer  # the other year's target is mentioned
    assert a.answer.index("3.25") < a.answer.index("2027年目标3")
    assert a.citations[0].clause_id == "action-2026:table.7"


def test_numeric_target_2027(engine):
    a = engine.ask("重庆研发经费投入强度2027年目标是多少？")
    assert not a.abstained
    assert "2027年目标3" in a.answer
    assert a.answer.index("2027年目标3") < a.answer.index("2030年目标3.25")


def test_every_indicator_row_asked_by_its_name(engine):
    """A row whose name is part of another's must not be answered from the other:
    川渝经济总量 / 川渝经济总量占全国比重, 重庆工业增加值 / …占规上工业增加值比重."""
    rows = [c for c in engine.index.clauses if c.kind == "table_row"]
    assert len(rows) >= 20
    wrong = []
    for row in rows:
        name = re.sub(r"^其中[：:]?#?|（[^（）]*）$", "", row.text.split(" ")[0])
        for year, target in re.findall(r"(\d{4})年目标([^，）]+)", row.text):
            for question in (
                f"“十五五”提升双城经济圈发展能级主要指标中，{year}年{name}的目标是多少？",
                f"{name}到{year}年的目标值是多少？",
            ):
                answer = engine.ask(question).answer.split("（另")[0]
                if f"{year}年目标{target}" not in answer or name not in answer:
                    wrong.append((question, answer[:40]))
    assert not wrong


def test_numeric_figure_as_written(engine):
    a = engine.ask(
        "按2026—2030年行动方案的指标表，重庆战略性新兴产业增加值占比2030年的目标是多少？"
    )
    assert "39左右" in a.answer


def test_clause_lookup(engine):
    a = engine.ask("两江新区实施方案第27条讲的是什么？")
    assert a.kind == "clause_lookup"
    assert "推动西部陆海新通道加快建设" in a.answer
    assert [c.clause_id for c in a.citations] == ["liangjiang-2023:27"]


def test_clause_lookup_of_a_section_known_only_from_the_contents(engine):
    a = engine.ask("重庆都市圈发展规划第十二章第一节主要讲什么？")
    assert a.kind == "clause_lookup" and not a.abstained
    assert "第十二章第一节为“健全重庆都市圈同城化合作机制”" in a.answer
    assert "无法确定其所辖段落" in a.answer  # says why no paragraphs are quoted
    assert a.citations[0].clause_id == "metro:12.1.0"


def test_a_part_asked_by_number_is_headed_by_its_title(engine):
    a = engine.ask("两江新区实施方案二（八）")
    assert a.answer.startswith("（八）打造内陆开放门户专项行动：")  # not "…专项行动。："
    a = engine.ask("2026—2030年行动方案一（一）讲了什么？")
    assert a.answer.startswith("（一）指导思想：")


def test_every_section_asked_by_number_gets_its_title(engine):
    """A section's title, not the box (专栏…) its first paragraph sits in, heads the answer."""
    wrong, asked = [], 0
    for d in engine.documents:
        sections = {}
        for c in engine.clauses_of(d.doc_id):
            chaptered = c.heading_path and re.match(r"第.{1,3}章 ", c.heading_path[0])
            if chaptered and len(c.path) == 3 and min(c.path[:2]) > 0:
                sections.setdefault(c.path[:2], c.heading_path[1])
        for (ch, sec), heading in sections.items():
            q = f"{d.short_names[0]}第{int_to_cn(ch)}章第{int_to_cn(sec)}节主要讲什么？"
            a, asked = engine.ask(q), asked + 1
            cited = a.citations[0].clause_id.split(":")[0] if a.citations else None
            if heading.split(" ", 1)[1] not in a.answer or cited != d.doc_id:
                wrong.append((q, a.answer[:40]))
    assert asked >= 70 and not wrong  # 规划纲要 and 重庆都市圈发展规划


def test_cross_document_cites_each_document(engine):
    q = (
        "重庆高速公路通车里程：2023—2027年行动方案要求超过多少公里？"
        "2026—2030年行动方案又提出到2030年达到多少？"
    )
    a = engine.ask(q)
    assert a.kind == "cross_document" and not a.abstained
    assert {c.clause_id.split(":")[0] for c in a.citations} >= {"action-2023", "action-2026"}
    assert "5000" in _squash(a.answer)


def test_cross_document_answers_side_by_side_each_with_its_figure(engine):
    a = engine.ask(
        "中欧班列（成渝）：2023—2027年方案要求累计开行超过多少列？"
        "2026—2030年方案指标表里年开行量目标又是多少？"
    )
    assert a.kind == "cross_document" and not a.abstained
    first, second = a.answer.split("\n")
    assert first.startswith("2023—2027年行动方案：") and "3.2万列" in _squash(first)
    assert second.startswith("2026—2030年行动方案：") and "4800以上" in second
    assert [c.clause_id for c in a.citations] == ["action-2023:39", "action-2026:table.15"]


def test_cross_document_says_which_document_is_silent(engine):
    a = engine.ask("规划纲要和两江新区实施方案分别提出打造的柠檬产区在哪些地方？")
    assert a.kind == "cross_document" and not a.abstained
    found, silent = a.answer.split("\n")
    assert found.startswith("规划纲要：") and "潼南柠檬产区" in found
    assert silent == f"两江新区实施方案：{SILENT}"
    # the answering clause first; since best_in_clause (2026-12-01) the nearest sentence of
    # another clause of 规划纲要 may follow it (a further sentence over the sentence floor)
    assert a.citations[0].clause_id == "outline:5.4.1"
    assert {c.clause_id.split(":")[0] for c in a.citations} == {"outline"}


@pytest.mark.parametrize(
    ("question", "docs"),
    [
        (
            "中欧班列：23到27年那版行动方案和26到30年那版里各是多少？",
            ["action-2023", "action-2026"],
        ),
        ("两江新区实施方案和规划纲要分别怎么说？", ["liangjiang-2023", "outline"]),
    ],
)
def test_documents_a_comparison_names_by_period(engine, question, docs):
    assert cross_documents(question, engine.documents) == docs


def test_cross_document_part_pointing_back_keeps_the_place(engine):
    """ "在那里" means 广阳岛, named only in the part about the other document."""
    a = engine.ask("广阳岛在规划纲要里承担什么示范任务？重庆都市圈发展规划还要在那里建设哪些机构？")
    assert a.kind == "cross_document" and not a.abstained
    assert {c.clause_id.split(":")[0] for c in a.citations} >= {"outline", "metro"}
    assert "长江生态文明干部学院" in a.answer and "长江经济带绿色发展示范" in a.answer


@pytest.mark.parametrize(
    "question",
    [
        "Which Liangjiang New Area department leads the work of promoting the "
        "New International Land-Sea Trade Corridor?",
        # the README's example: 第29条 (制度型开放, also led by 自贸办) used to be cited
        "Which Liangjiang New Area department leads the New International Land-Sea Trade "
        "Corridor work?",
    ],
)
def test_english_question_same_answer_from_the_same_clause(engine, question):
    a = engine.ask(question)
    assert not a.abstained and a.kind == "lead_department"
    assert a.citations[0].clause_id == "liangjiang-2023:27"  # right words, right clause
    assert a.answer.startswith("Lead: 自贸办")  # a one-line English lead, then the text
    assert "牵头部门：自贸办" in a.answer and "推动西部陆海新通道加快建设" in a.answer


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        (
            "What annual technology-contract turnover does Chongqing's 2023–2027 action plan "
            "aim for?",
            "1100亿元",
        ),
        ("What share of GDP should Liangjiang New Area's R&D spending reach by 2027?", "5.5%"),
    ],
)
def test_english_question_quotes_the_sentence_with_its_words(engine, question, figure):
    # the translated words pick the sentence; the encoder alone picked a neighbour
    a = engine.ask(question)
    assert not a.abstained
    assert figure in _squash(a.answer)


def test_english_indicator_question_leads_with_the_target(engine):
    a = engine.ask(
        "In the 2026-2030 action plan's indicator table, what is the 2030 target for "
        "Chongqing's R&D expenditure intensity?"
    )
    assert not a.abstained and a.kind == "numeric_target"
    assert a.answer.startswith("Target: 2030年目标3.25（")  # one English line, then the row
    assert a.citations[0].clause_id == "action-2026:table.7"


def test_english_lead_never_gives_an_items_own_number_as_its_figure(engine):
    # "51. 实施…" opens item 51: its number is where the item stands, not a figure it gives
    clause = next(c for c in engine.table.all if ITEM_NUMBER.match(c.text) and c.number == 51)
    clauses = {clause.clause_id: clause}
    title = sentences(clause.text)[0]
    assert not re.search(r"\d", ITEM_NUMBER.sub("", title)), title  # the title gives none
    assert english_lead(AnswerKind.NUMERIC, [Segment(clause.clause_id, title)], clauses) is None


def test_the_briefs_english_example_is_answered_from_its_clause(engine):
    a = engine.ask("Which body leads the Western Land-Sea corridor task in Liangjiang?")
    assert not a.abstained and "自贸办" in a.answer
    assert a.citations[0].clause_id == "liangjiang-2023:27"


@pytest.mark.parametrize("question", ["西部陆海新通道建设由哪个部门牵头？"])
def test_a_lead_question_naming_no_plan_gets_the_tagged_clause(engine, question):
    """Only 两江新区's plan names lead bodies; its 第27条 ranks below clauses that name none."""
    a = engine.ask(question)
    assert a.kind == "lead_department" and "牵头部门：自贸办" in a.answer
    assert a.citations[0].clause_id == "liangjiang-2023:27"


def test_english_question_about_a_code_quotes_it(engine):
    a = engine.ask("What does the Liangjiang plan say about 5G?")
    assert not a.abstained and "5G" in a.answer


@pytest.mark.parametrize("question", ["What is it?", "Tell me about it.", "What?"])
def test_english_question_words_alone_get_not_found(engine, question):
    a = engine.ask(question)
    assert a.abstained and a.answer == NOT_FOUND


def test_unanswerable_abstains(engine):
    for q in ("重庆主城区出租车的起步价是多少？", "重庆居民用水阶梯水价每吨多少钱？"):
        a = engine.ask(q)
        assert a.abstained and a.kind == "not_found"
        assert a.answer == NOT_FOUND
        assert a.citations == ()
        assert a.related  # the nearest clauses, offered as possibly related
        d = a.to_dict()
        assert d["abstained"] is True and d["citations"] == []


@pytest.mark.parametrize(
    "question",
    [
        "川渝高速公路上超速行驶要罚多少钱？",
        "在重庆地铁上吃东西会被罚款吗？",
        "规划纲要对乱扔垃圾的行为规定了什么处罚？",
        "What is the fine for smoking on a Chongqing metro train?",
    ],
)
def test_a_penalty_no_document_sets_is_not_found(engine, question):
    """The plans ban and crack down on things but set no penalty: a question for one is
    not found, with the nearest clauses offered."""
    a = engine.ask(question)
    assert a.abstained and a.kind == "not_found", a.answer
    assert a.related


@pytest.mark.parametrize(
    "question",
    [
        "What is the monthly rent of the public rental housing the 2023–2027 plan provides?",
        "How much does a ride on the Chengdu–Chongqing high-speed railway cost?",
        "重庆都市圈里跨城通勤的地铁月票价格是多少？",
        "川渝两地退休人员的基本养老金是多少？",
    ],
)
def test_a_price_no_document_sets_is_not_found(engine, question):
    """A rent or a fare is a sum in 元: the number of flats or the railways a clause lists
    near the question's words do not answer it."""
    a = engine.ask(question)
    assert a.abstained and a.kind == "not_found", a.answer
    assert a.related


@pytest.mark.parametrize(
    ("question", "words", "figure"),
    [
        ("到2027年，两江新区社会消费品零售总额要突破多少？", "社会消费品零售总额", "950亿元"),
        ("到2030年重庆经济总量目标是多少？", "经济总量", "万亿元"),
    ],
)
def test_a_sum_the_plans_set_is_still_answered(engine, question, words, figure):
    a = engine.ask(question)
    assert not a.abstained, a.answer
    cited = [engine.clause(c.clause_id).text for c in a.citations]
    assert any(words in t and figure in t for t in cited), cited


def test_every_citation_exists_and_every_quote_is_in_its_clause(engine):
    questions = [
        "两江新区推进西部陆海新通道建设由哪个部门牵头？",
        "到2030年，重庆研发经费投入强度的目标是多少？",
        "规划纲要提出打造的柠檬产区在哪些地方？",
        "规划纲要第六章第二节主要讲什么？",
        "两江新区要打造的商业综合服务平台叫什么名字？",
    ]
    for q in questions:
        a = engine.ask(q)
        assert not a.abstained, q
        assert a.citations, q
        for c in a.citations:
            clause = engine.clause(c.clause_id)  # raises if unknown
            assert c.citation == clause.citation and c.citation in a.answer
        d = a.to_dict()
        assert set(d) == {"question", "answer", "abstained", "kind", "citations", "related"}
        assert set(d["citations"][0]) == {"clause_id", "citation", "text"}


def test_extractive_sentences_each_cited(engine):
    a = engine.ask("两江新区要打造的商业综合服务平台叫什么名字？")
    assert "约惠两江" in a.answer
    # every statement ends with a citation marker
    assert a.answer.endswith("）")
    body = a.answer
    for c in a.citations:
        body = body.replace(f"（{c.citation}）", "|")
    assert body.endswith("|")
    assert all(
        part == "" or part.endswith(("。", "；", "！", "？", "：")) for part in body.split("|")
    )


def test_verification_drops_a_forged_span(engine):
    clauses = engine._by_id
    real = Segment("liangjiang-2023:27", "牵头部门：自贸办")
    forged = Segment("liangjiang-2023:27", "牵头部门：财政局")
    unknown = Segment("liangjiang-2023:999", "牵头部门：自贸办")
    spaced = Segment("liangjiang-2023:27", "推动西部陆海新通道 加快建设")
    kept = verify_segments([real, forged, unknown, spaced], clauses)
    assert kept == [real, spaced]


def test_compose_never_shows_a_forged_span(engine, monkeypatch):
    import policyqa.answer.templates as templates

    def forged(ctx):
        return [Segment("liangjiang-2023:27", "牵头部门：财政局")]

    monkeypatch.setattr(templates, "lead", forged)
    a = engine.ask("两江新区推进西部陆海新通道建设由哪个部门牵头？")
    assert "财政局" not in a.answer  # dropped; the extractive fallback answers instead
    assert not a.abstained and a.citations


def test_kinds_and_documents(engine):
    docs = engine.documents
    assert years("2026—2030年行动方案中2027年的目标") == ["2027"]
    assert cross_documents("两轮行动方案分别提出了什么目标？", docs) == [
        "action-2026",
        "action-2023",
    ]
    assert cross_documents("规划纲要和重庆都市圈发展规划分别要求什么？", docs) == [
        "outline",
        "metro",
    ]
    hits = engine.search("两江新区实施方案第27条讲的是什么？", k=5)
    assert classify("两江新区实施方案第27条讲的是什么？", hits, docs) == "clause_lookup"
    assert classify("第27条由哪个部门牵头？", hits, docs) == "lead_department"


def test_no_hits_is_not_found(engine):
    a = compose(prepare("随便问问", [], engine.view, None, None), {})
    assert a.abstained and a.answer == NOT_FOUND


@pytest.mark.parametrize(
    ("question", "clause", "quote"),
    [
        (
            "央行在搞的数字人民币这类研究，规划纲要支不支持在成渝开展？",
            "outline:5.2.4",
            "法定数字货币研究",
        ),
    ],
)
def test_paraphrase_quotes_the_nearest_sentence_of_the_right_clause(
    engine, question, clause, quote
):
    a = engine.ask(question)
    assert not a.abstained
    assert clause in [c.clause_id for c in a.citations]
    assert quote in _squash(a.answer)


def test_a_part_before_a_semicolon_is_quoted_with_the_rest_of_its_sentence() -> None:
    """A law's 款 says who must act before the ； and what they must do after it: the quote
    runs on to the sentence's full stop, on the same line, while it stays short."""
    text = (REGULATIONS / "河源市暴雨灾害预警与响应条例(2022-11-01).txt").read_text("utf-8")
    article = text[text.index("第十四条") : text.index("第十五条")]
    first, second = [s for s in sentences(article) if "基础电信运营商" in s or "免费发送" in s]
    whole = run_on(first, article, RUN_ON)
    assert whole == first + second and whole in article  # verbatim, the free sending included
    assert whole.endswith("及时安排预警信息的免费发送。")
    assert run_on(first, article, len(first) + 5) == first  # too long: the part alone
    assert run_on(second, article, RUN_ON) == second  # a whole sentence already
    # the next line is the next 款: a part ending a line is not run on into it
    assert run_on("甲应当报告；", "甲应当报告；\n乙应当公告。", RUN_ON) == "甲应当报告；"


def test_a_place_named_with_a_year_its_plan_does_not_reach_is_searched_everywhere(engine):
    """两江新区 names the 2023—2027 plan of that name; asked about 2030 it is the place the
    question is about, so the 2026—2030 plan's clause on 两江新区 answers."""
    a = engine.ask("到2030年，两江新区要和浦东新区等开发开放平台怎样联动？")
    assert not a.abstained
    assert a.citations[0].clause_id == "action-2026:32"
    assert "浦东新区、前海开发区" in _squash(a.answer)
    # the period the question names still names that plan
    hits = engine.search("2023—2027年两江新区实施方案对开放平台有什么安排？", k=5)
    assert {h.clause.doc_id for h in hits} == {"liangjiang-2023"}


def test_a_question_asking_where_is_told_the_headings_above_its_clause(engine):
    a = engine.ask("打造两江水土国际数据港写在两江新区实施方案的哪个部分？")
    assert a.citations[0].clause_id == "liangjiang-2023:7"
    assert a.answer.startswith("位于二、重点任务，（二）建设现代基础设施网络专项行动：")
    assert "打造两江水土国际数据港" in a.answer
    # a question that does not ask where gets no such lead
    plain = engine.ask("两江新区实施方案要打造的国际数据港叫什么？")
    assert not plain.answer.startswith("位于")


def test_a_document_named_in_words_of_its_own_is_not_part_of_the_question(engine):
    """能级提升方案 is cut into 能级, 提升 and 方案, none of them a name: the span the name
    takes goes, so its words are not counted as question words no clause repeats."""
    prepared = engine.prepare("能级提升方案要把黔江建成什么？")
    assert prepared.ctx.tokens == ["黔江", "建成"]
    a = engine.ask("能级提升方案要把黔江建成什么？")
    assert not a.abstained and a.citations[0].clause_id == "action-2026:30"
    assert "黔江建设区域" in _squash(a.answer)


def test_another_place_before_an_alias_does_not_name_its_document(engine):
    """都市圈 names 重庆都市圈发展规划 (whose names say 重庆都市圈); 成都都市圈 is the other
    metropolitan area, which the outline plans: not a comparison with the Chongqing plan."""
    a = engine.ask("规划纲要对成都都市圈的轨道交通有什么安排？")
    assert a.kind != AnswerKind.CROSS and not a.abstained
    assert {c.clause_id.split(":")[0] for c in a.citations} == {"outline"}
    both = engine.ask("规划纲要和重庆都市圈规划对轨道交通分别有什么安排？")
    assert both.kind == AnswerKind.CROSS
    assert {c.clause_id.split(":")[0] for c in both.citations} == {"outline", "metro"}


@pytest.mark.parametrize(
    ("question", "doc", "fact"),
    [
        ("2026—2030年行动方案的发文字号是多少？", "action-2026", "doc_number"),
        ("两江新区实施方案是什么时候印发的？", "liangjiang-2023", "date"),
        ("When was the Chongqing metropolitan area plan issued?", "metro", "date"),
        ("重庆都市圈发展规划的规划期是到哪一年？", "metro", "period"),
        ("两江新区实施方案和重庆都市圈规划分别是什么时候印发的？", "liangjiang-2023", "date"),
    ],
)
def test_a_documents_own_facts_are_answered_from_its_metadata(engine, question, doc, fact):
    """A cover letter's number and date are no clause retrieval finds: the corpus's record
    of the document answers, cited to the document."""
    a = engine.ask(question)
    recorded = facts.recorded(engine.document(doc), facts.Fact(fact))
    assert a.kind == AnswerKind.DOCUMENT and not a.abstained and recorded
    assert recorded in a.answer and engine.document(doc).title in a.answer
    assert [c.clause_id.split(":")[0] for c in a.citations][:1] == [doc]
    assert recorded in a.citations[0].text  # the card lists the document's facts


def test_compared_documents_facts_are_given_each_or_said_to_be_unrecorded(engine):
    a = engine.ask("两江新区实施方案和规划纲要分别是什么时候印发的？")
    assert a.kind == AnswerKind.DOCUMENT
    liangjiang, outline = engine.document("liangjiang-2023"), engine.document("outline")
    assert a.answer.splitlines() == [
        f"《{liangjiang.title}》的文件日期：2023年3月20日（据文件信息）",  # as Chinese writes it
        f"《{outline.title}》：未见文件日期记录",  # the record has no date of the outline
    ]
    assert [c.clause_id.split(":")[0] for c in a.citations] == ["liangjiang-2023"]
    assert liangjiang.date == "2023-03-20"  # recorded as data, said as 2023年3月20日


@pytest.mark.parametrize(
    "question",
    ["2026—2030年行动方案是谁发的？文号是多少？",
     "Who issued the 2026–2030 action plan, and what is its document number?"],
)  # fmt: skip
def test_two_facts_of_a_document_asked_at_once_are_both_given(engine, question):
    a = engine.ask(question)
    assert a.kind == AnswerKind.DOCUMENT and not a.abstained
    doc = engine.document("action-2026")
    assert a.answer.splitlines() == [
        f"《{doc.title}》的发文字号：渝府发〔2026〕8号（据文件信息）",
        f"《{doc.title}》的发布机关：重庆市人民政府（据文件信息）",
    ]


@pytest.mark.parametrize(
    "question",
    [
        "规划纲要是什么时候印发的？",  # the record has no date: not answered from it
        "这份文件是什么时候印发的？",  # no document named
        "两江新区实施方案对印发宣传材料有什么要求？",  # 印发, but not asked when
        "两江新区实施方案要求每月什么时候之前报送工作进展？",  # a date the document sets
    ],
)
def test_a_question_not_about_one_recorded_fact_is_answered_as_usual(engine, question):
    assert engine.ask(question).kind != AnswerKind.DOCUMENT


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("这份文件是谁发的？什么时候发的？", ("date", "issuer")),
        ("Who issued that plan, and on what date?", ("date", "issuer")),
        ("And the date it was issued?", ("date",)),
        ("When does the law take effect, and what is its document number?",
         ("doc_number", "effective")),
        # a duty or a payment the document sets, not the document's own facts
        ("本市应当在什么时候之前公布防汛责任人？", ()),
        ("这项补贴什么时候发，发给谁？", ()),
        ("On what date does the rule take effect?", ("effective",)),
    ],
)  # fmt: skip
def test_the_facts_a_question_asks_of_a_document(question, asked):
    assert tuple(str(f) for f in facts.facts_asked(question)) == asked
