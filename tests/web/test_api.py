"""The JSON API and the HTML pages over real HTTP, against the real index (no mocks)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policyqa.engine import Engine
from policyqa.errors import IndexProblem
from policyqa.settings import WEB_ASSETS, Settings
from policyqa.web.app import create_app
from policyqa.web.middleware import MAX_BODY_BYTES

from .conftest import json_error

EXAMPLE = "两江新区推进西部陆海新通道建设由哪个部门牵头？"
LJ27 = "liangjiang-2023:27"


# ---------------------------------------------------------------- health and search


def test_healthz_reports_the_manifest(client: httpx.Client, engine: Engine) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["documents"] == 5
    assert body["clauses"] == engine.manifest["counts"]["clauses"] == len(engine.index.clauses)
    assert body["encoder"] == engine.manifest["encoder"]["name"]


def test_search_example_question_finds_article_27_first(client: httpx.Client) -> None:
    r = client.get("/api/search", params={"q": EXAMPLE, "k": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["query"] == EXAMPLE
    assert len(body["results"]) == 5
    top = body["results"][0]
    assert top["rank"] == 1
    assert top["clause_id"] == LJ27
    assert "第27条" in top["citation"]
    assert "自贸办" in top["lead_departments"]


def test_search_matches_the_cli_json(client: httpx.Client, index_settings: Settings) -> None:
    cli = subprocess.run(
        [sys.executable, "-m", "policyqa.cli", "search", EXAMPLE, "--json", "-k", "7"]
        + ["--index-dir", str(index_settings.index_dir), "--encoder", index_settings.encoder],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    r = client.get("/api/search", params={"q": EXAMPLE, "k": 7})
    assert r.json() == json.loads(cli.stdout)


def test_search_document_filter_is_repeatable(client: httpx.Client) -> None:
    r = client.get(
        "/api/search",
        params=[("q", "研发经费投入强度"), ("k", "8"), ("doc", "outline"), ("doc", "metro")],
    )
    assert r.status_code == 200
    docs = {x["doc_id"] for x in r.json()["results"]}
    assert docs and docs <= {"outline", "metro"}
    r = client.get("/api/search", params={"q": "研发经费投入强度", "doc": "outline"})
    assert {x["doc_id"] for x in r.json()["results"]} == {"outline"}


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_search_modes(client: httpx.Client, mode: str) -> None:
    r = client.get("/api/search", params={"q": "西部陆海新通道", "k": 3, "mode": mode})
    assert r.status_code == 200
    assert len(r.json()["results"]) == 3


# ---------------------------------------------------------------- ask


def test_ask_example_question_cites_article_27(client: httpx.Client, engine: Engine) -> None:
    r = client.post("/api/ask", json={"question": EXAMPLE})
    assert r.status_code == 200
    body = r.json()
    # exactly Answer.to_dict(), plus the reading: a question without history inherits nothing
    reading = {"resolved_question": EXAMPLE, "follow_up": "fresh", "reading": None}
    assert body == {**engine.ask(EXAMPLE).to_dict(), **reading, "reading_source": "rules"}
    assert not body["abstained"]
    assert body["citations"][0]["clause_id"] == LJ27
    assert "第27条" in body["citations"][0]["citation"]
    assert "自贸办" in body["answer"]


def test_ask_details_adds_clause_summaries(client: httpx.Client) -> None:
    r = client.post("/api/ask", json={"question": EXAMPLE, "details": True, "k": 3})
    body = r.json()
    info = body["clauses"][LJ27]
    assert info["short_name"] == "两江新区实施方案"
    assert info["label"] == "第27条"
    assert info["heading_path"][0] == "二、重点任务"
    assert info["url"] == "/clauses/liangjiang-2023:27"
    ids = {c["clause_id"] for c in body["citations"] + body["related"]}
    assert ids == set(body["clauses"])


def test_ask_restricted_to_one_document(client: httpx.Client) -> None:
    r = client.post(
        "/api/ask",
        json={"question": "到2030年重庆研发经费投入强度目标是多少？", "docs": ["outline"]},
    )
    assert r.status_code == 200
    body = r.json()
    cited = body["citations"] + body["related"]
    assert cited and all(c["clause_id"].startswith("outline:") for c in cited)


# ---------------------------------------------------------------- clauses, lookup, documents


def test_clause_with_neighbours(client: httpx.Client, engine: Engine) -> None:
    r = client.get(f"/api/clauses/{LJ27}")
    assert r.status_code == 200
    body = r.json()
    assert body["clause_id"] == LJ27
    assert body["citation"].endswith("第27条")
    prev, nxt = engine.neighbours(LJ27)
    assert body["prev_id"] == prev.clause_id
    assert body["next_id"] == nxt.clause_id == "liangjiang-2023:28"
    assert body["document"]["doc_id"] == "liangjiang-2023"
    first = engine.clauses_of("outline")[0].clause_id
    assert client.get("/api/clauses/" + quote(first)).json()["prev_id"] is None


def test_unknown_clause_is_404_with_candidates(client: httpx.Client) -> None:
    body = json_error(client.get("/api/clauses/liangjiang-2023:999"), 404)
    assert body["candidates"]
    assert all(c["clause_id"].startswith("liangjiang-2023:") for c in body["candidates"])


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("两江新区实施方案第27条", ["liangjiang-2023:27"]),
        ("2026—2030年行动方案 第十三条", ["action-2026:13"]),
        ("liangjiang-2023:27", ["liangjiang-2023:27"]),
    ],
)
def test_lookup(client: httpx.Client, ref: str, expected: list[str]) -> None:
    r = client.get("/api/lookup", params={"ref": ref})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ref"] == ref
    assert [c["clause_id"] for c in body["clauses"]] == expected
    assert body["clauses"][0]["url"].startswith("/clauses/")


def test_lookup_chapter_and_section(client: httpx.Client) -> None:
    r = client.get("/api/lookup", params={"ref": "规划纲要第六章第二节"})
    ids = [c["clause_id"] for c in r.json()["clauses"]]
    assert ids and all(i.startswith("outline:6.2.") for i in ids)


def test_lookup_unknown_reference_gives_candidates(client: httpx.Client) -> None:
    body = json_error(client.get("/api/lookup", params={"ref": "两江新区实施方案第99条"}), 404)
    ids = [c["clause_id"] for c in body["candidates"]]
    assert ids and all(i.startswith("liangjiang-2023:") for i in ids)
    assert "两江新区实施方案第99条" in body["error"]


def test_documents(client: httpx.Client, engine: Engine) -> None:
    r = client.get("/api/documents")
    assert r.status_code == 200
    docs = r.json()["documents"]
    assert [d["doc_id"] for d in docs] == [d.doc_id for d in engine.documents]
    for d in docs:
        assert {"title", "issuer", "doc_number", "date", "period", "short_name"} <= set(d)
        assert d["clause_count"] == len(engine.clauses_of(d["doc_id"]))


def test_document_outline(client: httpx.Client, engine: Engine) -> None:
    body = client.get("/api/documents/liangjiang-2023").json()
    assert body["title"].startswith("两江新区")
    ids = [c["clause_id"] for node in body["outline"] for c in node["clauses"]]
    assert ids == [c.clause_id for c in engine.clauses_of("liangjiang-2023")]
    assert LJ27 in ids
    assert [n["heading"] for n in body["outline"]] == [
        n.heading for n in engine.outline("liangjiang-2023")
    ]


# ---------------------------------------------------------------- bad input: 4xx JSON, never 500

LONG = "问" * 501


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/api/search", {}, 400),
        ("/api/search", {"q": "   "}, 400),
        ("/api/search", {"q": LONG}, 400),
        ("/api/search", {"q": "通道", "k": "0"}, 400),
        ("/api/search", {"q": "通道", "k": "51"}, 400),
        ("/api/search", {"q": "通道", "k": "abc"}, 422),
        ("/api/search", {"q": "通道", "k": "1e309"}, 422),
        ("/api/search", {"q": "通道", "mode": "magic"}, 400),
        ("/api/search", {"q": "通道", "doc": "nope"}, 404),
        ("/api/search", {"q": "a\x00b"}, 400),
        ("/api/lookup", {}, 400),
        ("/api/lookup", {"ref": LONG}, 400),
        ("/api/clauses/nope", {}, 404),
        ("/api/clauses/" + "x" * 5000, {}, 404),
        ("/api/clauses/%3Cscript%3Ealert(1)%3C/script%3E", {}, 404),
        ("/api/documents/nope", {}, 404),
        ("/api/nothing-here", {}, 404),
        ("/api/ask", {}, 405),
    ],
)
def test_bad_get_requests(client: httpx.Client, path: str, params: dict, status: int) -> None:
    json_error(client.get(path, params=params), status)


@pytest.mark.parametrize(
    ("content", "status"),
    [
        ("{bad json", 400),
        ("", 422),
        ("[]", 422),
        ('"question"', 422),
        ("{}", 422),
        ('{"question": 5}', 422),
        ('{"question": null}', 422),
        ('{"question": ""}', 400),
        ('{"question": "   "}', 400),
        (json.dumps({"question": LONG}), 400),
        ('{"question": "通道", "k": "5"}', 422),
        ('{"question": "通道", "k": 0}', 400),
        ('{"question": "通道", "k": 1000}', 400),
        ('{"question": "通道", "docs": "outline"}', 422),
        ('{"question": "通道", "docs": [1]}', 422),
        ('{"question": "通道", "docs": ["nope"]}', 404),
        ('{"question": "通道", "details": "yes"}', 422),
    ],
)
def test_bad_ask_bodies(client: httpx.Client, content: str, status: int) -> None:
    r = client.post("/api/ask", content=content, headers={"content-type": "application/json"})
    json_error(r, status)


def test_ask_needs_json(client: httpx.Client) -> None:
    r = client.post("/api/ask", content="question=x", headers={"content-type": "text/plain"})
    assert 400 <= r.status_code < 500
    assert "error" in r.json()


def test_body_size_is_bounded(client: httpx.Client) -> None:
    big = json.dumps({"question": "通道", "pad": "x" * (MAX_BODY_BYTES + 10)})
    json_error(
        client.post("/api/ask", content=big, headers={"content-type": "application/json"}), 413
    )

    def chunks():  # no content-length: the limit still applies while streaming
        for _ in range(20):
            yield b"x" * 8192

    r = client.post("/api/ask", content=chunks(), headers={"content-type": "application/json"})
    json_error(r, 413)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=600))
def test_any_text_is_answered_or_refused_cleanly(client: httpx.Client, text: str) -> None:
    for r in (
        client.get("/api/search", params={"q": text, "k": 3}),
        client.get("/api/lookup", params={"ref": text}),
        client.post("/api/ask", json={"question": text}),
    ):
        assert r.status_code in (200, 400, 404), (text, r.status_code, r.text)
        assert r.status_code == 200 or "error" in r.json()


def test_bad_input_never_reached_the_catch_all(client: httpx.Client, web_app) -> None:
    # runs after the bad-input tests above (same session app): the 500 handler never ran
    assert client.get("/healthz").status_code == 200
    assert web_app.state.internal_errors == 0


def test_catch_all_returns_json_500(index_settings: Settings, engine: Engine) -> None:
    from fastapi.testclient import TestClient

    app = create_app(index_settings, engine)

    @app.get("/api/boom")
    def boom() -> dict:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as tc:
        r = tc.get("/api/boom")
    assert r.status_code == 500
    assert r.json() == {"error": "内部错误"}
    assert app.state.internal_errors == 1


# ---------------------------------------------------------------- HTML pages


def test_chat_page(client: httpx.Client, engine: Engine) -> None:
    r = client.get("/")
    assert r.status_code == 200
    html = r.text
    assert "PolicyQA" in html and "政策问答" in html
    assert html.count('name="doc"') == len(engine.documents) == 5
    assert EXAMPLE in html
    assert 'aria-live="polite"' in html
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_clause_page(client: httpx.Client, engine: Engine) -> None:
    prev, nxt = engine.neighbours(LJ27)
    r = client.get(f"/clauses/{LJ27}")
    assert r.status_code == 200
    html = r.text
    assert (
        "《两江新区推动成渝地区双城经济圈建设专项行动实施方案（2023—2027年）》二（八）第27条"
        in html
    )
    assert "二、重点任务" in html and "打造内陆开放门户专项行动" in html  # breadcrumbs
    assert f'href="/clauses/{prev.clause_id}"' in html
    assert f'href="/clauses/{nxt.clause_id}"' in html
    assert 'href="/documents/liangjiang-2023#outline"' in html


def test_html_errors_have_the_right_status_and_escape(client: httpx.Client) -> None:
    r = client.get("/clauses/%3Cscript%3Ealert(1)%3C/script%3E")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "<script>alert(1)" not in r.text
    assert "&lt;script&gt;alert(1)" in r.text
    assert client.get("/documents/nope").status_code == 404
    assert client.get("/no/such/page").status_code == 404
    r = client.get("/lookup", params={"ref": "<img src=x onerror=alert(1)>第99条"})
    assert r.status_code == 404
    assert "<img src=x" not in r.text


def test_lookup_page(client: httpx.Client) -> None:
    r = client.get("/lookup", params={"ref": "两江新区实施方案第27条"})
    assert r.status_code == 200
    assert f'data-clause-id="{LJ27}"' in r.text
    r = client.get("/lookup", params={"ref": "两江新区实施方案第99条"})
    assert r.status_code == 404
    assert "相近条款" in r.text and 'data-clause-id="liangjiang-2023:' in r.text
    assert client.get("/lookup").status_code == 200  # just the form


def test_documents_pages(client: httpx.Client, engine: Engine) -> None:
    html = client.get("/documents").text
    for d in engine.documents:
        assert d.title in html and f'href="/documents/{d.doc_id}"' in html
    assert "<dd>—</dd>" in html  # empty metadata shows a dash
    html = client.get("/documents/outline").text
    assert html.count('href="/clauses/outline:') == len(engine.clauses_of("outline"))


def test_a_section_known_only_from_the_contents_is_shown_as_such(client: httpx.Client) -> None:
    r = client.get("/clauses/metro:6.3.0")
    assert r.status_code == 200
    assert "营造良好创新生态" in r.text and "《重庆都市圈发展规划》第六章第三节" in r.text
    assert "收录的网页正文未标出该节" in r.text
    html = client.get("/documents/metro").text
    assert html.count("（正文未标出该节）") == 8
    r = client.get("/lookup", params={"ref": "都市圈发展规划第六章第三节"})
    assert r.status_code == 200 and 'data-clause-id="metro:6.3.0"' in r.text


def test_api_docs_are_offline(client: httpx.Client) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    assert "/api/search" in r.text and "/openapi.json" in r.text
    spec = client.get("/openapi.json").json()
    assert {"/api/search", "/api/ask", "/api/lookup", "/api/documents"} <= set(spec["paths"])


@pytest.mark.parametrize("path", ["/", "/docs", "/documents", f"/clauses/{LJ27}", "/lookup"])
def test_pages_load_nothing_from_outside(client: httpx.Client, path: str) -> None:
    html = client.get(path).text
    external = re.findall(r"""(?:src|href)=["']?(?:https?:)?//""", html)
    assert not external
    for asset in re.findall(r"""(?:src|href)="(/static/[^"?]+)""", html):
        r = client.get(asset)
        assert r.status_code == 200
        text = re.sub(r'xmlns(:\w+)?="[^"]*"', "", r.text)  # a namespace is not a fetch
        assert not re.search(r"https?://|@import|url\(\s*['\"]?//", text)


def test_page_script_never_uses_inner_html() -> None:
    js = (WEB_ASSETS / "static" / "app.js").read_text(encoding="utf-8")
    assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write", js)


# ---------------------------------------------------------------- start-up


def test_missing_index_fails_at_start(tmp_path: Path, index_settings: Settings) -> None:
    bad = index_settings.with_overrides(index_dir=tmp_path / "empty")
    with pytest.raises(IndexProblem):
        create_app(bad)


def test_serve_with_missing_index_prints_one_line(tmp_path: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "policyqa.cli", "serve", "--index-dir", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode != 0
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("policyqa:") and "index" in lines[0]
