"""Follow-ups read against the turn before, on the real corpus and index: each kind, a fresh
question that inherits nothing, history checks, the store, export and the command line."""

from __future__ import annotations

import io
import json

import pytest
from docx import Document as WordDocument
from test_cli import run

from policyqa.conversation import slots
from policyqa.conversation.export import export
from policyqa.conversation.history import Turn, parse_history
from policyqa.conversation.reply import READING_PREFIX, ask
from policyqa.conversation.resolve import FollowUp
from policyqa.conversation.store import ConversationStore
from policyqa.errors import BadInput, NotFound
from policyqa.types import Citation

HIGHWAY = "按重庆2023—2027年行动方案，高速公路通车里程要达到多少？"
PORT = "两江新区在果园港和国际物流方面有哪些举措？"


def _history(engine, question: str) -> tuple[Turn, ...]:
    first = ask(engine, question)
    return (Turn(question, first.body, first.answer.citations, first.reading.resolved),)


@pytest.mark.parametrize(
    ("first", "follow", "kind", "reading", "answer"),
    [
        # ellipsis: a year, a place, an indicator
        (HIGHWAY, "那2026—2030年的方案是怎么定的？", "scope", "2026—2030年行动方案", "5700公里"),
        ("“十五五”主要指标表里，川渝经济总量占全国比重2027年定的是多少？", "2030年呢？",
         "ellipsis", "2030年", "7.3"),
        ("规划纲要里，渝东北区域中心城市定的是哪座城市？", "川东北呢？", "ellipsis", "川东北",
         "南充"),
        ("发展能级提升行动方案的指标表，重庆人工智能核心产业规模到2030年要到多少亿元？",
         "研发经费投入强度呢？", "ellipsis", "研发经费投入强度", "3.25"),
        # coreference: the clause of the answer before
        ("两江新区到2027年要吸引多少国际组织和国际商协会机构？", "这件事谁负责牵头？",
         "coreference", "第32条", "自贸办"),
        # an answer citing two clauses: the bare 谁牵头？ asks of its lead (first) clause
        (PORT, "谁牵头？", "coreference", "第28条", "自贸办"),
        # an answer that abstained: the earlier question's best clause is what 这 points at
        ("长江生态文明干部学院和长江生态环境研究院打算建在哪里？", "这是哪份文件里提的？",
         "coreference", "出自哪份文件", "重庆都市圈发展规划"),
        # change of scope: the same question of another document
        ("规划纲要对住房公积金跨区域使用有什么安排？", "重庆都市圈规划里有没有相关提法？",
         "scope", "重庆都市圈规划", "互认互贷"),
        # a fact of a document, asked with no document named: the document just cited
        ("2026—2030年行动方案对人工智能产业有什么目标？", "发文字号是多少？", "coreference",
         "发文字号", "渝府发〔2026〕8号"),
        ("两江新区怎样推进西部陆海新通道建设？", "When was it issued?", "coreference",
         "issued", "2023年3月20日"),
        # "this plan" is the document, not the clause just cited; both facts asked are given
        ("发展能级提升行动方案里，千亿级开发区到2030年要有几个？",
         "Who issued this plan, and what's its document number?", "coreference",
         "Who issued 2026—2030年行动方案,", "渝府发〔2026〕8号"),
        ("两江新区怎样推进西部陆海新通道建设？", "这份文件是谁发的？什么时候发的？",
         "coreference", "两江新区实施方案是谁发的", "2023年3月20日"),
        # another article: the lead answer names it in its citation only
        ("两江新区实施方案第30条由谁牵头？", "第31条呢？", "ellipsis", "第31条",
         "任务：高质量发展开放型经济"),
        # where the clause just quoted stands, asked with no word pointing back
        ("两江新区要组建的明月湖实验室，主攻什么方向？", "是第几条来着？", "coreference",
         "第13条", "13.大力推进重大创新平台建设"),
        # another article of the same document, asked something of its own
        ("两江新区实施方案第30条由谁牵头？", "那第14条呢，谁牵头？", "ellipsis",
         "两江新区实施方案第14条谁牵头", "科技创新局、市场监管局"),
        # 这块 marks the fragment, it is not part of it
        ("规划纲要里，长江上游要建哪些航电枢纽？", "港口这块呢？", "ellipsis",
         "长江上游要建哪些港口？", "长江上游港口联盟"),
        # the same question of a plan whose period begins after the year asked: the year goes
        ("规划纲要定的2025年常住人口城镇化率是多少？", "能级提升方案里定的是多少？", "scope",
         "2026—2030年行动方案定的常住人口城镇化率是多少？", "2030年目标68.5"),
        # an indicator worded with filler (的) is replaced whole; the new one, worded loosely,
        # is found word by word in its row
        ("“十五五”指标表里，全职在渝的两院院士2030年要到多少名？", "那公平竞争审查的问题检出率呢？",
         "ellipsis", "指标表里，公平竞争审查的问题检出率2030年", "公平竞争审查评估问题检出率"),
        # continuation: more of the same clause or section
        ("共建巴蜀文化旅游走廊，规划纲要要扩大哪些国际旅游品牌的影响力？", "还有别的举措吗？",
         "continuation", "第七章第一节", "长征国家文化公园"),
    ],
)  # fmt: skip
def test_follow_up_kinds(engine, first, follow, kind, reading, answer) -> None:
    reply = ask(engine, follow, _history(engine, first))
    assert str(reply.reading.kind) == kind
    assert reading in reply.reading.resolved
    assert not reply.answer.abstained, reply.body
    assert answer in reply.body.replace(" ", "")
    out = reply.to_dict()
    assert out["question"] == follow and out["resolved_question"] == reply.reading.resolved
    assert out["answer"].startswith(READING_PREFIX + reply.reading.resolved + "\n")


