"""Readers on real files made by real tools: python-docx, Chromium print-to-PDF, Pillow, codecs.

Content is real regulation text from tests/data/regulations (shared/extra-docs/sample).
"""

from __future__ import annotations

import difflib
import html
import io
import os
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.oxml import parse_xml
from docx.text.paragraph import Paragraph
from support import REGULATIONS
from support.documents import FOOTER, HEADER, chromium, gov_page, page_html, print_pdf

from policyqa.ingest.readers import MAX_BYTES, ReadError, read_document
from policyqa.ingest.readers import ocr as ocr_module
from policyqa.ingest.readers.docx_numbering import format_number

SAMPLE = REGULATIONS
RAIL = "铁路安全管理条例(2013-08-17).txt"  # 108 articles in 7 chapters: 18 printed pages
LEAVE = "企业职工带薪年休假实施办法(2008-07-17).txt"  # short: 24 articles
ARTICLE = re.compile(r"^第[一二三四五六七八九十百零]+条")
LEAKS = "首页 当前位置 分享到 相关链接 改革事项清单 主办单位 ICP 脚本 广告 color 字体"
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def paragraphs(name: str) -> list[str]:
    """The sample's non-blank lines, whitespace-collapsed, as the readers should give them."""
    text = (SAMPLE / name).read_text(encoding="utf-8").replace("\u200b", "")
    return [" ".join(ln.split()) for ln in text.splitlines() if ln.strip()]


def in_order(expected: list[str], lines: list[str]) -> bool:
    """Every expected line occurs as a whole line of ``lines``, in the same order."""
    it = iter(lines)
    return all(any(ln == want for ln in it) for want in expected)


# --- plain text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding, bom",
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("gbk", b""),
        ("gb18030", b""),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
    ],
)
def test_text_encodings_all_read_the_same(tmp_path: Path, encoding: str, bom: bytes) -> None:
    source = "\n".join(paragraphs(LEAVE))
    path = tmp_path / "doc.txt"
    path.write_bytes(bom + source.replace("\n", "\r\n").encode(encoding))
    got = read_document(path)
    assert got.format == "txt" and got.warnings == ()
    assert got.text == source


def test_binary_named_txt_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(ReadError, match="二进制"):
        read_document(path)


