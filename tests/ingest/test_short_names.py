"""Short names officials use for documents, on the 40 sample titles and the 3,320-law corpus."""

from __future__ import annotations

import re
import tarfile

import pytest
from support import REGULATIONS, REPO

from policyqa.ingest.metadata import infer_metadata, title_from_front
from policyqa.retrieve.short_names import ambiguous_short_names, find_short_names

SAMPLE = REGULATIONS
# the 3,320-document corpus beside the checkout, for the precision check over its titles
CORPUS = REPO.parent / "shared" / "extra-docs" / "laws-corpus.tar.xz"


# Questions a citizen or an official asks without naming any document; many carry the words
# 规定, 办法, 条例, 法, 方案, 意见 and 通知 that end document names.
def words(text: str) -> list[str]:
    return text.split()


ORDINARY = words("""
    业主大会怎么成立？ 物业费多久交一次？ 物业公司不履行合同怎么办？ 小区停车位归谁所有？
    垃圾分类有什么规定？ 乱扔垃圾罚款多少钱？ 养狗需要办证吗？ 遛狗不牵绳会被处罚吗？
    带薪年休假有几天？ 职工连续工作满一年可以休假吗？ 年假没休完单位要补钱吗？
    医院里打人怎么处理？ 发票丢了怎么办？ 开发票需要什么材料？ 网上卖药需要什么资质？
    药品信息服务怎么申请？ 征兵体检有哪些要求？ 大学生参军有什么优惠政策？
    无障碍设施由谁负责建设？ 盲道被占用可以投诉吗？ 老年人有哪些优待？
    居家养老服务包括哪些内容？ 养老机构怎么申请补贴？ 国有企业改制需要谁批准？
    国有资产转让有什么程序？ 垄断行为有哪些？ 经营者集中要申报吗？ 入境需要检疫吗？
    传染病疫情怎么报告？ 纠纷调解不成怎么办？ 人民调解协议有法律效力吗？ 公路两侧可以建房吗？
    超载车辆怎么处罚？ 土地征收怎么补偿？ 宅基地可以买卖吗？ 耕地占用需要审批吗？
    气候资源可以开发吗？ 风能太阳能项目需要论证吗？ 城市管理执法由哪个部门负责？
    占道经营怎么处罚？ 孕妇产检有哪些项目？ 婚前医学检查是强制的吗？ 暴雨预警分几级？
    红色预警发布后学校要停课吗？ 城市绿地可以改作他用吗？ 砍伐树木需要审批吗？
    古树名木怎么保护？ 教育督导报告要公开吗？ 学校违规收费谁来监督？ 统计数据造假怎么处罚？
    统计调查对象有什么义务？ 渔业资源费怎么征收？ 特种设备多久检验一次？ 电梯故障谁负责维修？
    规划许可证怎么办理？ 违法建设怎么处理？ 大气污染防治有哪些措施？ 燃放烟花爆竹有什么限制？
    铁路沿线可以放风筝吗？ 在铁路线路上行走违法吗？ 音像制品零售需要许可吗？
    盗版光盘怎么查处？ 饲料生产企业需要什么条件？ 兽药可以添加到饲料里吗？
    高等学校的自主权有哪些？ 大学校长由谁任命？ 绿色建筑有什么标准？ 新建建筑要达到什么等级？
    旅游合同纠纷怎么解决？ 导游擅自增加购物点怎么办？ 景区门票价格由谁制定？
    市容环境卫生责任区怎么划分？ 户外广告设置需要审批吗？ 预防职务犯罪由谁负责？
    人大常委会组成人员有什么纪律？ 乡镇企业可以享受税收优惠吗？ 按照规定需要多少钱？
    这个办法什么时候开始施行？ 相关规定是什么？ 有什么解决办法？ 违法怎么处理？
    依法应该怎么办？ 政府出台了哪些实施方案？ 上级有什么指导意见？ 请问最新的通知是什么？
    这项决定是谁作出的？ 执法人员有哪些权限？ 处罚决定不服可以复议吗？ 行政复议的期限是多久？
    可以提起行政诉讼吗？ 法律责任有哪些？ 附则里写了什么？ 本市有什么具体规定？
    国家有没有统一规定？ 地方性法规和规章有什么区别？ 政府规章由谁制定？
    这个条例适用于哪些地方？ 条例自什么时候起施行？ 办法的第一条是什么？
    规定第三条第二款怎么理解？ 第二十九条第二款说了什么？ 第十四条第（三）项是什么意思？
    对违反规定的行为怎么处罚？ 没有按规定办理登记怎么办？ 申请材料不齐全怎么办？
    行政许可多少天内办结？ 听证程序怎么申请？ 信息公开申请多久答复？ 投诉举报电话是多少？
    哪些情况可以减免费用？ 补贴标准是多少？ 资金从哪里来？ 谁来监督实施？ 考核结果怎么运用？
    如何保障公众参与？ 城乡规划修改需要听证吗？ 控制性详细规划由谁审批？
    建设工程竣工验收有什么要求？ 施工扬尘怎么管理？ 餐饮油烟怎么治理？
    机动车尾气超标怎么处罚？ 重污染天气应急措施有哪些？ 生态环境保护的责任主体是谁？
    水源保护区内可以游泳吗？ 河道采砂需要许可吗？ 防汛抗旱由谁指挥？ 安全生产责任怎么落实？
    消防通道被堵怎么办？ 燃气泄漏应该找谁？ 供热不达标可以退费吗？ 供水水质谁来检测？
    公交车票价怎么定？ 网约车需要办理什么证件？ 出租车拒载怎么投诉？ 共享单车乱停放怎么管理？
    电动自行车可以上牌吗？ 建筑垃圾怎么处置？ 餐厨垃圾由谁收运？ 公共厕所由谁管理？
    城市照明设施谁来维护？ 商品房预售需要什么条件？ 房屋租赁合同需要备案吗？
    住宅专项维修资金怎么使用？ 老旧小区改造有什么政策？ 加装电梯需要多少业主同意？
    业主委员会任期几年？ 物业服务合同到期怎么办？ 前期物业服务合同由谁签订？
    物业管理区域怎么划分？ 临时管理规约由谁制定？ 环境保护法规有哪些？
    食品安全管理规定在哪里看？ 交通安全规定有哪些？ 城市规划怎么公示？ 发展规划什么时候发布？
    工作方案由谁制定？ 具体实施办法出台了吗？ 有没有暂行规定？ 这个管理条例什么时候修订？
    安全生产法律法规有哪些？ 劳动纠纷有什么解决办法？ 消费者权益保护的法律规定是什么？
    物业管理方面有哪些规定？ 老年人权益保障有哪些法律？ 教育方面的法律法规有哪些？
    税收征收管理有哪些规定？ 道路交通安全方面的规定有哪些？ 土地管理方面有什么政策？
    知识产权保护的相关办法有哪些？ 城市管理方面的规定由谁制定？ 网络安全方面的规定有哪些？
    个人信息保护有哪些要求？ 数据安全管理办法出台了吗？ 养老服务的扶持办法有哪些？
""")
TOPICS = (
    "就业 社保 医保 住房 教育 养老 托育 交通 环保 税收 营商环境 乡村振兴 数字经济 科技创新 人才引进"
)
TOPICS += (
    " 文化旅游 体育 卫生健康 食品安全 安全生产 应急管理 民政 残疾人 退役军人 知识产权 对外开放"
)
TOPICS += " 金融 农业 水利 林业"
TEMPLATES = (
    "{t}方面有哪些扶持政策？ {t}工作由哪个部门牵头？ {t}领域有什么新规定？"
    " 申请{t}补贴需要什么条件？ {t}相关的办法在哪里查？ {t}的实施方案什么时候出台？"
    " {t}方面违法行为怎么处罚？ 关于{t}有什么指导意见？"
)
QUESTIONS = ORDINARY + [q.format(t=t) for t in words(TOPICS) for q in words(TEMPLATES)]


