"""The article parser on the 40 real regulations and laws in tests/data/regulations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import REGULATIONS

from policyqa.ingest.legal import Article, LegalStructure, looks_legal, parse_legal, split_lines
from policyqa.ingest.metadata import chinese_number

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REGULATIONS
FILES = sorted(SAMPLE.glob("*.txt"))

# a 第N条 (之N) at a line start followed by whitespace: how every sample writes its articles
LINE_ARTICLE = re.compile(
    r"^[\s\u200b]*第([一二三四五六七八九十百千零〇]+)条(之[一二三四五六七八九十]+)?[\s\u3000]+(\S.{0,11})",
    re.M,
)


def parse(path: Path) -> LegalStructure:
    structure = parse_legal(path.read_text(encoding="utf-8"))
    assert structure is not None, path.name
    return structure


def by_number(structure: LegalStructure, number: int) -> Article:
    return next(a for a in structure.articles if a.number == number and not a.suffix)


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u200b", "")).strip()


def squeeze(text: str) -> str:
    """Text without any whitespace: a line the source wrapped compares equal to its join."""
    return re.sub(r"[\s\u200b]+", "", text)


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_each_line_start_article_is_one_article_with_its_first_words(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    expected = [(chinese_number(m[1]), m[2] or "", m[3]) for m in LINE_ARTICLE.finditer(raw)]
    articles = parse(path).articles
    assert [(a.number, a.suffix) for a in articles] == [(n, s) for n, s, _ in expected]
    for article, (_, _, words) in zip(articles, expected, strict=True):
        first_words = article.text.split(" ", 1)[1][: len(words)]
        assert first_words == fold(words), article.label
        assert raw[article.start : article.end].startswith(article.label[:2])


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_article_numbers_are_consecutive_and_offsets_hold(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    articles = parse(path).articles
    assert [a.number for a in articles] == list(range(1, len(articles) + 1))
    for article in articles:
        assert article.text == "\n".join(p.text for p in article.paragraphs)
        for paragraph in article.paragraphs:
            lines = paragraph.text.split("\n")
            assert squeeze(raw[paragraph.start : paragraph.end]).startswith(squeeze(lines[0]))
            assert [p.number for p in article.paragraphs] == list(
                range(1, len(article.paragraphs) + 1)
            )
        assert article.start < article.end


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_cross_references_never_become_articles(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    inline = [
        m.start()
        for m in re.finditer(r"第[一二三四五六七八九十百]+条", raw)
        if raw[m.start() - 1] != "\n"
    ]
    starts = {a.start for a in parse(path).articles}
    assert not starts & set(inline)
    # a cross-reference opening a line is still no article: 第九条第二款规定的…
    line = next(ln for ln in raw.splitlines() if ln.startswith("第二条"))
    noisy = raw.replace(line, f"{line}\n第九条第二款规定的情形，依照本条执行。", 1)
    with_reference = parse_legal(noisy)
    assert with_reference is not None
    assert [a.label for a in with_reference.articles] == [a.label for a in parse(path).articles]


def test_samples_cite_articles_inside_sentences() -> None:
    cited = [
        (f.name, m.start())
        for f in FILES
        for m in re.finditer(r"(?<!\n)第[一二三四五六七八九十百]+条", f.read_text(encoding="utf-8"))
    ]
    assert len(cited) > 100  # 依照本条例第九条规定… : plenty of chances to go wrong
    starts = {(f.name, a.start) for f in FILES for a in parse(f).articles}
    assert not starts & set(cited)


def test_paragraphs_and_items_of_beijing_property_regulation() -> None:
    structure = parse(SAMPLE / "北京市物业管理条例(2024-03-29).txt")
    assert structure.title == "北京市物业管理条例"
    sixth = by_number(structure, 6)
    items = sixth.paragraphs[0].items
    assert [i.label for i in items] == [f"（{n}）" for n in "一二三四五六七八"]
    assert items[2].number == 3 and items[2].text.startswith("指导和监督本市住宅专项维修资金")
    article = by_number(structure, 29)
    assert article.label == "第二十九条"
    assert article.headings == ("第四章 业主、业主组织和物业管理委员会", "第一节 业主和业主大会")
    assert article.path == (0, 4, 1)
    assert [p.number for p in article.paragraphs] == [1, 2]
    assert article.paragraphs[1].text == "一个物业管理区域成立一个业主大会。"
    raw = (SAMPLE / "北京市物业管理条例(2024-03-29).txt").read_text(encoding="utf-8")
    assert (
        raw[article.paragraphs[1].start : article.paragraphs[1].end] == article.paragraphs[1].text
    )
    assert by_number(structure, 1).headings == ("第一章 总则",)  # "第一章 总 则" in the text


def test_half_width_items_get_full_width_labels() -> None:
    structure = parse(SAMPLE / "发票管理办法(2019-03-02).txt")
    items = [i for a in structure.articles for p in a.paragraphs for i in p.items]
    assert "(一)" in (SAMPLE / "发票管理办法(2019-03-02).txt").read_text(encoding="utf-8")
    assert items and all(i.label.startswith("（") and i.label.endswith("）") for i in items)
    assert not any(i.text.startswith(("(", "（")) for i in items)


def test_documents_without_chapters_have_no_headings() -> None:
    structure = parse(SAMPLE / "上海市预防职务犯罪工作若干规定.txt")
    assert all(a.headings == () and a.path == (0, 0, 0) for a in structure.articles)
    assert [s.text for s in structure.front][:1] == ["上海市预防职务犯罪工作若干规定"]


def _with_noise(raw: str) -> str:
    """The same text as scraped pages give it: a 目录, a split heading, a heading run into its
    first article, zero-width lines, full-width spaces and half-width item brackets."""
    lines = raw.splitlines()
    heads = [ln.strip() for ln in lines if re.match(r"\s*第[一二三四五六七八九十]+[章节]", ln)]
    first = next(
        i for i, ln in enumerate(lines) if re.match(r"\s*第[一二三四五六七八九十]+[章条]", ln)
    )
    text = "\n".join(lines[:first] + ["目　录", ""] + heads + ["\u200b", ""] + lines[first:])
    chapters = [h for h in heads if "章" in h[:6]]
    split = chapters[1].index("章") + 1
    text = text.replace(f"\n{chapters[1]}\n", f"\n{chapters[1][:split]}\n\n{chapters[1][split:]}\n")
    text = re.sub(
        re.escape(chapters[2]) + r"\s*\n\s*(第[一二三四五六七八九十百]+条)",
        chapters[2] + r"\1",
        text,
    )
    return text.replace("（一）", "(一)").replace("第一条 ", "第一条\u3000\u3000")


CHAPTERED = [
    f for f in FILES if len(re.findall(r"(?m)^\s*第[一二三四五六七八九十]+章", f.read_text())) >= 3
]


@pytest.mark.parametrize("path", CHAPTERED, ids=[f.stem for f in CHAPTERED])
def test_noise_changes_no_article_heading_or_item(path: Path) -> None:
    clean = parse(path)
    noisy = parse_legal(_with_noise(path.read_text(encoding="utf-8")))
    assert noisy is not None

    def shape(s: LegalStructure) -> list[tuple[str, tuple[str, ...], int, int]]:
        return [
            (a.label, a.headings, len(a.paragraphs), sum(len(p.items) for p in a.paragraphs))
            for a in s.articles
        ]

    assert shape(noisy) == shape(clean)
    assert noisy.contents and noisy.contents[0].text == "目 录"
    assert noisy.title == clean.title


def test_article_suffix_and_large_numbers() -> None:
    raw = (SAMPLE / "北京市物业管理条例(2024-03-29).txt").read_text(encoding="utf-8")
    fifth = next(ln for ln in raw.splitlines() if ln.startswith("第五条"))
    structure = parse_legal(
        raw.replace(fifth, f"{fifth}\n\n第五条之一 本市推进物业管理数字化。", 1)
    )
    assert structure is not None
    added = next(a for a in structure.articles if a.suffix)
    assert (added.number, added.suffix, added.label) == (5, "之一", "第五条之一")
    assert chinese_number("一千二百六十") == 1260 and chinese_number("一百零五") == 105
    assert chinese_number("二〇二六") == 2026 and chinese_number("十") == 10


def test_attachments_after_the_last_article_are_back_matter() -> None:
    raw = (SAMPLE / "铁路安全管理条例(2013-08-17).txt").read_text(encoding="utf-8")
    structure = parse_legal(raw + "\n\n附件：\n铁路线路安全保护区范围示意图\n")
    assert structure is not None
    assert [s.text for s in structure.back] == ["附件：", "铁路线路安全保护区范围示意图"]
    assert "附件" not in structure.articles[-1].text


def test_split_lines_drops_invisible_lines_and_folds_spaces() -> None:
    raw = "第一章\u3000\u3000总　则\n\u200b\n\n  第一条  为了\u200b规范。\n"
    spans = split_lines(raw)
    assert [s.text for s in spans] == ["第一章 总 则", "第一条 为了规范。"]
    assert raw[spans[1].start : spans[1].end] == "第一条  为了\u200b规范。"


def test_plans_are_not_article_structured() -> None:
    plans = sorted((REPO / "corpus").glob("*.txt"))
    assert plans
    for plan in plans:
        raw = plan.read_text(encoding="utf-8")
        assert not looks_legal(split_lines(raw)) and parse_legal(raw) is None, plan.name
    assert all(looks_legal(split_lines(f.read_text(encoding="utf-8"))) for f in FILES)