def test_markdown_loses_marks_and_keeps_tables(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    path.write_text(
        "# 实施方案\n\n**一、目标**\n\n| 指标 | 目标 |\n|---|---|\n| 就业 | 12万人 |\n",
        encoding="utf-8",
    )
    assert read_document(path).text == "实施方案\n\n一、目标\n\n指标\t目标\n就业\t12万人"


# --- docx -------------------------------------------------------------------------------


def add_chinese_numbering(document: Document) -> str:
    """A w:num for "第一条" at level 0 and "（一）" at level 1; returns its numId."""
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {W_NS} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="第%1条"/><w:suff w:val="space"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
            '<w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {W_NS} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def numbered(paragraph: Paragraph, num_id: str, level: int) -> None:
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def test_docx_keeps_body_order_numbering_and_tables(tmp_path: Path) -> None:
    paras = paragraphs(LEAVE)
    articles = [p for p in paras if ARTICLE.match(p)]
    document = docx.Document()
    document.add_heading(paras[0], level=1)
    num_id = add_chinese_numbering(document)
    for text in articles[:12]:  # typed numbering, literally in the paragraph
        document.add_paragraph(text)
    for text in [
        "年休假天数根据职工累计工作时间确定",
        "职工在年休假期间享受与正常工作期间相同的工资收入",
    ]:
        numbered(document.add_paragraph(text), num_id, 0)
    numbered(document.add_paragraph("依法参加社会保险的"), num_id, 1)
    numbered(document.add_paragraph("请事假累计20天以上的"), num_id, 1)
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate(
        [("累计工作时间", "年休假天数", "依据"), ("满1年不满10年", "5天", "条例第三条")]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    for text in ["办理年休假的程序", "核定休假天数"]:
        document.add_paragraph(text, style="List Number")
    document.add_paragraph(articles[-1])
    path = tmp_path / "规定.docx"
    document.save(str(path))

    got = read_document(path)
    lines = got.text.split("\n")
    assert got.format == "docx"
    assert lines[0] == paras[0]
    assert lines[1:13] == articles[:12]
    assert lines[13:17] == [
        "第一条 年休假天数根据职工累计工作时间确定",
        "第二条 职工在年休假期间享受与正常工作期间相同的工资收入",
        "（一）依法参加社会保险的",
        "（二）请事假累计20天以上的",
    ]
    assert lines[17:19] == ["累计工作时间\t年休假天数\t依据", "满1年不满10年\t5天\t条例第三条"]
    assert lines[19:] == ["1. 办理年休假的程序", "2. 核定休假天数", articles[-1]]


@pytest.mark.parametrize(
    "n, fmt, label",
    [
        (10, "chineseCounting", "十"),
        (21, "taiwaneseCountingThousand", "二十一"),
        (101, "chineseCountingThousand", "一百零一"),
        (110, "chineseCounting", "一百一十"),
        (11, "chineseLegalSimplified", "壹拾壹"),
        (3, "ideographTraditional", "丙"),
        (4, "upperRoman", "IV"),
        (28, "lowerLetter", "bb"),
        (5, "decimalFullWidth", "５"),
    ],
)
def test_word_number_formats(n: int, fmt: str, label: str) -> None:
    assert format_number(n, fmt) == label


def test_zip_bomb_inside_docx_is_refused_before_parsing(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    path = tmp_path / "bomb.docx"
    path.write_bytes(buffer.getvalue())
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf,
        zf.open("word/media/image1.png", "w") as member,
    ):
        for _ in range(200):
            member.write(b"\0" * 2**20)  # 200 MB that packs into 200 KB
    assert path.stat().st_size < 1_000_000
    with pytest.raises(ReadError, match="压缩炸弹"):
        read_document(path)


def test_plain_zip_named_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "not a document")
    with pytest.raises(ReadError, match="ZIP 压缩包，不是 Word"):
        read_document(path)


# --- pdf --------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize(
    "label", ['"- " counter(page) " -"', '"第 " counter(page) " 页 共 " counter(pages) " 页"']
)
def test_pdf_from_chromium_drops_running_lines_and_joins_pages(tmp_path: Path, label: str) -> None:
    paras = paragraphs(RAIL)
    got = read_document(print_pdf(tmp_path, page_html(paras, label)))
    lines = got.text.split("\n")
    assert got.format == "pdf" and got.warnings == ()
    assert in_order([p for p in paras if ARTICLE.match(p)], lines)
    assert lines == paras  # every paragraph whole: none split at a page break, none merged
    assert HEADER not in got.text and FOOTER not in got.text
    assert not [ln for ln in lines if re.fullmatch(r"[-\s\d]+|第 ?\d+ ?页.*", ln)]
    assert len(got.pages) >= 15
    assert got.pages[0][0] == 0 and got.pages[-1][1] == len(got.text)
    joins = [
        end for (_, end), (start, _) in zip(got.pages, got.pages[1:], strict=False) if end == start
    ]
    assert joins, "some paragraph must run over a page break"
    for offset in joins:  # the paragraph around each join is a whole source paragraph
        begin = got.text.rfind("\n", 0, offset) + 1
        end = got.text.find("\n", offset)
        assert got.text[begin : end if end >= 0 else None] in paras


@pytest.fixture(scope="module")
def scanned_pdf(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """An image-only PDF: Chromium's screenshot of rendered text, wrapped by Pillow."""
    from PIL import Image

    tmp_path = tmp_path_factory.mktemp("scan")
    paras = paragraphs(LEAVE)[:7]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paras)
    page = tmp_path / "scan.html"
    page.write_text(
        '<!doctype html><meta charset="utf-8"><style>body{font-family:"Noto Serif CJK'
        ' SC";font-size:28px;width:1100px;margin:40px;line-height:1.7}p{text-indent:2em;'
        f"margin:0 0 .4em}}</style>{body}",
        encoding="utf-8",
    )
    png = tmp_path / "scan.png"
    chromium(
        tmp_path,
        f"--screenshot={png}",
        "--window-size=1200,1500",
        "--hide-scrollbars",
        page.as_uri(),
    )
    pdf = tmp_path / "scan.pdf"
    Image.open(png).convert("RGB").save(pdf, resolution=150)
    return pdf, paras