def test_a_fresh_question_inherits_nothing(engine) -> None:
    history = _history(engine, "“数字重庆”累计贯通应用数量，2027年的目标是多少个？")
    q = "两江新区规上工业增加值规模要突破多少？"
    reply = ask(engine, q, history)
    assert reply.reading.kind == FollowUp.FRESH and reply.reading.resolved == q
    assert reply.note is None and "1500亿元" in reply.body
    out = reply.to_dict()
    assert out["resolved_question"] == q and out["reading"] is None


def test_a_lead_question_naming_its_own_task_is_fresh(engine) -> None:
    history = _history(engine, PORT)
    assert len(history[0].citations) > 1  # the case this guards: several clauses cited
    reply = ask(engine, "数字经济谁牵头？", history)
    assert reply.reading.kind == FollowUp.FRESH and reply.reading.resolved == "数字经济谁牵头？"
    assert "第28条" not in reply.body


def test_a_clause_without_a_lead_department_borrows_none(engine) -> None:
    # 第7条 (国际数据港) is the one article of 两江新区实施方案 without a 牵头部门 tag; asked for
    # by number, the first answer cites it alone
    history = _history(engine, "两江新区实施方案第7条讲的是什么？")
    assert [c.clause_id for c in history[0].citations] == ["liangjiang-2023:7"]
    reply = ask(engine, "这一条是哪个部门牵头？", history)
    assert reply.answer.abstained and "未写明牵头部门" in reply.body


def test_a_year_the_clause_does_not_name_is_not_answered_with_another(engine) -> None:
    history = _history(engine, "规划纲要定的2025年研发投入强度目标是多少？")
    reply = ask(engine, "那2035年呢？", history)
    assert reply.reading.kind == FollowUp.ELLIPSIS and reply.answer.abstained


def test_this_paragraph_points_back_and_asking_where_gets_its_section(engine) -> None:
    reply = ask(engine, "这段内容在实施方案的哪个部分？", _history(engine, PORT))
    assert reply.reading.kind == FollowUp.COREFERENCE
    assert reply.answer.citations[0].clause_id == "liangjiang-2023:28"
    assert "位于二、重点任务，（八）打造内陆开放门户专项行动：" in reply.body


def test_asking_where_the_clause_stands_is_answered_from_it_in_either_language(engine) -> None:
    english = (
        "What does the outline say about the Chengdu-Chongqing middle-line high-speed railway?"
    )
    history = _history(engine, english)
    reply = ask(engine, "Which chapter is that in?", history)
    assert reply.reading.kind == FollowUp.COREFERENCE and not reply.answer.abstained
    target = history[0].citations[0].clause_id
    assert [c.clause_id for c in reply.answer.citations] == [target]
    assert reply.answer.answer.startswith("位于第")
    reply = ask(engine, "这段话在哪一章？", _history(engine, "规划纲要对川南地区有什么定位？"))
    assert reply.reading.resolved.endswith("）在哪一章？")  # 这段话 is one pointer
    assert reply.answer.answer.startswith("位于第三章")


