"""Metadata inferred from the texts of the 40 real sample documents, and their versions."""

from __future__ import annotations

import pytest
from support import REGULATIONS
from support.titles import TITLES

from policyqa.ingest.metadata import infer_metadata
from policyqa.ingest.versions import base_title, supersessions

SAMPLE = REGULATIONS

# file name -> title as the text gives it (many file names drop 中华人民共和国 or 《》 content)


def read(stem: str) -> str:
    return (SAMPLE / f"{stem}.txt").read_text(encoding="utf-8")


def test_titles_come_from_the_text_for_all_40() -> None:
    assert sorted(TITLES) == sorted(f.stem for f in SAMPLE.glob("*.txt"))
    inferred = {stem: infer_metadata(read(stem), f"{stem}.txt").title for stem in TITLES}
    assert inferred == TITLES


@pytest.mark.parametrize(
    ("stem", "issuer", "doc_number", "date", "effective", "kind"),
    [
        (
            "北京市物业管理条例(2024-03-29)",
            "北京市人民代表大会常务委员会",
            "",
            "2024-03-29",
            "2020-05-01",
            "条例",
        ),
        (
            "反垄断法(2022-06-24)",
            "全国人民代表大会常务委员会",
            "",
            "2022-06-24",
            "2008-08-01",
            "法律",
        ),
        (
            "铁路安全管理条例(2013-08-17)",
            "国务院",
            "国务院令第639号",
            "2013-08-17",
            "2014-01-01",
            "行政法规",
        ),
        (
            "音像制品管理条例(2020-11-29)",
            "国务院",
            "国务院令第341号",
            "2016-02-06",
            "2002-02-01",
            "行政法规",
        ),
        (
            "特种设备安全监督检查办法(2022-05-26)",
            "国家市场监督管理总局",
            "国家市场监督管理总局令第57号",
            "2022-05-26",
            "2022-07-01",
            "办法",
        ),
        ("北京市居家养老服务条例", "北京市人民代表大会", "", "2015-01-29", "2015-05-01", "条例"),
        (
            "企业职工带薪年休假实施办法(2008-07-17)",
            "人力资源和社会保障部",
            "",
            "2008-07-17",
            "2008-07-17",
            "办法",
        ),
        (
            "上海市预防职务犯罪工作若干规定",
            "上海市人民代表大会常务委员会",
            "",
            "2015-07-23",
            "2015-09-01",
            "规定",
        ),
        # adopted by the city, approved by the province: the city enacted it; latest date wins
        (
            "泰安市城市绿化条例(2018-09-21)",
            "泰安市人民代表大会常务委员会",
            "",
            "2020-03-26",
            "",
            "条例",
        ),
        (
            "渔业资源增殖保护费征收使用办法(2011-01-08)",
            "农业部、财政部、国家物价局",
            "农业部、财政部、国家物价局令第1号",
            "1988-10-31",
            "1989-01-01",
            "办法",
        ),
    ],
)
def test_issuer_number_dates_and_kind(
    stem: str, issuer: str, doc_number: str, date: str, effective: str, kind: str
) -> None:
    meta = infer_metadata(read(stem), f"{stem}.txt")
    assert (meta.issuer, meta.doc_number, meta.date, meta.effective, meta.kind) == (
        issuer,
        doc_number,
        date,
        effective,
        kind,
    )


def test_repeated_amendment_notes_give_the_latest_date() -> None:
    raw = read("北京市物业管理条例(2024-03-29)")
    notes = [ln for ln in raw.splitlines() if ln.startswith(("2020年", "2024年"))]
    meta = infer_metadata(raw.replace(notes[0], "\n".join([notes[0], *notes, notes[0]]), 1))
    assert meta.date == "2024-03-29" and meta.issuer == "北京市人民代表大会常务委员会"


def test_filename_is_only_the_last_resort_for_the_title() -> None:
    raw = read("上海市旅游条例(2020-05-14)")
    body = raw[raw.index("第一章") :]
    assert infer_metadata(body, "上海市旅游条例(2020-05-14).txt").title == "上海市旅游条例"
    assert infer_metadata(raw, "别的名字.txt").title == "上海市旅游条例"
    assert infer_metadata(body, "plan.txt").title == ""


