"""The development gold set (eval/gold) is well formed and consistent with the seed texts."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from support import REGULATIONS

REPO_ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO_ROOT / "eval" / "gold"
CORPUS_DIR = REPO_ROOT / "corpus"  # the seed texts, mapped through documents.toml
SAMPLE = GOLD_DIR / "sample.jsonl"  # a copy of the public sample (shared/eval/sample.jsonl)
SHARED = REPO_ROOT.parent / "shared"
DEV = GOLD_DIR / "dev.jsonl"
FRESH_HELDOUT = GOLD_DIR / "fresh-heldout.jsonl"
HELDOUT = GOLD_DIR / "heldout.jsonl"
DOC_KEYS = ["000", "001", "002", "003", "004"]


def _load_verify_module():
    spec = importlib.util.spec_from_file_location("gold_verify", GOLD_DIR / "verify.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gv = _load_verify_module()


@pytest.fixture(scope="module")
def corpus() -> dict[str, str]:
    return gv.load_corpus(CORPUS_DIR)


def _items(path: Path) -> list[dict]:
    items, problems = gv.load_jsonl(path)
    assert problems == []
    return items


@pytest.fixture(scope="module")
def dev() -> list[dict]:
    return _items(DEV)


@pytest.fixture(scope="module")
def heldout() -> list[dict]:
    return _items(HELDOUT)


@pytest.fixture(scope="module")
def sample() -> list[dict]:
    return _items(SAMPLE)


def test_seeds_cover_all_documents(corpus):
    assert sorted(corpus) == DOC_KEYS


def test_dev_has_no_problems(dev, corpus):
    assert gv.verify(dev, corpus) == []


def test_heldout_has_no_problems(heldout, corpus):
    assert gv.verify(heldout, corpus) == []


def test_public_sample_has_no_problems(sample, corpus):
    assert gv.verify(sample, corpus) == []


def test_sets_together_have_no_problems(dev, heldout, sample, corpus):
    """Ids are unique across the files and no gold string is shared between them."""
    assert gv.verify(dev + heldout + sample, corpus) == []


def test_shared_seeds_give_same_result(dev, heldout, sample):
    """The seeds beside the checkout hold the same texts as corpus/ (where they exist)."""
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"{seeds} is absent: the corpus/ copy is checked on its own")
    project = gv.load_corpus(seeds)
    assert sorted(project) == DOC_KEYS
    assert gv.verify(dev + heldout + sample, project) == []


def test_sample_is_the_public_one():
    """eval/gold/sample.jsonl is an unchanged copy of the public sample, where it is beside us."""
    public = SHARED / "eval" / "sample.jsonl"
    if not public.is_file():
        pytest.skip(f"{public} is absent: the repository's copy is used")
    assert SAMPLE.read_bytes() == public.read_bytes()


def test_counts_meet_minimums(dev, heldout):
    assert len(dev) >= 120
    assert len(heldout) >= 40
    assert len(dev) + len(heldout) >= 160


@pytest.mark.parametrize(("name", "prefix"), [("dev", "d"), ("heldout", "h")])
def test_ids_are_sequential(name, prefix, request):
    items = request.getfixturevalue(name)
    assert [it["id"] for it in items] == [f"{prefix}-{i:03d}" for i in range(1, len(items) + 1)]


@pytest.mark.parametrize("name", ["dev", "heldout"])
def test_every_type_is_covered(name, request):
    items = request.getfixturevalue(name)
    assert set(Counter(it["type"] for it in items)) == gv.TYPES


@pytest.mark.parametrize("name", ["dev", "heldout"])
def test_every_document_is_covered(name, request):
    items = request.getfixturevalue(name)
    used = {gv.doc_key(d) for it in items for d in it["doc"]}
    assert used == set(DOC_KEYS)


@pytest.mark.parametrize("name", ["dev", "heldout"])
def test_lead_department_items_come_from_003(name, request):
    items = request.getfixturevalue(name)
    leads = [it for it in items if it["type"] == "lead_department"]
    assert leads
    assert all([gv.doc_key(d) for d in it["doc"]] == ["003"] for it in leads)


# Units named in `note`: numbered articles, indicator-table rows and section intros of the
# sectioned documents (000, 001, 003), and chapter sections / paragraphs of the outline (002).
_STRUCTURED = re.compile(r"(00[013]) (article \d+|indicator table row \d+|section \S+ intro)")
_OUTLINE = re.compile(r"002 (前言|第\S+?章(?:第\S+?节)?)(?:[^;]*?paragraph ([^;(（]+))?")


def _units(items: list[dict]) -> tuple[set[str], set[tuple[str, str | None]]]:
    structured: set[str] = set()
    outline: set[tuple[str, str | None]] = set()
    for it in items:
        for m in _STRUCTURED.finditer(it["note"]):
            structured.add(f"{m.group(1)} {m.group(2)}")
        for m in _OUTLINE.finditer(it["note"]):
            para = m.group(2).strip().rstrip("…,，") if m.group(2) else None
            outline.add((m.group(1), para))
    return structured, outline


def _overlap(a: list[dict], b: list[dict]) -> list[str]:
    sa, oa = _units(a)
    sb, ob = _units(b)
    clashes = sorted(sa & sb)
    for sec_a, para_a in oa:
        for sec_b, para_b in ob:
            if sec_a == sec_b and (para_a is None or para_b is None or para_a == para_b):
                clashes.append(f"002 {sec_a} {para_a or ''}/{para_b or ''}")
    return clashes


def test_note_units_are_parsed(dev, heldout):
    for items in (dev, heldout):
        structured, outline = _units(items)
        assert len(structured) > 20
        assert outline


@pytest.mark.parametrize(
    ("first", "second"), [("dev", "heldout"), ("dev", "sample"), ("heldout", "sample")]
)
def test_splits_do_not_share_units(first, second, request):
    """No article, indicator row, section intro or outline paragraph is used by two sets."""
    a = request.getfixturevalue(first)
    b = request.getfixturevalue(second)
    assert _overlap(a, b) == []


FRESH = {"fresh-dev": ("fd", GOLD_DIR / "fresh-dev.jsonl"), "fresh-heldout": ("fh", FRESH_HELDOUT)}


@pytest.mark.parametrize("name", sorted(FRESH))
def test_fresh_set_is_well_formed_and_covers_every_type(name, corpus):
    """The independently written sets (eval/gold/FRESH.md): valid, sequential, every type."""
    prefix, path = FRESH[name]
    items = _items(path)
    assert gv.verify(items, corpus) == []
    assert [it["id"] for it in items] == [f"{prefix}-{i:03d}" for i in range(1, len(items) + 1)]
    counts = Counter(it["type"] for it in items)
    assert set(counts) == gv.TYPES and min(counts.values()) >= 8, counts


FRESH_DEV2 = GOLD_DIR / "fresh-dev2.jsonl"


def test_second_fitting_set_is_well_formed(corpus):
    """fresh-dev2 (eval/README.md): valid, sequential ids, only the kinds it was written for,
    and at least 40 unanswerables."""
    items = _items(FRESH_DEV2)
    assert gv.verify(items, corpus) == []
    assert [it["id"] for it in items] == [f"fd2-{i:03d}" for i in range(1, len(items) + 1)]
    counts = Counter(it["type"] for it in items)
    assert set(counts) == {"paraphrase", "cross_lingual", "unanswerable"}, counts
    assert counts["unanswerable"] >= 40


FRESH_DEV3 = GOLD_DIR / "fresh-dev3.jsonl"


def test_third_fitting_set_is_well_formed(corpus):
    """fresh-dev3 (eval/gold/FRESH.md): valid, sequential ids, the kinds it was written for,
    at least 40 unanswerables and English questions among both kinds."""
    items = _items(FRESH_DEV3)
    assert gv.verify(items, corpus) == []
    assert [it["id"] for it in items] == [f"fd3-{i:03d}" for i in range(1, len(items) + 1)]
    counts = Counter(it["type"] for it in items)
    assert set(counts) == {"paraphrase", "cross_lingual", "unanswerable"}, counts
    assert counts["unanswerable"] >= 40
    assert sum(it["lang"] == "en" and it["type"] == "unanswerable" for it in items) >= 10


FRESH_HELDOUT2 = GOLD_DIR / "fresh-heldout2.jsonl"


def test_second_reporting_set_is_well_formed(corpus):
    """fresh-heldout2 (eval/gold/FRESH.md): valid, sequential ids, every kind, both languages
    among the unanswerables."""
    items = _items(FRESH_HELDOUT2)
    assert gv.verify(items, corpus) == []
    assert [it["id"] for it in items] == [f"fh2-{i:03d}" for i in range(1, len(items) + 1)]
    assert {it["type"] for it in items} == gv.TYPES
    unanswerable = [it["lang"] for it in items if it["type"] == "unanswerable"]
    assert set(unanswerable) == {"zh", "en"} and len(unanswerable) >= 10


def test_all_gold_sets_together_have_no_problems(dev, heldout, sample, corpus):
    """Ids unique and no gold string shared across all eight sets."""
    fresh = [it for _, path in FRESH.values() for it in _items(path)]
    fresh += _items(FRESH_DEV2) + _items(FRESH_DEV3) + _items(FRESH_HELDOUT2)
    assert gv.verify(dev + heldout + sample + fresh, corpus) == []


def test_dialogues_pass_their_checker():
    """eval/dialogues: every turn's gold and answer strings verified (eval/dialogues/check.py)."""
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "eval" / "dialogues" / "check.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "OK: all gold and answer strings verified" in done.stdout, (
        done.stdout + done.stderr
    )