def test_the_year_changed_where_the_question_says_by_then(engine) -> None:
    """到2027年 is a target year (only a period's ends are not), and the 2027 answer quotes
    the 2027 figure, not the plan of 2030 that names the same indicator."""
    first = "到2027年重庆高速公路通车里程要达到多少？"
    history = _history(engine, first)
    assert [c.clause_id for c in history[0].citations][:1] == ["action-2023:5"]
    assert "5000公里" in history[0].answer.replace(" ", "")
    reply = ask(engine, "2030年呢？", history)
    assert reply.reading.resolved == "到2030年重庆高速公路通车里程要达到多少？"
    assert "5700公里" in reply.body


def test_a_place_stands_in_for_a_place_not_for_the_indicator(engine) -> None:
    history = _history(engine, "到2027年重庆常住人口城镇化率要达到多少？")
    assert history[0].citations[0].clause_id.startswith("action-2026:table")  # a table row
    reply = ask(engine, "四川呢？", history)
    assert reply.reading.resolved == "到2027年四川常住人口城镇化率要达到多少？"


def test_a_later_year_than_its_plan_reaches_asks_of_the_place_in_every_plan(engine) -> None:
    history = _history(engine, "两江新区实施方案提出到2027年高新技术企业数量要达到多少家？")
    reply = ask(engine, "那到2030年呢？", history)  # 那到 is one word to the tokenizer
    assert reply.reading.kind == FollowUp.ELLIPSIS and reply.reading.docs is None
    assert "2030年" in reply.reading.resolved and "两江新区" in reply.reading.resolved
    assert "实施方案" not in reply.reading.resolved
    assert all(not c.clause_id.startswith("liangjiang-2023") for c in reply.answer.citations)