@pytest.fixture(scope="module")
def titles() -> dict[str, str]:
    """doc_id (file stem) -> title inferred from the text of each sample document."""
    return {
        f.stem: infer_metadata(f.read_text(encoding="utf-8"), f.name).title
        for f in sorted(SAMPLE.glob("*.txt"))
    }


@pytest.fixture(scope="module")
def corpus_titles() -> dict[str, str]:
    """Titles of the 3,320 documents of the packed corpus, from each text's first lines."""
    if not CORPUS.is_file():
        pytest.skip("shared/extra-docs/laws-corpus.tar.xz is absent")
    out: dict[str, str] = {}
    with tarfile.open(CORPUS, "r:xz") as tar:
        for member in tar:
            handle = tar.extractfile(member) if member.isfile() else None
            if handle and member.name.endswith(".txt"):
                head = handle.read(3000).decode("utf-8", "ignore").replace("\u200b", "")
                out[member.name] = title_from_front(
                    [s for s in map(str.strip, head.splitlines()) if s]
                )
    return out


@pytest.mark.parametrize(
    ("question", "span", "title"),
    [
        ("物业条例第二十九条怎么规定的？", "物业条例", "北京市物业管理条例"),
        ("市容环卫条例对乱扔垃圾怎么罚？", "市容环卫条例", "上海市市容环境卫生管理条例"),
        ("饲料条例对添加剂有什么要求？", "饲料条例", "饲料和饲料添加剂管理条例"),
        ("旅游条例第十条说了什么？", "旅游条例", "上海市旅游条例"),
        ("北京物业条例里业主大会怎么成立？", "北京物业条例", "北京市物业管理条例"),
        ("年休假办法规定几天？", "年休假办法", "企业职工带薪年休假实施办法"),
        ("《北京市物业管理条例》第二十九条第二款", "北京市物业管理条例", "北京市物业管理条例"),
        ("音像制品管理条例第五条", "音像制品管理条例", "音像制品管理条例"),  # exact title wins
        ("反垄断法第三条列了哪些垄断行为？", "反垄断法", "中华人民共和国反垄断法"),
        ("高等教育法规定本科学制几年？", "高等教育法", "中华人民共和国高等教育法"),  # 法 + 规定
        # a name that keeps its place keeps less of the rest
        ("河源暴雨条例要求谁发布预警？", "河源暴雨条例", "河源市暴雨灾害预警与响应条例"),
    ],
)
def test_short_names_resolve(titles: dict[str, str], question: str, span: str, title: str) -> None:
    hits = find_short_names(question, titles)
    assert [(question[s:e], titles[doc]) for doc, s, e in hits] == [(span, title)]
    assert ambiguous_short_names(question, titles) == []