def notice(heading: list[str], signature: list[str], body: str) -> str:
    """A government notice that issues a real regulation: heading, 文号, addressees, signature."""
    return "\n\n".join(
        [
            *heading,
            "京政发〔2024〕3号",
            "各区人民政府，市政府各委、办、局：",
            "现将《北京市物业管理条例》印发给你们，请认真贯彻执行。",
            *signature,
            body,
        ]
    )


@pytest.mark.parametrize(
    "heading",
    [
        ["北京市人民政府关于印发《北京市物业管理条例》的通知"],
        [" 北京市人民政府关于", "印发《北京市", "物业管理条例》的通知"],  # split across lines
    ],
)
def test_notice_gives_the_issued_document_its_issuer_number_and_date(heading: list[str]) -> None:
    raw = read("北京市物业管理条例(2024-03-29)")
    body = raw[raw.index("第一章") :]
    for signature in (
        ["北京市人民政府", "2024年4月1日"],
        ["北京市人民政府　　", "二〇二四年四月一日"],
    ):
        meta = infer_metadata(notice(heading, signature, body))
        assert meta.title == "北京市物业管理条例"
        assert (meta.issuer, meta.doc_number, meta.date) == (
            "北京市人民政府",
            "京政发〔2024〕3号",
            "2024-04-01",
        )
        assert meta.effective == "2020-05-01" and meta.kind == "条例"


def test_plan_period_and_joint_issuers_of_a_run_in_notice() -> None:
    raw = (
        "甲省人民政府乙省人民政府关于印发示范区发展规划的通知甲府发〔2022〕9号各市县人民政府："
        "现将《示范区发展规划》印发给你们。甲省人民政府乙省人民政府2022年8月1日（此件公开发布）"
        "\n规划期至2025年，远期展望到2035年。\n"
    )
    meta = infer_metadata(raw)
    assert (meta.title, meta.issuer) == ("示范区发展规划", "甲省人民政府、乙省人民政府")
    assert (meta.doc_number, meta.date, meta.kind) == ("甲府发〔2022〕9号", "2022-08-01", "规划")
    assert meta.period == "规划期至2025年，远期展望到2035年"
    titled = infer_metadata("某区推动产业发展行动方案（2023—2027年）\n一、总体要求\n")
    assert (titled.period, titled.kind, titled.issuer, titled.date) == (
        "2023—2027年",
        "方案",
        "",
        "",
    )


def test_base_title_and_supersessions_on_sample_titles() -> None:
    assert base_title("中华人民共和国反垄断法（2022年修正）") == "中华人民共和国反垄断法"
    assert base_title("上海市旅游条例(2020-05-14)") == "上海市旅游条例"
    assert base_title("北京市物业管理条例（2024年修订）") == "北京市物业管理条例"
    plan = "某市推动数字经济发展行动方案（2023—2027年）"
    assert base_title(plan) == plan
    docs = [
        (stem, infer_metadata(read(stem)).title, infer_metadata(read(stem)).date)
        for stem in (
            "反垄断法(2022-06-24)",
            "音像制品管理条例(2020-11-29)",
            "上海市音像制品管理条例(2024-12-31)",
        )
    ]
    older = [
        ("anti-2008", "反垄断法", "2008-08-01"),
        ("av-2011", "音像制品管理条例（2011年修订）", "2011-03-19"),
    ]
    assert supersessions(docs + older) == {
        "anti-2008": "反垄断法(2022-06-24)",
        "av-2011": "音像制品管理条例(2020-11-29)",
    }
    plans = [
        ("a", "某市推动数字经济发展行动方案（2023—2027年）", "2023-01-01"),
        ("b", "某市推动数字经济高质量发展行动方案（2026—2030年）", "2026-04-26"),
        ("c", "某市行动方案（2021—2025年）", "2021-01-01"),
        ("d", "某市行动方案（2026—2030年）", "2026-01-01"),
    ]
    assert supersessions(plans) == {}
