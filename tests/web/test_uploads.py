"""Taking documents in through the web, over real HTTP against a real server with the real
model: ``POST /api/admin/documents`` (multipart, a background job), its status route, and
``DELETE /api/admin/documents/{id}``; a real Word file, a Chromium-printed PDF and a saved
web page become cited regulations; hostile files change nothing; one change at a time.

One module-scoped server over a private copy of the session's corpus and index; every test
that adds a document it does not share removes it again.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest
from support import REGULATIONS
from support.documents import gov_page, page_html, print_pdf

from policyqa.engine import Engine
from policyqa.index.files import current_build
from policyqa.settings import Settings
from policyqa.web.app import create_app
from policyqa.web.feedback_store import FeedbackStore

from .conftest import json_error, serve_in_thread

ADMIN = "upl-4d9e-secret"
AUTH = {"authorization": f"Bearer {ADMIN}"}
UPLOAD = "/api/admin/documents"
DOG = "青岛市养犬管理条例(2016-05-26).txt"
LEAVE = "企业职工带薪年休假实施办法(2008-07-17).txt"
STATS = "浙江省统计工作监督管理条例(2020-11-27).txt"
FISHERY = "渔业资源增殖保护费征收使用办法(2011-01-08).txt"  # the one added and deleted again
CITED = [  # (question, the citation a top-3 result starts with)
    ("青岛市居民能不能养烈性犬？", "《青岛市养犬管理条例》第五条"),
    ("新进用人单位的职工当年的年休假天数怎么算？", "《企业职工带薪年休假实施办法》第五条"),
    ("乡、镇统计站或统计员执行什么职能？", "《浙江省统计工作监督管理条例》第五条"),
]
JOB_TIMEOUT_S = 300


def lines(name: str) -> list[str]:
    text = (REGULATIONS / name).read_text(encoding="utf-8").replace("\u200b", "")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def files_part(*paths: Path) -> list[tuple[str, tuple[str, bytes]]]:
    return [("files", (p.name, p.read_bytes())) for p in paths]


@dataclass
class Served:
    settings: Settings
    app: Any
    client: httpx.Client
    url: str


@pytest.fixture(scope="module")
def served(
    index_settings: Settings, engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """The app with an admin token over a private copy of the corpus and index."""
    root = tmp_path_factory.mktemp("uploads")
    shutil.copytree(index_settings.corpus_dir, root / "corpus")
    shutil.copytree(index_settings.index_dir, root / "index", symlinks=True)
    settings = index_settings.with_overrides(
        corpus_dir=root / "corpus", index_dir=root / "index", admin_token=ADMIN
    )
    app = create_app(settings, Engine.load(settings, engine.encoder), FeedbackStore(root / "db"))
    with (
        serve_in_thread(app) as url,
        httpx.Client(base_url=url, timeout=60, trust_env=False) as client,
    ):
        yield Served(settings, app, client, url)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real files: a .docx (python-docx), a .pdf (Chromium), an .html page, a .txt."""
    root = tmp_path_factory.mktemp("made")
    word = docx.Document()
    for line in lines(DOG):
        word.add_paragraph(line)
    word.save(root / "养犬管理条例.docx")
    pdf = print_pdf(root, page_html(lines(LEAVE), "counter(page)"), "年休假实施办法.pdf")
    stats = lines(STATS)
    (root / "统计条例.html").write_bytes(gov_page(stats[0], stats[1:]).encode("gb18030"))
    shutil.copyfile(REGULATIONS / FISHERY, root / "渔业资源费办法.txt")
    return {
        "docx": root / "养犬管理条例.docx",
        "pdf": pdf,
        "html": root / "统计条例.html",
        "txt": root / "渔业资源费办法.txt",
    }


def wait_job(client: httpx.Client, url: str, seen: list[dict] | None = None) -> dict:
    """Poll the job until it is done; every snapshot goes to ``seen``."""
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while True:
        r = client.get(url, headers=AUTH)
        assert r.status_code == 200, r.text
        job = r.json()
        if seen is not None:
            seen.append(job)
        if job["state"] == "done":
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.1)


def on_disk(settings: Settings) -> tuple[Path, str, list[str]]:
    """The current build, its manifest and the library's folders: what must not move."""
    build = current_build(settings.index_dir)
    library = settings.corpus_dir / "library"
    folders = sorted(p.name for p in library.iterdir()) if library.is_dir() else []
    return build, (build / "manifest.json").read_text(encoding="utf-8"), folders


