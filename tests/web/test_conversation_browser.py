"""Conversations in a real headless Chromium against ``policyqa serve``: a follow-up, a reload,
reopening, renaming and deleting, a permalink, export, and a second browser that sees none."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document as WordDocument

from policyqa.web.spawn import serve_subprocess

from .conftest import _child_env
from .test_browser import Watch, _ask, _page

pytestmark = pytest.mark.browser

FIRST = "按重庆2023—2027年行动方案，高速公路通车里程要达到多少？"
FOLLOW = "那2026—2030年的方案是怎么定的？"
OTHER = "两江新区推进西部陆海新通道建设由哪个部门牵头？"


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(browser, watch: Watch) -> Iterator:
    context, page = _page(browser, watch, viewport={"width": 1280, "height": 900})
    try:
        yield page
    finally:
        context.close()


def _chat_id(page) -> str:
    return page.evaluate("new URLSearchParams(location.search).get('c')")


def _conversation(page, server_url: str) -> str:
    """Ask the first question and its follow-up; the conversation's id."""
    page.goto(server_url + "/")
    _ask(page, FIRST)
    bubble = _ask(page, FOLLOW)
    assert "按上文理解为" in bubble.locator(".reading").inner_text()
    assert "2026—2030" in bubble.locator(".reading").inner_text()
    assert "5700公里" in bubble.locator(".answer-text").inner_text()
    return _chat_id(page)


def test_follow_up_survives_reload_and_reopens(page, server_url: str, watch: Watch) -> None:
    cid = _conversation(page, server_url)
    assert cid
    page.reload()
    page.locator("#turn-2 .reading").wait_for()
    assert page.locator(".turn").count() == 2
    assert "超过 5000 公里" in page.locator("#turn-1 .answer-text").inner_text()

    # a new conversation starts empty, and the old one is in the list to reopen
    page.locator("#new-chat").click()
    assert page.locator(".turn").count() == 0
    item = page.locator(f'.chat-item[data-id="{cid}"]')
    assert FIRST[:10] in item.inner_text()
    _ask(page, OTHER)  # a second conversation
    assert _chat_id(page) != cid
    item.locator(".chat-open").click()
    page.locator("#turn-2 .reading").wait_for()
    assert _chat_id(page) == cid and page.locator(".turn").count() == 2

    # the follow-up in the reopened conversation still reads against its first turn
    bubble = _ask(page, "那2030年呢？")
    assert "按上文理解为" in bubble.locator(".reading").inner_text()
    watch.assert_clean()


def test_permalink_rename_delete(page, server_url: str, watch: Watch) -> None:
    cid = _conversation(page, server_url)
    href = page.locator("#turn-2 .permalink").get_attribute("href")
    assert href == f"/?c={cid}#turn-2"
    page.goto(server_url + "/")
    page.goto(server_url + href)
    page.locator("#turn-2 .reading").wait_for()

    item = page.locator(f'.chat-item[data-id="{cid}"]')
    item.locator(".chat-rename").click()
    field = item.locator(".chat-rename-input")
    field.fill("高速公路里程对比")
    field.press("Enter")
    page.locator(f'.chat-item[data-id="{cid}"] .chat-open', has_text="高速公路里程对比").wait_for()
    assert page.locator("#chat-title").inner_text() == "高速公路里程对比"

    item = page.locator(f'.chat-item[data-id="{cid}"]')
    item.locator(".chat-delete").click()  # asks to confirm without a dialog
    item.locator(".chat-delete", has_text="确认删除").click()
    page.locator(f'.chat-item[data-id="{cid}"]').wait_for(state="detached")
    assert page.locator(".turn").count() == 0
    assert page.request.get(f"{server_url}/api/conversations/{cid}").status == 404
    watch.assert_clean()


