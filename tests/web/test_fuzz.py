"""Schemathesis fuzzes every API operation from the app's own OpenAPI schema.

In-process (ASGI) against the real engine and index: no 5xx, every status code, content
type and body as the schema declares. Each operation is fuzzed by Hypothesis inside one
test, which also counts what it sent, so nothing depends on the order tests run in (and
nothing on schemathesis's pytest plugin, which pytest releases have broken before).
"""

from __future__ import annotations

import re
import shutil
import time
from collections import Counter

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from policyqa.engine import Engine
from policyqa.settings import Settings
from policyqa.web.app import create_app
from policyqa.web.feedback_store import FeedbackStore

ADMIN = "fuzz-admin-token"
UPLOAD_OP = "POST /api/admin/documents"
UPLOAD_EXAMPLES = 120  # each accepted one starts a job (its files fail or go in the copy)
# examples per operation (ask is ~10x slower: fewer), plus the methods each path refuses
# and the operations without parameters: > 2,000 requests in about a minute
EXAMPLES = 300
ASK_EXAMPLES = 160
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
)


@pytest.fixture(scope="module")
def fuzz_app(index_settings: Settings, engine: Engine, tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("fuzz") / "policyqa.db"
    return create_app(index_settings.with_overrides(admin_token=ADMIN), engine, FeedbackStore(db))


@pytest.fixture(scope="module")
def upload_app(index_settings: Settings, engine: Engine, tmp_path_factory: pytest.TempPathFactory):
    """An app over a private copy of the corpus and index: the upload is fuzzed with the
    admin token there (whatever the fuzzer sends may go in)."""
    root = tmp_path_factory.mktemp("fuzz-upload")
    shutil.copytree(index_settings.corpus_dir, root / "corpus")
    shutil.copytree(index_settings.index_dir, root / "index", symlinks=True)
    settings = index_settings.with_overrides(
        corpus_dir=root / "corpus", index_dir=root / "index", admin_token=ADMIN
    )
    return create_app(settings, Engine.load(settings, engine.encoder), FeedbackStore(root / "db"))


def _fuzz(operation, sent: Counter[str], token: bool | None = None) -> None:
    label = f"{operation.method.upper()} {operation.path}"
    # never rebuild the session index or add documents to it: those routes are fuzzed
    # without the token here (the upload also with it, over a copy: see upload_app)
    if token is None:
        token = label not in ("POST /api/admin/reindex", UPLOAD_OP)
    headers = {"authorization": f"Bearer {ADMIN}"} if token else {}
    private = token and label == UPLOAD_OP
    examples = ASK_EXAMPLES if operation.path == "/api/ask" else EXAMPLES

    @given(case=operation.as_strategy())
    @settings(
        max_examples=UPLOAD_EXAMPLES if private else examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case) -> None:
        response = case.call(headers=headers)
        sent[f"{label} (token) {response.status_code}" if private else label] += 1
        case.validate_response(response, checks=CHECKS)

    run()


def _served_elsewhere(declared: dict[str, set[str]], path: str, url: str, method: str) -> bool:
    for other, methods in declared.items():
        pattern = re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(other))
        if other != path and method in methods and re.fullmatch(pattern, url):
            return True
    return False


def _refused_methods(fuzz_app, operations, sent: Counter[str]) -> None:
    """Every method a path does not declare gets a 405 with a JSON error."""
    declared: dict[str, set[str]] = {}
    for op in operations:
        declared.setdefault(op.path, set()).add(op.method.upper())
    with TestClient(fuzz_app) as client:
        for path, methods in declared.items():
            url = path.replace("{clause_id}", "x:1").replace("{doc_id}", "x")
            url = url.replace("{feedback_id}", "1")
            for method in sorted({"GET", "POST", "PUT", "PATCH", "DELETE"} - methods):
                if _served_elsewhere(declared, path, url, method):
                    continue  # DELETE /api/feedback/export is DELETE /api/feedback/{id}
                r = client.request(method, url, headers={"authorization": f"Bearer {ADMIN}"})
                sent[f"{method} {path}"] += 1
                assert r.status_code == 405, (method, path, r.status_code)
                assert isinstance(r.json().get("error"), str)


def test_every_operation_conforms_to_its_schema_and_never_fails(fuzz_app, upload_app) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    sent: Counter[str] = Counter()
    for operation in operations:
        _fuzz(operation, sent)
    private = schemathesis.openapi.from_asgi("/openapi.json", upload_app)
    (upload,) = [
        op
        for op in (r.ok() for r in private.get_all_operations())
        if f"{op.method.upper()} {op.path}" == UPLOAD_OP
    ]
    _fuzz(upload, sent, token=True)
    assert sent[f"{UPLOAD_OP} (token) 202"] > 0, sent  # past the token, into real jobs
    deadline = time.monotonic() + 120
    while upload_app.state.index_lock.locked() and time.monotonic() < deadline:
        time.sleep(0.1)  # the last job ends
    assert upload_app.state.internal_errors == 0
    _refused_methods(fuzz_app, operations, sent)
    print(f"schemathesis: {sum(sent.values())} requests: {dict(sent)}")
    assert len(sent) >= 12, sent
    assert sum(sent.values()) >= 2000, sent
    assert fuzz_app.state.internal_errors == 0