@dataclass
class Uploaded:
    """What happened while the three files went in: the 202, every job snapshot, the
    answers to changes asked for meanwhile, and the searches run throughout."""

    accepted: httpx.Response
    job: dict
    seen: list[dict]
    meanwhile: dict[str, httpx.Response]
    searches: list[tuple[int, float]] = field(default_factory=list)
    engines: set[int] = field(default_factory=set)


@pytest.fixture(scope="module")
def uploaded(served: Served, made: dict[str, Path]) -> Uploaded:
    c = served.client
    stop = threading.Event()
    searches: list[tuple[int, float]] = []
    engines: set[int] = set()

    def search_all_along() -> None:  # searches in flight while each new engine is swapped in
        with httpx.Client(base_url=served.url, timeout=60, trust_env=False) as own:
            while not stop.is_set():
                engines.add(id(served.app.state.engine))
                t0 = time.monotonic()
                r = own.get("/api/search", params={"q": "西部陆海新通道建设由哪个部门牵头", "k": 3})
                searches.append((r.status_code, time.monotonic() - t0))

    searcher = threading.Thread(target=search_all_along, daemon=True)
    searcher.start()
    accepted = c.post(
        UPLOAD, headers=AUTH, files=files_part(made["docx"], made["pdf"], made["html"])
    )
    assert accepted.status_code == 202, accepted.text
    meanwhile = {
        "upload": c.post(UPLOAD, headers=AUTH, files=files_part(made["txt"])),
        "delete": c.delete(f"{UPLOAD}/doc-0000000000", headers=AUTH),
        "reindex": c.post("/api/admin/reindex", headers=AUTH),
    }
    seen: list[dict] = []
    job = wait_job(c, accepted.json()["url"], seen)
    stop.set()
    searcher.join(timeout=60)
    return Uploaded(accepted, job, seen, meanwhile, searches, engines)


# ---------------------------------------------------------------- the upload and its job


def test_upload_is_accepted_as_a_job_with_every_file_queued(uploaded: Uploaded) -> None:
    body = uploaded.accepted.json()
    assert body["state"] == "running" and body["url"] == f"{UPLOAD}/jobs/{body['id']}"
    assert [f["name"] for f in body["files"]] == [
        "养犬管理条例.docx",
        "年休假实施办法.pdf",
        "统计条例.html",
    ]
    assert all(f["state"] in ("queued", "reading") and f["size"] > 0 for f in body["files"])


def test_job_shows_reading_then_embedding_progress_then_done(uploaded: Uploaded) -> None:
    for i in range(3):
        states = [job["files"][i]["state"] for job in uploaded.seen]
        order = list(dict.fromkeys(states))
        assert order[-1] == "done", order
        assert "embedding" in order and order.index("embedding") < order.index("done"), order
        progress = [
            (job["files"][i]["step"], job["files"][i]["done"], job["files"][i]["total"])
            for job in uploaded.seen
            if job["files"][i]["state"] == "embedding"
        ]
        assert all(0 <= done <= total and total > 0 for _, done, total in progress), progress
        assert {step for step, _, _ in progress} <= {"clauses", "sentences"}
    # the files go in one after another: while one embeds, the later ones wait
    for job in uploaded.seen:
        states = [f["state"] for f in job["files"]]
        if "embedding" in states:
            after = states[states.index("embedding") + 1 :]
            assert set(after) <= {"queued"}, states


def test_finished_job_names_each_document(uploaded: Uploaded) -> None:
    job = uploaded.job
    assert job["finished_at"] >= job["started_at"]
    got = [(f["state"], f["result"], f["title"], f["articles"]) for f in job["files"]]
    assert got == [
        ("done", "added", "青岛市养犬管理条例", 23),
        ("done", "added", "企业职工带薪年休假实施办法", 19),
        ("done", "added", "浙江省统计工作监督管理条例", 17),
    ]
    for f in job["files"]:
        assert f["doc_id"].startswith("doc-") and f["url"] == f"/documents/{f['doc_id']}"
        assert f["clauses"] >= f["articles"] and f["error"] is None