@pytest.mark.browser
def test_scanned_pdf_without_ocr_asks_for_the_extra(
    scanned_pdf: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr_module, "available", lambda: False)
    with pytest.raises(ReadError, match=r"扫描件.*pip install 'policyqa\[ocr\]'") as err:
        read_document(scanned_pdf[0])
    assert "\n" not in str(err.value) and "scan.pdf" in str(err.value)


@pytest.mark.browser
@pytest.mark.skipif(not ocr_module.available(), reason="rapidocr not installed (policyqa[ocr])")
def test_scanned_pdf_is_read_by_ocr(scanned_pdf: tuple[Path, list[str]]) -> None:
    pdf, paras = scanned_pdf
    got = read_document(pdf)
    assert got.format == "pdf-ocr" and got.warnings and len(got.pages) == 1

    def squash(text: str) -> str:  # OCR drops spaces and may mix half- and full-width brackets
        return re.sub(r"\s", "", text).replace("(", "（").replace(")", "）")

    lines = [squash(ln) for ln in got.text.split("\n")]
    for want in map(squash, paras):
        best = max(difflib.SequenceMatcher(None, want, ln).ratio() for ln in lines)
        assert best > 0.9, want


# --- html -------------------------------------------------------------------------------


def test_government_html_page_gives_the_article_only(tmp_path: Path) -> None:
    paras = paragraphs(LEAVE)
    path = tmp_path / "t20240520_123.html"
    path.write_bytes(gov_page(paras[0], paras[1:]).encode("gbk"))
    got = read_document(path)
    lines = got.text.split("\n")
    assert got.format == "html"
    assert lines[0] == paras[0]
    assert in_order(paras[1:], lines) and "序号\t事项" in lines and "1\t年休假审批" in lines
    assert [w for w in LEAKS.split() if w in got.text] == []


def test_html_full_of_scripts(tmp_path: Path) -> None:
    paras = paragraphs(LEAVE)[:6]
    junk = "<script>" + "var x = '伪造的正文内容，不应出现';" * 2000 + "</script>"
    article = "".join(f"<p>{p}</p>" for p in paras)
    path = tmp_path / "scripts.htm"
    path.write_text(f"<html><body>{junk * 100}{article}{junk}</body></html>", encoding="utf-8")
    assert path.stat().st_size > 5 * 2**20
    got = read_document(path)
    assert "伪造" not in got.text and in_order(paras[1:], got.text.split("\n"))


# --- hostile and odd inputs -------------------------------------------------------------


def test_html_named_pdf_is_read_as_html_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "download.pdf"
    path.write_text(
        "<!DOCTYPE html><html><body><p>第一条 内容。</p></body></html>", encoding="utf-8"
    )
    got = read_document(path)
    assert got.format == "html" and "第一条 内容。" in got.text
    assert any("扩展名是 .pdf" in w for w in got.warnings)


HOSTILE = {  # name, content, read_document's max_bytes, what the message must say
    "exe": ("policy.pdf", b"MZ\x90\x00" + os.urandom(4096), None, "可执行程序"),
    "oversized": ("big.txt", "第一条 内容。\n".encode() * 2000, 10_000, "太大"),
    "empty": ("empty.docx", b"", None, "空文件"),
    "blank-text": ("blank.md", b"\n\n   \n", None, "空文件"),
    "truncated-pdf": ("cut.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", None, "损坏"),
    "old-doc": ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, None, ".docx"),
    "missing": ("missing.txt", None, None, "不存在"),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_inputs_raise_one_line_errors(tmp_path: Path, kind: str) -> None:
    name, content, max_bytes, expected = HOSTILE[kind]
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ReadError) as err:
        read_document(path, max_bytes or MAX_BYTES)
    message = str(err.value)
    assert expected in message and str(path) in message and "\n" not in message
