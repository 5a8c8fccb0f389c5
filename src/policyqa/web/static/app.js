/* PolicyQA web page: chat, highlighting and citation copying.
 * Safety: user and document text only ever reaches the page through textContent and
 * text nodes; nothing here assigns innerHTML. */
(function () {
  "use strict";

  // ---------- DOM helpers ----------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "text") node.textContent = v;
        else if (k === "className") node.className = v;
        else node.setAttribute(k, v === true ? "" : String(v));
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  // ---------- highlighting: longest shared runs of the question, as <mark> text nodes ----------
  var STOP = new Set([
    "哪个", "哪些", "什么", "多少", "如何", "是否", "怎么", "怎样", "由哪", "哪个部", "个部", "个部门",
    "是什", "目标是", "是多", "少？", "的", "了", "the", "which", "what", "who", "how", "does",
    "and", "for", "with", "task", "body", "leads", "lead"
  ]);
  var WORD = /^[\p{L}\p{N}]+$/u;
  var MAXLEN = 12;

  function questionTerms(question) {
    var q = (question || "").toLowerCase();
    var set = new Set();
    var chars = Array.from(q);
    for (var i = 0; i < chars.length; i++) {
      for (var n = 2; n <= MAXLEN && i + n <= chars.length; n++) {
        var s = chars.slice(i, i + n).join("");
        if (!WORD.test(s)) break;
        if (/^[a-z]+$/.test(s) && n < 3) continue;
        if (!STOP.has(s)) set.add(s);
      }
    }
    return set;
  }

  /* Append `text` to `parent`, wrapping runs shared with the question in <mark>. */
  function appendHighlighted(parent, text, question) {
    var terms = questionTerms(question);
    var chars = Array.from(text || "");
    var lower = chars.map(function (c) { return c.toLowerCase(); });
    var plain = "";
    var last = null; // the mark just written: adjacent runs join into one
    var i = 0;
    while (i < chars.length) {
      var hit = 0;
      if (terms.size) {
        for (var n = Math.min(MAXLEN, chars.length - i); n >= 2; n--) {
          if (terms.has(lower.slice(i, i + n).join(""))) {
            // a Latin match must not sit inside a longer word
            var s = lower.slice(i, i + n).join("");
            if (/^[a-z0-9]+$/.test(s) &&
                (/[a-z0-9]/.test(lower[i - 1] || "") || /[a-z0-9]/.test(lower[i + n] || ""))) {
              continue;
            }
            hit = n;
            break;
          }
        }
      }
      if (hit) {
        var run = chars.slice(i, i + hit).join("");
        if (plain) { parent.appendChild(document.createTextNode(plain)); plain = ""; }
        else if (last && parent.lastChild === last) { last.textContent += run; i += hit; continue; }
        last = parent.appendChild(el("mark", { text: run }));
        i += hit;
      } else {
        plain += chars[i];
        i += 1;
      }
    }
    if (plain) parent.appendChild(document.createTextNode(plain));
    return parent;
  }

  // ---------- copying citations ----------
  var toastTimer = null;
  function toast(message) {
    var t = document.querySelector(".toast");
    if (!t) return;
    t.textContent = message;
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.hidden = true; }, 1800);
  }

  function fallbackCopy(text) {
    var ta = el("textarea", { "aria-hidden": "true", readonly: true, className: "copy-buffer" });
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    return ok;
  }

  function copyText(text, button) {
    var done = function (ok) {
      toast(ok ? "已复制引用：" + text : "复制失败，请手动选择引用文字");
      if (button && ok) {
        button.classList.add("copied");
        var old = button.textContent;
        button.textContent = "已复制";
        setTimeout(function () { button.textContent = old; button.classList.remove("copied"); }, 1500);
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { done(true); },
        function () { done(fallbackCopy(text)); }
      );
    } else {
      done(fallbackCopy(text));
    }
  }

  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest(".copy-btn");
    if (btn) copyText(btn.getAttribute("data-copy") || "", btn);
  });

  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  function scrollTo(node, block) {
    node.scrollIntoView({ block: block, behavior: reduceMotion ? "auto" : "smooth" });
  }

  // ---------- chat ----------
  function clauseCard(cite, info, question, kind) {
    info = info || {};
    var url = info.url || "/clauses/" + encodeURIComponent(cite.clause_id).replace(/%3A/g, ":");
    var title = el("h3", { className: "card-title" }, [
      el("span", { className: "doc-tag", text: info.short_name || "" }),
      " ",
      el("span", { className: "label", text: info.label || cite.citation })
    ]);
    var head = el("header", { className: "card-head" }, [title]);
    if (kind === "related") head.insertBefore(el("span", { className: "badge", text: "可能相关" }), title);
    if (info.heading_path && info.heading_path.length) {
      head.appendChild(el("p", { className: "heading-path", text: info.heading_path.join(" › ") }));
    }
    var body = appendHighlighted(el("p", { className: "clause-text" }), cite.text, question);
    var card = el("article", {
      className: "card clause-card" + (kind === "related" ? " related" : ""),
      "data-clause-id": cite.clause_id,
      "data-doc-id": info.doc_id || cite.clause_id.split(":")[0]
    }, [head, body]);
    if (info.lead_departments && info.lead_departments.length) {
      card.appendChild(el("p", { className: "leads" }, ["牵头部门："].concat(
        info.lead_departments.map(function (d) { return el("span", { className: "pill", text: d }); })
      )));
    }
    card.appendChild(el("p", { className: "full-citation" }, [el("cite", { text: cite.citation })]));
    card.appendChild(el("footer", { className: "card-actions" }, [
      el("a", { className: "btn btn-link", href: url, text: "查看条款" }),
      el("button", { type: "button", className: "btn btn-ghost copy-btn", "data-copy": cite.citation, text: "复制引用" })
    ]));
    return card;
  }

  // ---------- feedback: 有帮助 / 没帮助 under each answer, posted to /api/feedback ----------
  function feedbackBar(answer, question) {
    var ids = (answer.citations || []).map(function (c) { return c.clause_id; });
    var note = el("span", { className: "feedback-note", text: "这个回答有帮助吗？" });
    var yes = el("button", { type: "button", className: "btn btn-ghost feedback-btn", "data-helpful": "true", text: "有帮助" });
    var no = el("button", { type: "button", className: "btn btn-ghost feedback-btn", "data-helpful": "false", text: "没帮助" });
    var bar = el("div", { className: "feedback", role: "group", "aria-label": "对回答的反馈" }, [note, yes, no]);
    function send(helpful) {
      yes.disabled = true; no.disabled = true;
      fetch("/api/feedback", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ question: question, answer: answer.answer || "", helpful: helpful, clause_ids: ids })
      })
        .then(function (r) {
          if (!r.ok) throw new Error(String(r.status));
          bar.classList.add("sent");
          note.textContent = "感谢反馈！";
          bar.removeChild(yes); bar.removeChild(no);
          toast("已记录反馈：" + (helpful ? "有帮助" : "没帮助"));
        })
        .catch(function () {
          note.textContent = "反馈提交失败，请稍后重试。";
          yes.disabled = false; no.disabled = false;
        });
    }
    yes.addEventListener("click", function () { send(true); });
    no.addEventListener("click", function () { send(false); });
    return bar;
  }

  /* The answer without the line saying how a follow-up was read (shown apart). */
  function answerBody(answer) {
    var text = answer.answer || "";
    if (answer.reading && text.indexOf(answer.reading) === 0) text = text.slice(answer.reading.length).replace(/^\n/, "");
    return text;
  }

  function renderAnswer(bubble, answer, question) {
    bubble.removeAttribute("aria-hidden");
    bubble.textContent = "";
    bubble.classList.remove("pending");
    var infos = answer.clauses || {};
    if (answer.reading) bubble.appendChild(el("p", { className: "reading", text: answer.reading }));
    var body = answerBody(answer);
    if (answer.abstained) {
      bubble.classList.add("abstained");
      bubble.appendChild(el("div", { className: "notice notice-warn" }, [
        el("strong", { text: "未找到明确答案" }),
        el("p", { className: "answer-text", text: body })
      ]));
      if (answer.related && answer.related.length) {
        bubble.appendChild(el("h3", { className: "cards-title", text: "可能相关（仅供参考，并非答案）" }));
        var rel = el("div", { className: "cards" });
        answer.related.forEach(function (c) { rel.appendChild(clauseCard(c, infos[c.clause_id], question, "related")); });
        bubble.appendChild(rel);
      }
      bubble.appendChild(feedbackBar(answer, question));
      return;
    }
    bubble.appendChild(el("p", { className: "answer-label", text: "回答" }));
    bubble.appendChild(el("p", { className: "answer-text", text: body }));
    if (answer.citations && answer.citations.length) {
      bubble.appendChild(el("h3", { className: "cards-title", text: "引用条款" }));
      var cards = el("div", { className: "cards" });
      answer.citations.forEach(function (c) { cards.appendChild(clauseCard(c, infos[c.clause_id], question, "cited")); });
      bubble.appendChild(cards);
    }
    if (answer.related && answer.related.length) {
      var more = el("details", { className: "related-block" }, [
        el("summary", { text: "可能相关的其他条款（" + answer.related.length + "）" })
      ]);
      var rc = el("div", { className: "cards" });
      answer.related.forEach(function (c) { rc.appendChild(clauseCard(c, infos[c.clause_id], question, "related")); });
      more.appendChild(rc);
      bubble.appendChild(more);
    }
    bubble.appendChild(feedbackBar(answer, question));
  }

  function initChat() {
    var form = document.getElementById("ask-form");
    if (!form) return;
    var box = document.getElementById("question");
    var convo = document.getElementById("conversation");
    var status = document.getElementById("status");
    var send = document.getElementById("send");
    var welcome = document.getElementById("welcome");
    var scopeLabel = document.getElementById("scope-label");
    var busy = false;
    var filter = document.querySelector("details.filter");
    if (filter && window.matchMedia && window.matchMedia("(max-width: 860px)").matches) {
      filter.open = false;
    }

    function selectedDocs() {
      return Array.from(document.querySelectorAll('#doc-filter input[name="doc"]:checked'));
    }
    function updateScope() {
      var sel = selectedDocs();
      scopeLabel.textContent = sel.length
        ? "范围：" + sel.map(function (i) { return i.getAttribute("data-short-name"); }).join("、")
        : "范围：全部文件";
    }
    document.querySelectorAll('#doc-filter input[name="doc"]').forEach(function (i) {
      i.addEventListener("change", updateScope);
    });
    updateScope();

    function autosize() {
      box.style.height = "auto";
      box.style.height = Math.min(box.scrollHeight, 200) + "px";
    }
    box.addEventListener("input", autosize);

    // ---------- conversations: kept in localStorage and on the server (per browser) ----------
    var STORE_KEY = "policyqa.chat";
    var HISTORY_TURNS = 6; // turns sent with a question
    var chat = { id: null, title: "", turns: [] };
    var list = document.getElementById("chat-list");
    var toolbar = document.getElementById("chat-toolbar");

    function loadState() {
      try { return JSON.parse(localStorage.getItem(STORE_KEY)) || { current: null, cache: {} }; }
      catch (e) { return { current: null, cache: {} }; }
    }
    function saveState() {
      var st = loadState();
      st.current = chat.id;
      if (chat.id) st.cache[chat.id] = chat;
      var ids = Object.keys(st.cache);
      if (ids.length > 20) ids.slice(0, ids.length - 20).forEach(function (i) { if (i !== chat.id) delete st.cache[i]; });
      try { localStorage.setItem(STORE_KEY, JSON.stringify(st)); }
      catch (e) { try { localStorage.setItem(STORE_KEY, JSON.stringify({ current: chat.id, cache: {} })); } catch (e2) { /* storage off */ } }
    }
    function forget(id) {
      var st = loadState();
      delete st.cache[id];
      if (st.current === id) st.current = null;
      try { localStorage.setItem(STORE_KEY, JSON.stringify(st)); } catch (e) { /* storage off */ }
    }
    function api(method, url, body) {
      var init = { method: method, headers: { accept: "application/json" } };
      if (body !== undefined) { init.headers["content-type"] = "application/json"; init.body = JSON.stringify(body); }
      return fetch(url, init).then(function (r) {
        return r.json().catch(function () { return { error: "服务器返回了无效的响应（" + r.status + "）" }; })
          .then(function (b) { return { ok: r.ok, status: r.status, body: b }; });
      });
    }
    function exportUrl(fmt, n) {
      return "/api/conversations/" + encodeURIComponent(chat.id) + "/export?format=" + fmt + (n ? "&turn=" + n : "");
    }
    function updateToolbar() {
      var show = Boolean(chat.id && chat.turns.length);
      toolbar.hidden = !show;
      if (!show) return;
      document.getElementById("chat-title").textContent = chat.title || "新对话";
      document.getElementById("export-docx").href = exportUrl("docx");
      document.getElementById("export-md").href = exportUrl("md");
    }
    function turnActions(n) {
      var link = "/?c=" + encodeURIComponent(chat.id) + "#turn-" + n;
      return el("p", { className: "turn-actions" }, [
        el("a", { className: "btn btn-link permalink", href: link, text: "本问链接" }),
        el("a", { className: "btn btn-link export-turn", href: exportUrl("docx", n), download: true, text: "导出 Word" }),
        el("a", { className: "btn btn-link export-turn-md", href: exportUrl("md", n), download: true, text: "导出 Markdown" })
      ]);
    }
    function newTurn(question) {
      var turn = el("section", { className: "turn" });
      turn.appendChild(el("div", { className: "bubble user" }, [
        el("span", { className: "sr-only", text: "问题：" }), el("p", { text: question })
      ]));
      convo.appendChild(turn);
      return turn;
    }
    function showTurn(t) {
      var turn = newTurn(t.question);
      turn.id = "turn-" + t.n;
      var bubble = el("div", { className: "bubble bot" });
      turn.appendChild(bubble);
      renderAnswer(bubble, t.reply, t.reply.resolved_question || t.question);
      if (chat.id) bubble.appendChild(turnActions(t.n));
    }
    function clearTurns() {
      convo.querySelectorAll(".turn").forEach(function (t) { t.remove(); });
    }
    function showChat() {
      clearTurns();
      chat.turns.forEach(showTurn);
      if (welcome) welcome.classList.toggle("compact", chat.turns.length > 0);
      updateToolbar();
      markCurrent();
    }
    function markCurrent() {
      list.querySelectorAll(".chat-item").forEach(function (li) {
        li.setAttribute("aria-current", li.getAttribute("data-id") === chat.id ? "true" : "false");
      });
    }
    function setUrl() {
      var url = chat.id ? "/?c=" + encodeURIComponent(chat.id) : "/";
      if (location.pathname + location.search !== url) history.replaceState(null, "", url + location.hash);
    }
    function openChat(id, cached) {
      if (cached) { chat = cached; showChat(); }
      return api("GET", "/api/conversations/" + encodeURIComponent(id)).then(function (res) {
        if (!res.ok) {
          forget(id);
          if (chat.id === id || !chat.id) startNew();
          toast(res.status === 404 ? "未找到该对话（对话只在创建它的浏览器中可见）" : res.body.error || "无法打开对话");
          return false;
        }
        chat = { id: res.body.id, title: res.body.title, turns: res.body.turns };
        saveState(); showChat(); setUrl();
        return true;
      }).catch(function () { return Boolean(cached); });
    }
    function startNew() {
      chat = { id: null, title: "", turns: [] };
      saveState(); showChat(); setUrl();
      box.focus();
    }
    function chatItem(c) {
      var open = el("button", { type: "button", className: "chat-open", title: c.title, text: c.title + "（" + c.turns + "）" });
      var rename = el("button", { type: "button", className: "btn btn-ghost chat-rename", text: "重命名" });
      var del = el("button", { type: "button", className: "btn btn-ghost chat-delete", text: "删除" });
      var li = el("li", { className: "chat-item", "data-id": c.id }, [open, rename, del]);
      open.addEventListener("click", function () { openChat(c.id); });
      rename.addEventListener("click", function () {
        var input = el("input", { type: "text", className: "chat-rename-input", maxlength: "80", "aria-label": "新标题" });
        input.value = c.title;
        li.replaceChild(input, open);
        input.focus();
        input.addEventListener("keydown", function (ev) {
          if (ev.key === "Escape") { refreshList(); return; }
          if (ev.key !== "Enter" || ev.isComposing) return;
          ev.preventDefault();
          api("PATCH", "/api/conversations/" + encodeURIComponent(c.id), { title: input.value }).then(function (res) {
            if (!res.ok) { toast(res.body.error || "重命名失败"); return; }
            if (chat.id === c.id) { chat.title = res.body.title; saveState(); updateToolbar(); }
            toast("已重命名"); refreshList();
          });
        });
      });
      del.addEventListener("click", function () {
        if (!del.classList.contains("confirm")) { // two steps instead of a dialog
          del.classList.add("confirm"); del.textContent = "确认删除";
          setTimeout(function () { del.classList.remove("confirm"); del.textContent = "删除"; }, 4000);
          return;
        }
        api("DELETE", "/api/conversations/" + encodeURIComponent(c.id)).then(function (res) {
          if (!res.ok) { toast(res.body.error || "删除失败"); return; }
          forget(c.id);
          if (chat.id === c.id) startNew();
          toast("已删除对话"); refreshList();
        });
      });
      return li;
    }
    function refreshList() {
      return api("GET", "/api/conversations").then(function (res) {
        if (!res.ok) return;
        list.textContent = "";
        res.body.conversations.forEach(function (c) { list.appendChild(chatItem(c)); });
        if (!res.body.conversations.length) list.appendChild(el("li", { className: "hint", text: "还没有对话" }));
        markCurrent();
      }).catch(function () { /* offline: the list stays as it was */ });
    }
    function ensureChat() {
      if (chat.id) return Promise.resolve(chat.id);
      return api("POST", "/api/conversations", {}).then(function (res) {
        if (!res.ok) return null;
        chat = { id: res.body.id, title: res.body.title, turns: [] };
        saveState(); setUrl();
        return chat.id;
      }).catch(function () { return null; });
    }
    function historyOf() {
      return chat.turns.slice(-HISTORY_TURNS).map(function (t) {
        return {
          question: t.question,
          answer: answerBody(t.reply),
          resolved_question: t.reply.resolved_question || t.question,
          citations: (t.reply.citations || []).map(function (c) { return { clause_id: c.clause_id, citation: c.citation }; })
        };
      });
    }
    document.getElementById("new-chat").addEventListener("click", startNew);

    // ---------- streaming (a language model configured): server-sent events over fetch ----------
    var streaming = document.querySelector(".chat").getAttribute("data-stream") === "on";
    function parseEvent(raw) {
      var name = "", data = "";
      raw.split("\n").forEach(function (line) {
        if (line.indexOf("event: ") === 0) name = line.slice(7);
        else if (line.indexOf("data: ") === 0) data += line.slice(6);
      });
      return { name: name, data: JSON.parse(data || "{}") };
    }
    /* Resolves like api() with the first ("answer") event; later events go to onEvent. */
    function askStream(body, onEvent) {
      return fetch("/api/ask/stream", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "text/event-stream" },
        body: JSON.stringify(body)
      }).then(function (r) {
        if (!r.ok) {
          return r.json().catch(function () { return { error: "请求失败（" + r.status + "）" }; })
            .then(function (b) { return { ok: false, status: r.status, body: b }; });
        }
        var reader = r.body.getReader();
        var decoder = new TextDecoder();
        var buffer = "";
        var first = false;
        return new Promise(function (resolve, reject) {
          function pump() {
            reader.read().then(function (chunk) {
              if (chunk.done) { if (!first) reject(new Error("stream ended")); else onEvent("done", {}); return; }
              buffer += decoder.decode(chunk.value, { stream: true });
              var cut;
              while ((cut = buffer.indexOf("\n\n")) >= 0) {
                var ev = parseEvent(buffer.slice(0, cut));
                buffer = buffer.slice(cut + 2);
                if (ev.name === "answer" && !first) { first = true; resolve({ ok: true, status: 200, body: ev.data }); }
                else onEvent(ev.name, ev.data);
              }
              pump();
            }, function (err) { if (!first) reject(err); });
          }
          pump();
        });
      });
    }

    function failed(bubble, message) {
      bubble.removeAttribute("aria-hidden");
      bubble.textContent = "";
      bubble.classList.remove("pending");
      bubble.classList.add("error");
      bubble.appendChild(el("p", { text: message }));
      status.textContent = "出错了";
    }

    function ask(question) {
      question = question.trim();
      if (!question || busy) return;
      busy = true;
      if (welcome) welcome.classList.add("compact");
      var docs = selectedDocs().map(function (i) { return i.value; });
      var turn = newTurn(question);
      // the pending bubble is for the eyes; #status tells screen readers "检索中…"
      var bubble = el("div", { className: "bubble bot pending", "aria-hidden": "true" }, [
        el("span", { className: "spinner", "aria-hidden": "true" }), el("span", { text: "检索中…" })
      ]);
      turn.appendChild(bubble);
      convo.setAttribute("aria-busy", "true");
      status.textContent = "检索中…";
      send.disabled = true;
      scrollTo(turn, "end");
      var history = historyOf();

      var live = null; // the paragraph the verified sentences of a stream go into
      // a stream's later events can arrive in the same read as its first answer: they wait
      // until that answer is shown, else it would be drawn over the final one
      var shown = false, queued = [];
      function onEvent(name, data) {
        if (shown) show(name, data); else queued.push([name, data]);
      }
      function flush() {
        shown = true;
        queued.splice(0).forEach(function (e) { show(e[0], e[1]); });
      }
      function show(name, data) {
        if (name === "sentence") {
          if (!live) {
            bubble.appendChild(el("p", { className: "answer-label", text: "语言模型改写（逐句核验引用）" }));
            live = bubble.appendChild(el("p", { className: "answer-text streaming" }));
          }
          live.textContent += data.text;
        } else if (name === "final") {
          renderAnswer(bubble, data, data.resolved_question || question);
          if (data.turn) {
            bubble.appendChild(turnActions(data.turn));
            chat.turns.forEach(function (t) { if (t.n === data.turn) t.reply = data; });
            saveState();
          }
          live = null;
        } else if (name === "done" && live) {
          live.classList.remove("streaming");
        }
      }

      ensureChat()
        .then(function (id) {
          var body = { question: question, docs: docs.length ? docs : null, details: true, history: history };
          if (id) body.conversation_id = id;
          return streaming ? askStream(body, onEvent) : api("POST", "/api/ask", body);
        })
        .then(function (res) {
          if (!res.ok || res.body.error) { failed(bubble, res.body.error || "请求失败"); return; }
          renderAnswer(bubble, res.body, res.body.resolved_question || question);
          if (res.body.turn) {
            turn.id = "turn-" + res.body.turn;
            chat.turns.push({ n: res.body.turn, question: question, reply: res.body });
            if (!chat.title || chat.title === "新对话") chat.title = question.slice(0, 40);
            bubble.appendChild(turnActions(res.body.turn));
            saveState(); updateToolbar(); refreshList();
          }
          status.textContent = res.body.abstained ? "未找到明确答案" : "已回答，引用 " + res.body.citations.length + " 条";
          flush();
        })
        .catch(function () { failed(bubble, "无法连接服务器，请稍后重试。"); })
        .then(function () {
          busy = false;
          send.disabled = false;
          convo.setAttribute("aria-busy", "false");
          scrollTo(turn, "start");
        });
    }

    function restore() {
      var wanted = new URLSearchParams(location.search).get("c");
      var st = loadState();
      var id = wanted || st.current;
      var done = id ? openChat(id, st.cache[id]) : Promise.resolve(false);
      done.then(function () {
        var target = location.hash && document.getElementById(location.hash.slice(1));
        if (target) scrollTo(target, "start");
      });
      refreshList();
    }
    restore();

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (busy) return;
      var q = box.value;
      if (!q.trim()) { box.focus(); return; }
      box.value = "";
      autosize();
      ask(q);
      box.focus();
    });
    box.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
        ev.preventDefault();
        if (typeof form.requestSubmit === "function") form.requestSubmit();
        else form.dispatchEvent(new Event("submit", { cancelable: true }));
      }
    });
    document.querySelectorAll(".example").forEach(function (b) {
      b.addEventListener("click", function () {
        box.value = b.getAttribute("data-question") || "";
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
      });
    });
  }

  window.PolicyQA = { appendHighlighted: appendHighlighted, copyText: copyText };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initChat);
  else initChat();
})();