def test_uploaded_documents_are_listed_with_titles_and_clause_counts(
    served: Served, uploaded: Uploaded
) -> None:
    listed = {d["doc_id"]: d for d in served.client.get("/api/documents").json()["documents"]}
    for f in uploaded.job["files"]:
        d = listed[f["doc_id"]]
        assert d["title"] == f["title"] and d["clause_count"] == f["clauses"] and d["added"]
    assert not listed["outline"]["added"]
    page = served.client.get("/documents").text
    assert all(f["title"] in page for f in uploaded.job["files"])
    outline = served.client.get(f"/api/documents/{uploaded.job['files'][0]['doc_id']}").json()
    labels = [c["label"] for node in outline["outline"] for c in node["clauses"]]
    assert labels[:3] == ["第一条", "第二条", "第三条"]


@pytest.mark.parametrize(("question", "cited"), CITED)
def test_search_cites_their_articles(
    served: Served, uploaded: Uploaded, question: str, cited: str
) -> None:
    results = served.client.get("/api/search", params={"q": question, "k": 3}).json()["results"]
    assert any(r["citation"].startswith(cited) for r in results), [r["citation"] for r in results]


def test_script_of_the_saved_page_is_not_indexed(served: Served, uploaded: Uploaded) -> None:
    doc_id = uploaded.job["files"][2]["doc_id"]
    outline = served.client.get(f"/api/documents/{doc_id}").json()["outline"]
    ids = [c["clause_id"] for node in outline for c in node["clauses"]]
    text = "".join(served.client.get(f"/api/clauses/{i}").json()["text"] for i in ids)
    assert "乡、镇统计站" in text
    assert not any(w in text for w in ("脚本里的文字", "广告", "分享到", "ICP"))


# ---------------------------------------------------------------- one change at a time


@pytest.mark.parametrize("change", ["upload", "delete", "reindex"])
def test_a_second_change_while_an_upload_runs_is_409(uploaded: Uploaded, change: str) -> None:
    body = json_error(uploaded.meanwhile[change], 409)
    assert "索引正在更新" in body["error"]


def test_searches_during_the_swaps_all_succeed(served: Served, uploaded: Uploaded) -> None:
    assert len(uploaded.searches) >= 5, uploaded.searches
    assert {status for status, _ in uploaded.searches} == {200}
    assert len(uploaded.engines) >= 2  # the searches spanned at least one swap
    assert served.app.state.internal_errors == 0


# ---------------------------------------------------------------- delete


def test_delete_removes_an_uploaded_document(served: Served, made: dict[str, Path]) -> None:
    c = served.client
    job = wait_job(c, c.post(UPLOAD, headers=AUTH, files=files_part(made["txt"])).json()["url"])
    added = job["files"][0]
    assert added["state"] == "done" and added["title"] == "渔业资源增殖保护费征收使用办法"
    question = {"q": "渔业资源费分为哪几种？", "k": 3}
    assert c.get("/api/search", params=question).json()["results"][0]["doc_id"] == added["doc_id"]
    r = c.delete(f"{UPLOAD}/{added['doc_id']}", headers=AUTH)
    assert r.status_code == 200, r.text
    assert r.json()["deleted"] == added["doc_id"] and r.json()["title"] == added["title"]
    listed = [d["doc_id"] for d in c.get("/api/documents").json()["documents"]]
    assert added["doc_id"] not in listed and r.json()["documents"] == len(listed)
    assert all(
        h["doc_id"] != added["doc_id"]
        for h in c.get("/api/search", params=question).json()["results"]
    )
    assert not (served.settings.corpus_dir / "library" / added["doc_id"]).exists()
    json_error(c.get(f"/api/documents/{added['doc_id']}"), 404)
    json_error(c.delete(f"{UPLOAD}/{added['doc_id']}", headers=AUTH), 404)


def test_a_hand_written_document_cannot_be_deleted(served: Served) -> None:
    before = on_disk(served.settings)
    body = json_error(served.client.delete(f"{UPLOAD}/outline", headers=AUTH), 400)
    assert "documents.toml" in body["error"]
    json_error(served.client.delete(f"{UPLOAD}/no-such-document", headers=AUTH), 404)
    json_error(served.client.delete(f"{UPLOAD}/{'x' * 300}", headers=AUTH), 404)
    assert on_disk(served.settings) == before


def _status_on_page(page: str, doc_id: str) -> str:
    card = re.search(rf'data-doc-id="{doc_id}".*?class="doc-status">([^<]*)<', page, re.S)
    assert card is not None, doc_id
    return card.group(1)