def test_export_downloads_word_and_markdown(page, server_url: str, watch: Watch) -> None:
    _conversation(page, server_url)
    with page.expect_download() as info:
        page.locator("#export-docx").click()
    data = Path(info.value.path()).read_bytes()
    doc = WordDocument(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert FIRST in text and FOLLOW in text
    assert "按上文理解为" in text and "5700公里" in text
    # each citation in full: the document, the article, the quoted clause
    assert "《重庆市推动成渝地区双城经济圈建设行动方案（2023—2027年）》二（二）第5条" in text
    assert "高速公路通车里程超过 5000 公里" in text

    with page.expect_download() as info:
        page.locator("#turn-1 .export-turn-md").click()
    md = Path(info.value.path()).read_text(encoding="utf-8")
    assert md.startswith("# ") and FIRST in md and FOLLOW not in md
    assert "> 5. 建设国际性综合交通枢纽城市" in md
    watch.assert_clean()


def test_another_browser_sees_none_of_it(browser, page, server_url: str, watch: Watch) -> None:
    cid = _conversation(page, server_url)
    other, page2 = _page(browser, Watch(), viewport={"width": 1280, "height": 900})
    try:
        page2.goto(f"{server_url}/?c={cid}")
        page2.locator(".toast:not([hidden])").wait_for()
        assert "未找到该对话" in page2.locator(".toast").inner_text()
        assert page2.locator(".turn").count() == 0
        assert page2.locator(f'.chat-item[data-id="{cid}"]').count() == 0
        for path in ("", "/export?format=docx"):
            r = page2.request.get(f"{server_url}/api/conversations/{cid}{path}")
            assert r.status == 404 and "error" in r.json()
        r = page2.request.post(
            f"{server_url}/api/ask", data={"question": FOLLOW, "conversation_id": cid}
        )
        assert r.status == 404
        assert page2.request.get(f"{server_url}/api/conversations").json() == {"conversations": []}
        cookies = {c["name"]: c for c in other.cookies()}
        assert cookies["policyqa_browser"]["httpOnly"] is True
        assert cookies["policyqa_browser"]["sameSite"] == "Lax"
        assert page2.evaluate("document.cookie") == ""  # HttpOnly: no script reads it
    finally:
        other.close()
    watch.assert_clean()


@pytest.fixture(scope="module")
def stream_server_url(index_settings, model_url) -> Iterator[str]:
    """``policyqa serve`` with the deterministic language model of test_llm_conversation."""
    env = _child_env(index_settings)
    env.update(POLICYQA_LLM_BASE_URL=model_url, POLICYQA_LLM_MODEL="m", POLICYQA_LLM_TIMEOUT="10")
    env["POLICYQA_DB_PATH"] = str(Path(tempfile.mkdtemp()) / "p.db")
    args = ["--index-dir", str(index_settings.index_dir)]
    with serve_subprocess(args, env=env, ready_timeout=60) as served:
        yield served.url


def test_streamed_answer_shows_verified_sentences(
    page, stream_server_url: str, model, watch: Watch
) -> None:
    page.goto(stream_server_url + "/")
    assert page.locator(".chat").get_attribute("data-stream") == "on"
    _ask(page, FIRST)
    bubble = _ask(page, FOLLOW)
    # the final answer replaces the extractive one once the stream ends
    bubble.locator(".answer-text", has_text="「5700公里」").wait_for()
    text = bubble.inner_text()
    assert "按上文理解为" in text and "9999" not in text
    assert "rephrase" in model.calls
    page.reload()  # the stored turn is the final answer
    page.locator("#turn-2 .answer-text", has_text="「5700公里」").wait_for()
    watch.assert_clean()


def test_a_stream_read_in_one_piece_ends_on_its_final_answer(
    page, stream_server_url: str, model, watch: Watch
) -> None:
    """A fast model's events can all reach the page in one read, the first answer with the
    final one: the final answer must still be the one shown, and the one stored."""
    page.route("**/api/ask/stream", lambda route: route.fulfill(response=route.fetch()))
    page.goto(stream_server_url + "/")
    _ask(page, FIRST)
    bubble = _ask(page, FOLLOW)
    bubble.locator(".answer-text", has_text="「5700公里」").wait_for()
    assert "按上文理解为" in bubble.inner_text()
    page.unroute("**/api/ask/stream")
    page.reload()
    page.locator("#turn-2 .answer-text", has_text="「5700公里」").wait_for()
    watch.assert_clean()
