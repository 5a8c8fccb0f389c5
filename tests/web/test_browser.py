"""The pages in a real headless Chromium against ``policyqa serve`` (a child process)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, urlparse

import pytest
from support import REPO as ROOT

pytestmark = pytest.mark.browser

EXAMPLE = "两江新区推进西部陆海新通道建设由哪个部门牵头？"
LJ27 = "liangjiang-2023:27"
XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: a temporary folder, so a test run leaves the checkout as it
    was; POLICYQA_SCREENSHOTS=eval/screenshots refreshes the committed ones."""
    chosen = os.environ.get("POLICYQA_SCREENSHOTS")
    folder = (ROOT / chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Watch:
    """What a page did that it should not: dialogs, script errors, requests leaving loopback."""

    def __init__(self) -> None:
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.external: list[str] = []

    def assert_clean(self) -> None:
        assert self.dialogs == [], self.dialogs
        assert self.errors == [], self.errors
        assert self.external == [], self.external


@pytest.fixture
def watch() -> Watch:
    return Watch()


def _page(browser, watch: Watch, **context_args):
    context = browser.new_context(locale="zh-CN", reduced_motion="reduce", **context_args)
    page = context.new_page()

    def on_dialog(dialog) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_route(route) -> None:
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            watch.external.append(route.request.url)
            route.abort()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda err: watch.errors.append(str(err)))
    page.route("**/*", on_route)
    page.set_default_timeout(20_000)
    return context, page