def test_a_newer_version_marks_the_older_superseded(
    served: Served, uploaded: Uploaded, tmp_path: Path
) -> None:
    """The same title with a later date: the page and the API mark the older 已被《…》取代
    until the newer one is deleted again."""
    c = served.client
    text = (REGULATIONS / DOG).read_text(encoding="utf-8")
    at = text.index("\n\n", text.index("施行")) + 2
    note = "2025年9月26日 青岛市第十七届人民代表大会常务委员会第二十五次会议修订\n\n"
    newer = tmp_path / "青岛市养犬管理条例（修订）.txt"
    newer.write_text(text[:at] + note + text[at:].replace("养犬人", "犬只饲养人", 3), "utf-8")
    job = wait_job(c, c.post(UPLOAD, headers=AUTH, files=files_part(newer)).json()["url"])
    new = job["files"][0]
    assert new["state"] == "done" and new["title"] == "青岛市养犬管理条例", new
    old_id = uploaded.job["files"][0]["doc_id"]
    try:
        listed = {d["doc_id"]: d for d in c.get("/api/documents").json()["documents"]}
        assert listed[old_id]["status"] == "已被《青岛市养犬管理条例》取代"
        assert listed[new["doc_id"]]["status"] == "现行"
        page = c.get("/documents").text
        assert _status_on_page(page, old_id) == "已被《青岛市养犬管理条例》取代"
        assert _status_on_page(page, new["doc_id"]) == "现行"
        assert "已被《青岛市养犬管理条例》取代" in c.get(f"/documents/{old_id}").text
    finally:
        assert c.delete(f"{UPLOAD}/{new['doc_id']}", headers=AUTH).status_code == 200
    assert _status_on_page(c.get("/documents").text, old_id) == "现行"


# ---------------------------------------------------------------- hostile files


def _zip_bomb_docx(path: Path) -> Path:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    path.write_bytes(buffer.getvalue())
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf,
        zf.open("word/media/image1.png", "w") as member,
    ):
        for _ in range(200):
            member.write(b"\0" * 2**20)  # 200 MB that packs into 200 KB
    return path


HOSTILE = {  # the file's name -> what its failure says
    "通知.docx": "压缩炸弹",
    "政策.pdf": "可执行程序",
    "公告.html": "没有可提取的文字",
    "setup.exe": "类型不受支持",
}


@pytest.fixture(scope="module")
def hostile_job(
    served: Served, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict, tuple, tuple]:
    """One upload of four hostile files: the finished job, and what was on disk before and
    after it."""
    root = tmp_path_factory.mktemp("hostile")
    _zip_bomb_docx(root / "通知.docx")
    (root / "政策.pdf").write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + os.urandom(8192))
    scripts = "".join(
        f"<script>document.write('第{i}条 伪造的正文');</script><img src=x onerror=alert({i})>"
        for i in range(2000)
    )
    (root / "公告.html").write_text(f"<!doctype html><html><body>{scripts}</body></html>", "utf-8")
    (root / "setup.exe").write_bytes(b"MZ\x90\x00" + os.urandom(4096))
    before = on_disk(served.settings)
    r = served.client.post(UPLOAD, headers=AUTH, files=files_part(*(root / n for n in HOSTILE)))
    assert r.status_code == 202, r.text
    job = wait_job(served.client, r.json()["url"])
    return job, before, on_disk(served.settings)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_fails_with_its_reason(hostile_job, name: str) -> None:
    job, _, _ = hostile_job
    f = next(f for f in job["files"] if f["name"] == name)
    assert f["state"] == "failed" and HOSTILE[name] in f["error"], f
    assert name in f["error"] and "/tmp" not in f["error"] and "\n" not in f["error"]
    assert f["doc_id"] is None


def test_hostile_files_change_nothing(served: Served, hostile_job) -> None:
    _, before, after = hostile_job
    assert after == before  # the same build, manifest and library folders
    assert served.app.state.internal_errors == 0