def test_ambiguous_short_names_are_reported_with_candidates(titles: dict[str, str]) -> None:
    question = "音像制品条例对零售有什么规定？"  # Shanghai's regulation or the State Council's
    assert find_short_names(question, titles) == []
    [(span, docs)] = ambiguous_short_names(question, titles)
    assert span == "音像制品条例"
    assert sorted(titles[d] for d in docs) == ["上海市音像制品管理条例", "音像制品管理条例"]


def test_every_sample_title_names_its_own_document(titles: dict[str, str]) -> None:
    for doc, title in titles.items():
        assert (doc, 0, len(title)) in find_short_names(title, titles), title


def test_ordinary_questions_name_no_sample_document(titles: dict[str, str]) -> None:
    assert len(QUESTIONS) > 400 and len(set(QUESTIONS)) == len(QUESTIONS)
    named = [(q, find_short_names(q, titles), ambiguous_short_names(q, titles)) for q in QUESTIONS]
    assert [n for n in named if n[1] or n[2]] == []


def test_ordinary_questions_name_none_of_the_corpus(corpus_titles: dict[str, str]) -> None:
    assert len(corpus_titles) == 3320
    false_hits = [(q, q[s:e]) for q in QUESTIONS for _, s, e in find_short_names(q, corpus_titles)]
    assert false_hits == []
    assert [q for q in QUESTIONS if ambiguous_short_names(q, corpus_titles)] == []


def test_short_names_in_the_corpus_are_ambiguous_or_resolved(corpus_titles: dict[str, str]) -> None:
    many = dict(ambiguous_short_names("物业条例第十条", corpus_titles))
    assert len(many["物业条例"]) > 10  # every city's 物业管理条例
    assert all(re.search("物业.*条例$", corpus_titles[d]) for d in many["物业条例"])
    hits = find_short_names("上海旅游条例第十条", corpus_titles)
    assert [corpus_titles[d] for d, _, _ in hits] == ["上海市旅游条例"]
    law = find_short_names("劳动合同法第十条", corpus_titles)
    assert [corpus_titles[d] for d, _, _ in law] == ["中华人民共和国劳动合同法"]
