"""Schemathesis fuzzes every API operation from the app's own OpenAPI schema.

In-process (ASGI) against the real engine and index: no 5xx, every status code, content
type and body as the schema declares. ``REQUESTS`` counts what was sent; the last test
checks the total (at least 2,000) and that the catch-all 500 handler never ran.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from policyqa.engine import Engine
from policyqa.feedback import FeedbackStore
from policyqa.settings import Settings
from policyqa.web.app import create_app

ADMIN = "fuzz-admin-token"
# parametrised operations x EXAMPLES (ask is ~10x slower: fewer), plus the methods each path
# refuses and the operations without parameters: > 2,000 requests in about a minute
EXAMPLES = 300
ASK_EXAMPLES = 160
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
)
REQUESTS: Counter[str] = Counter()


@pytest.fixture(scope="session")
def fuzz_app(index_settings: Settings, engine: Engine, tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("fuzz") / "policyqa.db"
    return create_app(index_settings.with_overrides(admin_token=ADMIN), engine, FeedbackStore(db))


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@pytest.fixture(scope="session")
def fuzz_schema(fuzz_app):
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


def _check(case) -> None:
    op = f"{case.method} {case.path}"
    # never start a real rebuild of the session index; the route is still fuzzed unauthenticated
    headers = {} if op == "POST /api/admin/reindex" else {"authorization": f"Bearer {ADMIN}"}
    response = case.call(headers=headers)
    REQUESTS[op] += 1
    case.validate_response(response, checks=CHECKS)


@schema.exclude(path="/api/ask").parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case) -> None:
    _check(case)


@schema.include(path="/api/ask").parametrize()
@settings(
    max_examples=ASK_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_ask_conforms_to_its_schema(case) -> None:
    _check(case)


def test_fuzzing_sent_enough_requests_and_no_500(fuzz_app) -> None:
    total = sum(REQUESTS.values())
    print(f"schemathesis: {total} requests: {dict(REQUESTS)}")
    assert len(REQUESTS) >= 12, REQUESTS
    assert total >= 2000, REQUESTS
    assert fuzz_app.state.internal_errors == 0