def test_an_oversized_upload_is_413_before_its_body_is_read(served: Served) -> None:
    """A 200 MB PDF: Content-Length says it is too big; the answer comes before the body."""
    before = on_disk(served.settings)
    host, port = served.url.removeprefix("http://").split(":")
    head = (
        f"POST {UPLOAD} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {ADMIN}\r\n"
        "Content-Type: multipart/form-data; boundary=b0undary\r\n"
        f"Content-Length: {200 * 2**20}\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode() + b"--b0undary\r\n")  # and not one byte more
        received = b""
        while b"}" not in received.partition(b"\r\n\r\n")[2]:  # the head, then the body
            data = sock.recv(65536)
            if not data:
                break
            received += data
        answer = received.decode("utf-8", "replace")
    status, _, rest = answer.partition("\r\n")
    assert " 413 " in status, answer
    assert "上限 50 MB" in json.loads(rest.split("\r\n\r\n", 1)[1])["error"]
    assert on_disk(served.settings) == before


def test_a_streamed_upload_is_cut_off_at_the_limit(
    index_settings: Settings, engine: Engine, tmp_path: Path
) -> None:
    """No Content-Length (chunked): the route counts as it writes and stops at the limit."""
    settings = index_settings.with_overrides(admin_token=ADMIN, max_document_mb=1)
    app = create_app(settings, engine, FeedbackStore(tmp_path / "db"))
    sent = 0

    def body() -> Iterator[bytes]:
        nonlocal sent
        yield b'--zz\r\nContent-Disposition: form-data; name="files"; filename="big.pdf"\r\n\r\n'
        for _ in range(40):  # 5 MB of a "PDF", far past the 1 MB limit
            sent += 1
            yield b"%PDF-1.7 " + b"0" * (128 * 1024)
        yield b"\r\n--zz--\r\n"

    headers = {**AUTH, "content-type": "multipart/form-data; boundary=zz"}
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=60) as c:
        try:
            r = c.post(UPLOAD, headers=headers, content=body())
        except httpx.HTTPError:
            r = None  # the server may close the connection while the client still sends
        if r is not None:
            assert "1 MB" in json_error(r, 413)["error"]
        assert c.get("/healthz").status_code == 200
    assert not list(Path(tempfile.gettempdir()).glob("policyqa-upload-*/*/big.pdf"))
    assert app.state.internal_errors == 0 and app.state.index_lock.locked() is False


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"content": b"not a form", "headers": {"content-type": "text/plain"}}, 415),
        ({"json": {"files": ["a.pdf"]}}, 415),
        ({"files": [("comment", (None, "没有文件"))]}, 400),
        (
            {
                "content": b'--zz\r\nContent-Disposition: form-data; name="files"; filename="a.txt"'
                b"\r\n\r\n\xe7\xac\xac\xe4\xb8\x80\xe6\x9d\xa1",
                "headers": {"content-type": "multipart/form-data; boundary=zz"},
            },
            400,
        ),
        ({"content": b"", "headers": {"content-type": "multipart/form-data"}}, 400),
    ],
    ids=["not-multipart", "json", "no-file", "truncated", "no-boundary"],
)
def test_a_malformed_upload_is_a_4xx(served: Served, kwargs: dict, status: int) -> None:
    before = on_disk(served.settings)
    headers = {**AUTH, **kwargs.pop("headers", {})}
    json_error(served.client.post(UPLOAD, headers=headers, **kwargs), status)
    assert on_disk(served.settings) == before
    assert served.app.state.index_lock.locked() is False


def test_other_routes_keep_the_64_kb_body_limit(served: Served) -> None:
    big = {"question": "通道" * 40_000}
    assert "64 KB" in json_error(served.client.post("/api/ask", json=big), 413)["error"]
    r = served.client.put(UPLOAD, headers=AUTH, content=b"x" * 100_000)
    json_error(r, 413)


# ---------------------------------------------------------------- access


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", UPLOAD), ("GET", f"{UPLOAD}/jobs/0123456789abcdef"), ("DELETE", f"{UPLOAD}/x")],
)
def test_without_an_admin_token_configured_the_routes_are_403(
    client: httpx.Client, method: str, path: str
) -> None:
    body = json_error(client.request(method, path, headers=AUTH), 403)
    assert "POLICYQA_ADMIN_TOKEN" in body["error"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", UPLOAD), ("GET", f"{UPLOAD}/jobs/0123456789abcdef"), ("DELETE", f"{UPLOAD}/x")],
)
@pytest.mark.parametrize(
    "headers", [{}, {"authorization": "Bearer wrong"}, {"x-policyqa-token": "x"}]
)
def test_a_missing_or_wrong_token_is_401(
    served: Served, method: str, path: str, headers: dict[str, str]
) -> None:
    files = [("files", ("a.txt", b"x"))] if method == "POST" else None
    json_error(served.client.request(method, path, headers=headers, files=files), 401)


