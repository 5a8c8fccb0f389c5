"""Documents PolicyQA was not built around: the 40 sample regulations added with
``policyqa add`` and cited article by article, looked up by full and short names."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from support import REGULATIONS
from support.titles import TITLES

from policyqa.engine import Engine
from policyqa.errors import BadInput
from policyqa.index.encoders import HashEncoder
from policyqa.index.update import add_documents
from policyqa.settings import Settings
from policyqa.text.numerals import cn_to_int
from policyqa.types import ClauseKind

FILES = sorted(REGULATIONS.glob("*.txt"))
LINE_ARTICLE = re.compile(
    r"^[\s\u200b]*第([一二三四五六七八九十百千零〇]+)条(之[一二三四五六七八九十]+)?[\s\u3000]+(\S.{0,11})",
    re.M,
)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, index_settings: Settings) -> Engine:
    """The bundled corpus plus all 40 sample regulations, added as a user would (the hashing
    encoder stands in for the model: lookups and structure do not depend on it)."""
    root = tmp_path_factory.mktemp("library")
    shutil.copytree(index_settings.corpus_dir, root / "corpus")
    settings = index_settings.with_overrides(
        corpus_dir=root / "corpus", index_dir=root / "index", encoder="hash"
    )
    results = add_documents(settings, FILES, HashEncoder(), progress=False)
    assert [r.status for r in results] == ["added"] * len(FILES), results
    return Engine.load(settings, HashEncoder())


def _doc(engine: Engine, path: Path) -> str:
    return next(d.doc_id for d in engine.documents if d.source.endswith(path.name))


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_every_article_is_one_clause_citing_it(library: Engine, path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    expected = [(m[1], m[2] or "", m[3]) for m in LINE_ARTICLE.finditer(raw)]
    doc = library.document(_doc(library, path))
    articles = [c for c in library.clauses_of(doc.doc_id) if c.kind == ClauseKind.ARTICLE]
    assert len(articles) == len(expected)
    for c, (numeral, suffix, words) in zip(articles, expected, strict=True):
        assert c.label == f"第{numeral}条{suffix}"
        assert c.citation == f"《{doc.title}》第{numeral}条{suffix}"
        assert c.number == cn_to_int(numeral)
        first = re.sub(r"\s+", " ", words.replace("\u200b", "")).strip()
        assert c.text.split(" ", 1)[1].startswith(first), c.clause_id


def test_no_clause_is_blank_or_a_zero_width_space(library: Engine) -> None:
    """The sample texts carry zero-width spaces on lines of their own (noise, not clauses)."""
    blank = [c.clause_id for c in library.index.clauses if not c.text.strip("\u200b \n\u3000")]
    assert blank == []
    assert all("\u200b" not in c.text for c in library.index.clauses)


def test_titles_come_from_the_texts(library: Engine) -> None:
    added = {Path(d.source).stem: d for d in library.documents if d.source}
    assert {stem: d.title for stem, d in added.items()} == TITLES
    assert all(d.kind for d in added.values())


@pytest.mark.parametrize(
    ("ref", "citation", "starts"),
    [
        (
            "北京市物业管理条例第二十九条",
            "《北京市物业管理条例》第二十九条",
            "第二十九条 业主可以成立",
        ),
        ("北京市物业管理条例第10条", "《北京市物业管理条例》第十条", "第十条"),
        ("物业条例第二十九条第二款", "《北京市物业管理条例》第二十九条第二款", ""),
        ("旅游条例第五条", "《上海市旅游条例》第五条", "第五条 市人民政府"),
        ("市容环卫条例第三条", "《上海市市容环境卫生管理条例》第三条", "第三条"),
        ("饲料条例第一条", "《饲料和饲料添加剂管理条例》第一条", "第一条"),
        ("Article 9 of 北京市物业管理条例", "《北京市物业管理条例》第九条", "第九条"),
    ],
)
def test_lookup_by_full_and_short_names(
    library: Engine, ref: str, citation: str, starts: str
) -> None:
    res = library.lookup(ref)
    assert len(res.clauses) == 1, [c.citation for c in res.clauses]
    c = res.clauses[0]
    part = res.parts.get(c.clause_id)
    assert c.citation + (part.label if part else "") == citation
    assert c.text.startswith(starts)


def test_item_and_range_lookups(library: Engine) -> None:
    res = library.lookup("北京市物业管理条例第六条第（三）项")
    part = res.parts[res.clauses[0].clause_id]
    assert part.label.endswith("第（三）项") and part.text.startswith(
        "指导和监督本市住宅专项维修资金"
    )
    span = library.lookup("北京市物业管理条例第九条至第十一条")
    assert [c.label for c in span.clauses] == ["第九条", "第十条", "第十一条"]


def test_an_ambiguous_short_name_names_the_candidates(library: Engine) -> None:
    with pytest.raises(BadInput, match="可指多个文件") as err:
        library.lookup("音像条例第五条")
    assert "《音像制品管理条例》" in str(err.value) and "《上海市音像制品管理条例》" in str(
        err.value
    )


def test_a_cross_reference_is_never_a_heading_or_a_clause(library: Engine) -> None:
    doc = _doc(library, REGULATIONS / "北京市物业管理条例(2024-03-29).txt")
    clauses = library.clauses_of(doc)
    assert all(not h.text.startswith(("依照", "依据")) for c in clauses for h in c.headings)
    assert [c.number for c in clauses if c.kind == ClauseKind.ARTICLE] == list(range(1, 105))


def test_a_newer_version_supersedes_the_older(library: Engine, tmp_path: Path) -> None:
    """The same title with a later date: the older version stays searchable, marked and
    ranked after the current one."""
    old = REGULATIONS / "上海市旅游条例(2020-05-14).txt"
    text = old.read_text(encoding="utf-8")
    note = "2025年9月26日 上海市第十六届人民代表大会常务委员会第二十五次会议修订\n\n"
    newer = tmp_path / "上海市旅游条例(2025).txt"
    at = text.index("\n\n", text.index("第四次修正")) + 2
    newer.write_text(text[:at] + note + text[at:].replace("旅游者", "游客", 3), "utf-8")
    root = tmp_path / "copy"
    shutil.copytree(library.settings.corpus_dir, root / "corpus")
    shutil.copytree(library.settings.index_dir, root / "index", symlinks=True)
    settings = library.settings.with_overrides(corpus_dir=root / "corpus", index_dir=root / "index")
    (result,) = add_documents(settings, [newer], HashEncoder(), progress=False)
    engine = Engine.load(settings, HashEncoder())
    before = next(d for d in engine.documents if d.source.endswith(old.name))
    assert before.superseded_by == result.doc_id
    assert engine.document(result.doc_id).date == "2025-09-26"
    hits = engine.search("上海市旅游条例 旅游发展规划", k=10)
    docs = [h.clause.doc_id for h in hits if h.clause.doc_id in (before.doc_id, result.doc_id)]
    assert docs and docs[0] == result.doc_id
    assert docs == sorted(docs, key=lambda d: d != result.doc_id)  # the current version first
