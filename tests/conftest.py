"""Session fixtures: the real corpus, indexed once per test session with the real model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support import REPO as ROOT

from policyqa.engine import Engine
from policyqa.index.build import build_index
from policyqa.settings import Settings, load_settings

REPO = ROOT
# the checkout's copy of the public sample (test_gold_set compares it with shared/ when there)
SAMPLE = REPO / "eval" / "gold" / "sample.jsonl"


@pytest.fixture(scope="session")
def index_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings whose index_dir holds a fresh index of the bundled corpus (built once)."""
    index_dir = tmp_path_factory.mktemp("index")
    cache = REPO / "index" / "cache"
    if cache.is_dir():  # reuse embeddings a developer already computed: same text, same vector
        shutil.copytree(cache, index_dir / "cache")
    settings = load_settings(environ={}, index_dir=index_dir)
    build_index(settings, progress=False)
    return settings


@pytest.fixture(scope="session")
def engine(index_settings: Settings) -> Engine:
    return Engine.load(index_settings)


@pytest.fixture(scope="session")
def sample_path() -> Path:
    """The public evaluation sample (the checkout's copy of shared/eval/sample.jsonl)."""
    return SAMPLE


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return REPO / "corpus"