def test_an_unknown_job_is_404(served: Served) -> None:
    json_error(served.client.get(f"{UPLOAD}/jobs/0123456789abcdef", headers=AUTH), 404)


def test_without_an_admin_token_the_page_says_uploads_are_disabled(client: httpx.Client) -> None:
    page = client.get("/documents").text
    assert "上传与删除已停用" in page and "POLICYQA_ADMIN_TOKEN" in page
    assert 'id="file-input"' in page and "disabled" in page and "delete-doc" not in page


# ---------------------------------------------------------------- the page, in Chromium

OATH = "山东省人民代表大会常务委员会组成人员守则(2018-03-29).txt"  # the browser's own document
OATH_QUESTION = "常务委员会组成人员未经批准连续三次不出席常务委员会会议的，应当怎么办？"
OATH_CITED = "第二十条"


@pytest.mark.browser
def test_documents_page_uploads_shows_progress_and_deletes(
    browser, served: Served, tmp_path: Path
) -> None:
    source = tmp_path / "组成人员守则.txt"
    shutil.copyfile(REGULATIONS / OATH, source)
    context = browser.new_context(locale="zh-CN", reduced_motion="reduce")
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda err: problems.append(f"error: {err}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))

    def loopback_only(route) -> None:
        if route.request.url.startswith(served.url):
            route.continue_()
        else:
            problems.append(f"request: {route.request.url}")
            route.abort()

    page.route("**/*", loopback_only)
    page.set_default_timeout(20_000)
    try:
        page.goto(served.url + "/documents")
        before = page.locator(".doc-card").count()
        page.get_by_label("管理令牌").fill(ADMIN)
        page.get_by_label("管理令牌").press("Enter")
        page.locator("#token-state").wait_for()
        assert page.evaluate("sessionStorage.getItem('policyqa.adminToken')") == ADMIN
        page.evaluate(
            """() => { window.__states = [];
            new MutationObserver(() => document.querySelectorAll('.upload-state')
                .forEach(s => window.__states.push(s.textContent)))
              .observe(document.getElementById('upload-list'),
                       {childList: true, subtree: true, characterData: true}); }"""
        )
        page.locator("#file-input").set_input_files(str(source))
        item = page.locator(".upload-item", has_text="组成人员守则.txt")
        item.and_(page.locator('[data-state="done"]')).wait_for(timeout=JOB_TIMEOUT_S * 1000)
        shown = page.evaluate("window.__states")
        assert any(s.startswith("正在嵌入") and "/" in s for s in shown), shown
        assert "已加入" in item.inner_text() and "条" in item.locator(".upload-result").inner_text()
        card = page.locator(".doc-card", has_text="山东省人民代表大会常务委员会组成人员守则")
        card.wait_for()
        assert page.locator(".doc-card").count() == before + 1
        assert "完成" in page.locator("#manage-message").inner_text()

        # the new regulation answers a question, cited article by article
        page.goto(served.url + "/")
        box = page.locator("#question")
        box.fill(OATH_QUESTION)
        box.press("Enter")
        bubble = page.locator(".bubble.bot").first
        bubble.locator(":scope:not(.pending)").wait_for()
        title = bubble.locator(".clause-card").first.locator(".card-title").inner_text()
        assert "组成人员守则" in title and OATH_CITED in title, title

        # the token is kept for the tab: back on the page, it does not ask again
        page.goto(served.url + "/documents")
        assert page.locator("#token-form").is_hidden()
        delete = card.locator(".delete-doc")
        delete.click()
        assert delete.inner_text() == "确认删除？"
        with page.expect_response(lambda r: r.request.method == "DELETE") as answer:
            delete.click()
        assert answer.value.status == 200
        card.wait_for(state="detached")
        assert "已删除" in page.locator("#manage-message").inner_text()
        assert page.locator(".doc-card").count() == before
    finally:
        context.close()
    titles = [d["title"] for d in served.client.get("/api/documents").json()["documents"]]
    assert "山东省人民代表大会常务委员会组成人员守则" not in titles
    assert problems == []
