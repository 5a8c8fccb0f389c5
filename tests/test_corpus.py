from pathlib import Path

import pytest

from policyqa.errors import CorpusError
from policyqa.ingest.corpus import load_documents, load_source


def test_metadata_names_every_document(corpus_dir: Path) -> None:
    docs = {d.doc_id: d for d in load_documents(corpus_dir)}
    assert set(docs) == {"action-2026", "action-2023", "outline", "liangjiang-2023", "metro"}
    assert docs["action-2026"].doc_number == "渝府发〔2026〕8号"
    assert docs["metro"].doc_number == "渝府发〔2022〕37号"
    assert "两江新区实施方案" in docs["liangjiang-2023"].short_names
    assert docs["outline"].issuer == ""  # the text does not say


def test_seed_files_are_copied_unchanged(corpus_dir: Path) -> None:
    seeds = corpus_dir.parent.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"{seeds} is absent: nothing to compare corpus/ with")
    for d in load_documents(corpus_dir):
        assert (corpus_dir / d.file).read_bytes() == (seeds / d.seed_file).read_bytes()


def test_cleaning_removes_export_noise(corpus_dir: Path) -> None:
    for d in load_documents(corpus_dir):
        for p in load_source(corpus_dir, d).paras:
            assert "[bookmark:" not in p.text and "**" not in p.text


def test_paragraph_offsets_point_into_the_source(corpus_dir: Path) -> None:
    d = next(d for d in load_documents(corpus_dir) if d.doc_id == "liangjiang-2023")
    source = load_source(corpus_dir, d)
    for p in source.paras:
        span = source.raw[p.start : p.end]
        assert p.text[:6] in span.replace("[bookmark:", "") or p.text[:6] in span


def test_run_in_page_drops_repeated_passages(corpus_dir: Path) -> None:
    d = next(d for d in load_documents(corpus_dir) if d.doc_id == "metro")
    source = load_source(corpus_dir, d)
    assert source.dropped_duplicates > 10
    texts = [p.text for p in source.paras if len(p.text) > 20]
    assert len(texts) == len(set(texts))


def test_run_in_page_contents_are_read_with_their_spans(corpus_dir: Path) -> None:
    d = next(d for d in load_documents(corpus_dir) if d.doc_id == "metro")
    source = load_source(corpus_dir, d)
    assert len(source.contents) == 46
    assert source.contents[0].text == "第一章 规划背景"
    assert "第三节 营造良好创新生态" in [p.text for p in source.contents]
    assert all(source.raw[p.start : p.end] == p.text.replace(" ", "") for p in source.contents)


def test_missing_metadata_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="documents.toml"):
        load_documents(tmp_path)


def test_metadata_naming_a_missing_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "documents.toml").write_text(
        '[[document]]\nid = "x"\ntitle = "X"\nfile = "gone.txt"\n', encoding="utf-8"
    )
    with pytest.raises(CorpusError, match="gone.txt"):
        load_documents(tmp_path)