@pytest.fixture
def page(browser, watch: Watch) -> Iterator:
    context, page = _page(browser, watch, viewport={"width": 1280, "height": 900})
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def phone(browser, watch: Watch) -> Iterator:
    context, page = _page(
        browser,
        watch,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    try:
        yield page
    finally:
        context.close()


def _ask(page, question: str):
    """Type a question, press Enter, wait for the answer; the new answer bubble."""
    before = page.locator(".bubble.bot").count()
    box = page.locator("#question")
    box.fill(question)
    box.press("Enter")
    bubble = page.locator(".bubble.bot").nth(before)
    bubble.locator(":scope:not(.pending)").wait_for()
    return bubble


def test_ask_shows_answer_cards_and_clause_page(
    page, server_url: str, watch: Watch, shots: Path
) -> None:
    page.goto(server_url + "/")
    assert "PolicyQA" in page.locator(".site-header").inner_text()
    # record every status text, to see the "searching" state however fast the answer is
    page.evaluate(
        """() => { window.__statuses = [];
        new MutationObserver(() => window.__statuses.push(
            document.getElementById('status').textContent))
          .observe(document.getElementById('status'), {childList: true, characterData: true,
                                                       subtree: true}); }"""
    )
    bubble = _ask(page, EXAMPLE)
    assert "检索中…" in page.evaluate("window.__statuses")
    assert page.locator(".bubble.user").last.inner_text().strip().endswith(EXAMPLE)
    assert "自贸办" in bubble.locator(".answer-text").inner_text()
    card = bubble.locator(".clause-card").first
    assert card.get_attribute("data-clause-id") == LJ27
    title = card.locator(".card-title").inner_text()
    assert "两江新区实施方案" in title and "第27条" in title
    assert "二、重点任务" in card.locator(".heading-path").inner_text()
    marks = card.locator(".clause-text mark").all_inner_texts()
    assert "西部陆海新通道" in marks
    page.screenshot(path=str(shots / "chat.png"), full_page=False)
    assert (shots / "chat.png").stat().st_size > 10_000

    # copy the citation (clipboard, or the fallback) and see the confirmation
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    card.locator(".copy-btn").click()
    toast = page.locator(".toast")
    toast.wait_for(state="visible")
    assert "第27条" in toast.inner_text() and "已复制" in toast.inner_text()

    # follow the card to the clause page
    card.locator("a", has_text="查看条款").click()
    page.wait_for_url(f"**/clauses/{LJ27}")
    assert "第27条" in page.locator("h1").inner_text()
    crumbs = page.locator(".breadcrumbs").inner_text()
    assert "两江新区实施方案" in crumbs and "打造内陆开放门户专项行动" in crumbs
    assert "二（八）第27条" in page.locator("#citation").inner_text()
    page.locator("a[rel=next]").click()
    page.wait_for_url("**/clauses/liangjiang-2023:28")
    page.locator("a.pager-link.up").click()
    page.wait_for_url("**/documents/liangjiang-2023#outline")
    assert page.locator(f'.outline a[data-clause-id="{LJ27}"]').is_visible()
    watch.assert_clean()


def test_lookup_box(page, server_url: str, watch: Watch) -> None:
    page.goto(server_url + "/")
    page.get_by_label("条款引用").fill("两江新区实施方案第27条")
    page.get_by_label("条款引用").press("Enter")
    page.wait_for_url("**/lookup?ref=*")
    cards = page.locator("#lookup-result .clause-card")
    assert cards.count() == 1 and cards.first.get_attribute("data-clause-id") == LJ27

    box = page.locator("#ref")
    box.fill("规划纲要第六章第二节")
    box.press("Enter")
    page.wait_for_url("**/lookup?ref=*")
    ids = [c.get_attribute("data-clause-id") for c in cards.all()]
    assert ids and all(i.startswith("outline:6.2.") for i in ids)

    box = page.locator("#ref")
    box.fill("两江新区实施方案第99条")
    box.press("Enter")
    page.wait_for_url("**/lookup?ref=*")
    assert "未找到" in page.locator(".notice").inner_text()
    ids = [c.get_attribute("data-clause-id") for c in cards.all()]
    assert ids and all(i.startswith("liangjiang-2023:") for i in ids)
    watch.assert_clean()


def test_document_filter_restricts_citations(page, server_url: str, watch: Watch) -> None:
    page.goto(server_url + "/")
    page.locator('#doc-filter input[value="outline"]').check()
    assert "规划纲要" in page.locator("#scope-label").inner_text()
    # the outline sets its targets for 2025 (asked for 2030 within it, the answer is 未找到)
    bubble = _ask(page, "到2025年研发经费投入强度目标是多少？")
    assert "2.5%" in bubble.locator(".answer-text").inner_text()
    bubble.locator(".related-block summary").click()  # show the related cards too
    cards = bubble.locator(".clause-card")
    assert cards.count() >= 1
    for card in cards.all():
        assert card.get_attribute("data-doc-id") == "outline"
        assert "规划纲要" in card.locator(".card-title").inner_text()
    watch.assert_clean()


def test_keyboard_only(page, server_url: str, watch: Watch) -> None:
    page.goto(server_url + "/")
    seen = []
    for _ in range(40):  # Tab through the page until the question box has focus
        page.keyboard.press("Tab")
        active = page.evaluate(
            "() => ({id: document.activeElement.id, tag: document.activeElement.tagName,"
            " value: document.activeElement.value || '',"
            " ring: getComputedStyle(document.activeElement).boxShadow + '|' +"
            " getComputedStyle(document.activeElement).outlineStyle})"
        )
        seen.append(active)
        if active["tag"] == "INPUT" and active["value"] == "outline":
            page.keyboard.press("Space")  # tick 规划纲要 from the keyboard
        if active["id"] == "question":
            break
    else:
        pytest.fail(f"never reached the question box: {seen}")
    # every stop on the way showed a focus indicator
    for a in seen[:-1]:
        assert a["ring"] != "none|none", a
    assert page.locator('#doc-filter input[value="outline"]').is_checked()
    page.keyboard.type("研发经费投入强度")
    page.keyboard.press("Shift+Enter")  # a new line, not a send
    page.keyboard.type("目标是多少")
    assert page.locator("#question").input_value() == "研发经费投入强度\n目标是多少"
    assert page.locator(".bubble.bot").count() == 0
    page.keyboard.press("Enter")
    bubble = page.locator(".bubble.bot").first
    bubble.locator(":scope:not(.pending)").wait_for()
    assert bubble.locator(".answer-text, .notice").count() >= 1
    for card in bubble.locator(".clause-card").all():
        assert card.get_attribute("data-doc-id") == "outline"
    assert page.evaluate("document.activeElement.id") == "question"
    watch.assert_clean()


def test_example_question_button(page, server_url: str, watch: Watch) -> None:
    page.goto(server_url + "/")
    page.locator(".example", has_text="两江新区实施方案第27条").click()
    bubble = page.locator(".bubble.bot").first
    bubble.locator(":scope:not(.pending)").wait_for()
    assert bubble.locator(".clause-card").first.get_attribute("data-clause-id") == LJ27
    watch.assert_clean()


def test_script_in_a_question_is_text(page, server_url: str, watch: Watch) -> None:
    page.goto(server_url + "/")
    page.evaluate("window.__xss = 0")
    bubble = _ask(page, XSS + " 西部陆海新通道")
    assert page.locator(".bubble.user p").last.text_content() == XSS + " 西部陆海新通道"
    assert page.locator("#conversation img, #conversation script").count() == 0
    assert bubble.inner_text()
    page.wait_for_timeout(300)
    assert watch.dialogs == []

    r = page.goto(server_url + "/clauses/" + quote("<script>alert(1)</script>", safe=""))
    assert r is not None and r.status == 404
    assert "<script>alert(1)</script>" in page.locator(".error-message").inner_text()
    r = page.goto(server_url + "/lookup?ref=" + quote(XSS + "第99条"))
    assert r is not None and r.status == 404
    assert page.locator("main img").count() == 0
    page.wait_for_timeout(300)
    watch.assert_clean()


def test_documents_pages(page, server_url: str, watch: Watch) -> None:
    page.goto(server_url + "/documents")
    assert page.locator(".doc-card").count() == 5
    page.locator(".doc-card", has_text="规划纲要").locator("a").first.click()
    page.wait_for_url("**/documents/outline")
    assert page.locator(".outline-node").count() > 5
    page.locator(".outline a").first.click()
    page.wait_for_url("**/clauses/outline:*")
    assert page.locator("#citation").inner_text().startswith("《成渝地区双城经济圈建设规划纲要》")
    watch.assert_clean()


def test_phone_width(phone, server_url: str, watch: Watch, shots: Path) -> None:
    phone.goto(server_url + "/")
    bubble = _ask(phone, EXAMPLE)
    assert bubble.locator(".clause-card").first.get_attribute("data-clause-id") == LJ27
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone ({width}px)"
    phone.locator(".turn").last.evaluate("t => t.scrollIntoView({block: 'start'})")
    phone.screenshot(path=str(shots / "chat-mobile.png"))
    for path in (f"/clauses/{LJ27}", "/documents", "/documents/outline", "/lookup?ref=x"):
        phone.goto(server_url + path)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
    watch.assert_clean()


def test_api_error_is_shown_in_the_conversation(page, server_url: str, watch: Watch) -> None:
    page.goto(server_url + "/")
    # a filter value the server does not know: the 404 message appears as the answer
    page.locator('#doc-filter input[value="metro"]').evaluate("i => { i.value = 'nope'; }")
    page.locator('#doc-filter input[value="nope"]').check()
    bubble = _ask(page, "西部陆海新通道")
    assert "error" in (bubble.get_attribute("class") or "")
    assert "nope" in bubble.inner_text()
    assert page.locator("#status").text_content() == "出错了"
    watch.assert_clean()


@pytest.mark.parametrize(
    "path",
    [
        "/lookup?ref=" + quote("<script>alert(1)</script>第27条"),
        "/lookup?ref=" + quote('"><img src=x onerror=alert(1)>'),
        "/lookup?ref=" + quote("javascript:alert(1)"),
        "/clauses/" + quote("<img src=x onerror=alert(1)>", safe=""),
        "/clauses/" + quote('"><svg onload=alert(1)>', safe=""),
        "/documents/" + quote("<script>alert(1)</script>", safe=""),
        "/lookup?ref="
        + quote("两江新区实施方案第27条")
        + "&x="
        + quote("<script>alert(1)</script>"),
    ],
)
def test_script_in_the_url_is_text(page, server_url: str, watch: Watch, path: str) -> None:
    r = page.goto(server_url + path)
    assert r is not None and r.status in (200, 404)
    assert page.locator("main img, main svg, main script").count() == 0
    if r.status == 404 and path.startswith("/clauses/"):
        payload = path.split("/clauses/", 1)[1]
        assert unquote(payload) in page.locator(".error-message").inner_text()
    page.wait_for_timeout(200)
    watch.assert_clean()


def test_feedback_buttons_post_to_the_api(page, server_url: str, watch: Watch) -> None:
    import httpx

    page.goto(server_url + "/")
    bubble = _ask(page, EXAMPLE)
    bar = bubble.locator(".feedback")
    assert bar.locator("button", has_text="有帮助").is_visible()
    assert bar.locator("button", has_text="没帮助").is_visible()
    with page.expect_response("**/api/feedback") as info:
        bar.locator("button", has_text="有帮助").click()
    response = info.value
    assert response.status == 201
    sent = response.request.post_data_json
    assert sent["question"] == EXAMPLE and sent["helpful"] is True
    assert LJ27 in sent["clause_ids"] and sent["answer"]
    assert bar.locator(".feedback-note").inner_text() == "感谢反馈！"
    assert bar.locator("button").count() == 0
    # a second answer has its own pair; 没帮助 on a question with a script in it stays text
    bubble = _ask(page, XSS + " 研发经费")
    with page.expect_response("**/api/feedback") as info:
        bubble.locator(".feedback button", has_text="没帮助").click()
    assert info.value.status == 201 and info.value.request.post_data_json["helpful"] is False
    assert httpx.get(server_url + "/healthz", trust_env=False).status_code == 200
    page.wait_for_timeout(200)
    watch.assert_clean()
