from pathlib import Path

import pytest

from policyqa.errors import ConfigError
from policyqa.settings import load_settings


def test_environment_then_overrides() -> None:
    s = load_settings(environ={"POLICYQA_RRF_K": "20", "POLICYQA_INDEX_DIR": "/tmp/x"}, rrf_k=None)
    assert s.rrf_k == 20 and s.index_dir == Path("/tmp/x")
    assert load_settings(environ={"POLICYQA_RRF_K": "20"}, rrf_k=5).rrf_k == 5


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"POLICYQA_RRF_K": "many"}, "POLICYQA_RRF_K"),
        ({"POLICYQA_MODE": "fuzzy"}, "fuzzy"),
        ({"POLICYQA_ENCODER": "bert"}, "bert"),
    ],
)
def test_bad_values_name_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(environ=env)