def test_history_from_before_a_reindex_is_skipped(engine) -> None:
    stale = (Turn(HIGHWAY, "…", (Citation("gone:1", "", ""),)),)
    assert ask(engine, "那2026—2030年的方案是怎么定的？", stale).reading.kind == FollowUp.SCOPE


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ("x", "history 必须是列表"),
        ([1], "history[0] 必须是对象"),
        ([{"answer": "a"}], "history[0].question 不能为空"),
        ([{"question": "q", "citations": "a"}], "history[0].citations 必须是列表"),
        ([{"question": "q", "citations": [{"text": "t"}]}], "citations[0].clause_id 不能为空"),
        ([{"question": "q" * 9000}], "过长"),
    ],
)
def test_bad_history_is_one_clear_error(history, message) -> None:
    with pytest.raises(BadInput, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_history(history)


def test_store_round_trip_and_owners(tmp_path, engine) -> None:
    store = ConversationStore(tmp_path / "c.db")
    conv = store.create("browser-a")
    reply = ask(engine, HIGHWAY).to_dict()
    assert store.add_turn("browser-a", conv["id"], HIGHWAY, reply) == 1
    again = ConversationStore(tmp_path / "c.db")  # persisted, read by a new connection
    got = again.get("browser-a", conv["id"])
    assert got["title"] == HIGHWAY[:40] and got["turns"][0]["reply"] == reply
    # the history holds the clauses the reply cited, in order; the lead one is 第5条 (the
    # answer stage may add a second, weaker citation: not the store's business)
    ids = again.history("browser-a", conv["id"])[0].clause_ids
    assert ids == [c["clause_id"] for c in reply["citations"]] and ids[0] == "action-2023:5"
    for call in (again.get, again.delete, again.summary, again.history):
        with pytest.raises(NotFound):
            call("browser-b", conv["id"])
    assert again.list("browser-b") == []
    assert again.rename("browser-a", conv["id"], "  高速  公路 ")["title"] == "高速 公路"
    with pytest.raises(BadInput):
        again.rename("browser-a", conv["id"], "x" * 81)
    again.delete("browser-a", conv["id"])
    assert again.list("browser-a") == []
    store.close()
    again.close()


def test_export_writes_each_citation_in_full(engine) -> None:
    history = _history(engine, HIGHWAY)
    second = ask(engine, "那2026—2030年的方案是怎么定的？", history).to_dict()
    conv = {
        "title": "高速公路",
        "updated": 0.0,
        "turns": [
            {"n": 1, "question": HIGHWAY, "reply": ask(engine, HIGHWAY).to_dict()},
            {"n": 2, "question": "那2026—2030年的方案是怎么定的？", "reply": second},
        ],
    }
    doc = WordDocument(io.BytesIO(export(conv, "docx")))
    paragraphs = [p.text for p in doc.paragraphs]
    text = "\n".join(paragraphs)
    cite = "《重庆市推动成渝地区双城经济圈建设行动方案（2023—2027年）》二（二）第5条"
    assert cite in paragraphs and "高速公路通车里程超过 5000 公里" in text
    assert any(p.startswith("按上文理解为：") for p in paragraphs)
    md = export(conv, "md", turn=2).decode("utf-8")
    assert HIGHWAY not in md.split("\n", 3)[-1] and "5700公里" in md
    assert "《重庆市推动成渝地区双城经济圈发展能级提升行动方案（2026—2030年）》" in md
    with pytest.raises(NotFound):
        export(conv, "md", turn=3)
    with pytest.raises(BadInput):
        export(conv, "pdf")


def test_cli_reads_turns_with_history_on_stdin(index_settings) -> None:
    turn = {
        "question": "那2026—2030年的方案是怎么定的？",
        "history": [{"question": HIGHWAY, "answer": "", "citations": ["action-2023:5"]}],
    }
    lines = [HIGHWAY, json.dumps(turn, ensure_ascii=False), '{"question": "q", "history": 3}']
    r = run(index_settings, "ask", "--json", stdin="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert out[0]["resolved_question"] == HIGHWAY and out[0]["reading"] is None
    assert out[1]["follow_up"] == "scope" and "5700公里" in out[1]["answer"]
    assert out[2]["error"].startswith("history 必须是列表")


def test_a_year_is_removed_but_not_a_period_end() -> None:
    assert slots.remove_year("到2025年，重庆要建多少个？", "2025") == "重庆要建多少个？"
    text = "2023—2025年行动方案到2025年的目标"
    assert slots.remove_year(text, "2025") == "2023—2025年行动方案目标"


def test_another_document_asked_a_topic_of_its_own_is_fresh(engine) -> None:
    # it names another document, but asks a topic of its own (养老, one short word): not the
    # question before of that document
    history = _history(engine, "两江新区到2027年要吸引多少国际组织和国际商协会机构？")
    q = "规划纲要对养老是怎么安排的？"
    reply = ask(engine, q, history)
    assert reply.reading.kind == FollowUp.FRESH and reply.reading.resolved == q
    assert reply.answer.citations[0].clause_id.startswith("outline:")
    assert "养老" in reply.body


def test_this_clause_is_the_cited_one_that_says_what_is_asked(engine) -> None:
    history = _history(engine, PORT)
    cited = [c.clause_id for c in history[0].citations]
    assert cited[:2] == ["liangjiang-2023:28", "liangjiang-2023:30"]
    # 自贸试验区核心区 is in the second clause cited, not in the answer's lead clause
    reply = ask(engine, "这一条还提到自贸试验区核心区要怎么打造？", history)
    assert reply.reading.kind == FollowUp.CONTINUATION
    assert reply.reading.target == "liangjiang-2023:30"
    assert not reply.answer.abstained
    assert reply.answer.citations[0].clause_id == "liangjiang-2023:30"
    assert "重庆自贸试验区核心区" in reply.body


def test_an_english_pronoun_is_read_with_the_question_it_points_back_from(engine) -> None:
    # "reserve" alone translates to 后备/备用, not the clause's 储备: the question before
    # ("coal storage bases") finds the figure in the clause it cited
    history = _history(
        engine, "Which coal storage bases does the Chongqing metropolitan area plan want to build?"
    )
    assert history[0].citations[0].clause_id == "metro:4.3.10"
    reply = ask(engine, "How much reserve capacity are they meant to reach?", history)
    assert reply.reading.kind == FollowUp.COREFERENCE
    assert not reply.answer.abstained, reply.body
    assert reply.answer.citations[0].clause_id == "metro:4.3.10"
    assert "400万吨以上" in reply.body.replace(" ", "")