ADDED = {"dev": GOLD_DIR / "added-dev.jsonl", "heldout": GOLD_DIR / "added-heldout.jsonl"}


def test_sets_over_added_documents_are_well_formed():
    """added-dev / added-heldout (eval/gold/FRESH.md) ask about real regulations added to the
    corpus: every gold string is verbatim, once, in the documents the two sets use; every
    answer string is in a named document; the two sets use different documents."""
    sets = {part: _items(path) for part, path in ADDED.items()}
    docs = {part: {d for it in items for d in it["doc"]} for part, items in sets.items()}
    assert docs["dev"] and docs["heldout"] and not docs["dev"] & docs["heldout"]
    text = {d: re.sub(r"\s+", "", (REGULATIONS / d).read_text(encoding="utf-8"))
            for d in docs["dev"] | docs["heldout"]}  # fmt: skip
    for part, items in sets.items():
        prefix = "ad" if part == "dev" else "ah"
        assert [it["id"] for it in items] == [f"{prefix}-{i:03d}" for i in range(1, len(items) + 1)]
        assert {it["type"] for it in items} >= gv.TYPES - {"lead_department", "cross_document"}
        for it in items:
            assert bool(it["doc"]) == (it["type"] != "unanswerable"), it["id"]
            for g in it["gold"]:
                assert 12 <= len(g) <= 40 and sum(t.count(g) for t in text.values()) == 1, it["id"]
                assert any(g in text[d] for d in it["doc"]), it["id"]
            assert all(any(a in text[d] for d in it["doc"]) for a in it["answer"]), it["id"]
