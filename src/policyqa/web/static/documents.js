/* PolicyQA documents pages: upload (drop or pick, several files), each file's progress, and
 * delete, behind the admin token. The token is asked for once and kept in sessionStorage
 * (this tab only). Safety: server and file text reaches the page only through textContent;
 * the refreshed list is the server's own page, parsed with DOMParser (its scripts never run).
 */
(function () {
  "use strict";

  var TOKEN_KEY = "policyqa.adminToken";
  var JOB_KEY = "policyqa.uploadJob";
  var POLL_MS = 500;
  var UPLOAD_URL = "/api/admin/documents";

  var manage = document.getElementById("manage");
  if (!manage || manage.getAttribute("data-admin") !== "on") return;
  var message = document.getElementById("manage-message");

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k === "className") node.className = v;
      else node.setAttribute(k, String(v));
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function say(text, kind) {
    if (!message) return;
    message.textContent = text || "";
    message.className = "manage-message" + (kind ? " " + kind : "");
  }

  // ---------- the admin token ----------
  var form = document.getElementById("token-form");
  var state = document.getElementById("token-state");
  var input = document.getElementById("admin-token");

  function token() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch (e) { return ""; }
  }

  function showToken() {
    var has = !!token();
    if (form) form.hidden = has;
    if (state) state.hidden = !has;
  }

  function setToken(value) {
    try {
      if (value) sessionStorage.setItem(TOKEN_KEY, value);
      else sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) { /* storage refused: the token lasts until the page is left */ }
    showToken();
  }

  function needToken() {
    if (token()) return false;
    say("请先输入管理令牌。", "error");
    if (input) input.focus();
    return true;
  }

  if (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var value = (input.value || "").trim();
      if (!value) return;
      input.value = "";
      setToken(value);
      say("已保存管理令牌。");
    });
  }
  var clear = document.getElementById("token-clear");
  if (clear) clear.addEventListener("click", function () { setToken(""); say("已清除管理令牌。"); });
  showToken();

  function headers() {
    return { "Authorization": "Bearer " + token() };
  }

  /* A failed admin response as one line; a refused token is forgotten. */
  function problem(status, body) {
    if (status === 401) {
      setToken("");
      return "管理令牌不正确，请重新输入。";
    }
    return (body && body.error) || "请求失败（" + status + "）";
  }

  function readJson(r) {
    return r.json().catch(function () { return {}; }).then(function (body) {
      return { ok: r.ok, status: r.status, body: body };
    });
  }

  // ---------- the list of documents, refreshed from the server's own page ----------
  function refreshList() {
    return fetch("/documents", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        [["doc-grid", "#doc-grid"], ["lead", "main .lead"]].forEach(function (pair) {
          var mine = document.querySelector(pair[1]);
          var theirs = fresh.querySelector(pair[1]);
          if (mine && theirs) mine.replaceWith(document.adoptNode(theirs));
        });
      })
      .catch(function () { say("文件列表未能刷新，请重新载入页面。", "error"); });
  }

  // ---------- upload ----------
  var list = document.getElementById("upload-list");
  var zone = document.getElementById("drop-zone");
  var picker = document.getElementById("file-input");
  var maxMb = Number(manage.getAttribute("data-max-mb") || "0");
  var maxFiles = Number(manage.getAttribute("data-max-files") || "0");
  var busy = false;

  var STATES = { queued: "等待处理", reading: "正在读取", failed: "失败" };
  var STEPS = { clauses: "条款", sentences: "句子" };
  var RESULTS = { added: "已加入", indexed: "已加入索引", unchanged: "已在库中，未改动" };

  function stateText(f) {
    if (f.state === "embedding") {
      if (f.step === "sentences" && f.done >= f.total) return "正在建立索引";
      return "正在嵌入" + (STEPS[f.step] || "") + " " + f.done + "/" + f.total;
    }
    if (f.state === "done") return RESULTS[f.result] || "完成";
    return STATES[f.state] || f.state;
  }

  function fileRow(f) {
    var row = el("li", { className: "upload-item", "data-state": f.state, "data-name": f.name }, [
      el("span", { className: "upload-name", text: f.name }),
      el("span", { className: "upload-state", text: stateText(f) })
    ]);
    if (f.state === "embedding" && f.total) {
      row.appendChild(el("progress", { max: f.total, value: f.done, "aria-label": f.name + " 嵌入进度" }));
    }
    if (f.state === "done" && f.doc_id) {
      var counts = f.clauses + " 个条款" + (f.articles ? "，其中 " + f.articles + " 条" : "");
      row.appendChild(el("p", { className: "upload-result" }, [
        el("a", { href: f.url, text: "《" + (f.title || f.doc_id) + "》" }), "　" + counts
      ]));
    }
    if (f.state === "failed") row.appendChild(el("p", { className: "upload-error", text: f.error || "处理失败" }));
    return row;
  }

  function render(job) {
    list.replaceChildren.apply(list, job.files.map(fileRow));
  }

  function finished(job) {
    var ok = job.files.filter(function (f) { return f.state === "done"; }).length;
    var failed = job.files.length - ok;
    say("处理完成：" + ok + " 个文件成功" + (failed ? "，" + failed + " 个失败" : "") + "。", failed ? "error" : "ok");
    try { sessionStorage.removeItem(JOB_KEY); } catch (e) { /* nothing to forget */ }
    busy = false;
    zone.classList.remove("busy");
    return refreshList();
  }

  function poll(url) {
    fetch(url, { headers: headers(), credentials: "same-origin" })
      .then(readJson)
      .then(function (res) {
        if (!res.ok) {
          busy = false;
          zone.classList.remove("busy");
          try { sessionStorage.removeItem(JOB_KEY); } catch (e) { /* nothing to forget */ }
          say(problem(res.status, res.body), "error");
          return;
        }
        render(res.body);
        if (res.body.state === "done") finished(res.body);
        else setTimeout(function () { poll(url); }, POLL_MS);
      })
      .catch(function () { setTimeout(function () { poll(url); }, POLL_MS * 4); });
  }

  function upload(files) {
    if (busy || needToken()) return;
    files = Array.prototype.slice.call(files || []);
    if (!files.length) return;
    var total = files.reduce(function (n, f) { return n + f.size; }, 0);
    if (maxFiles && files.length > maxFiles) {
      say("一次最多上传 " + maxFiles + " 个文件。", "error");
      return;
    }
    if (maxMb && total > maxMb * 1024 * 1024) {
      say("文件合计 " + (total / 1048576).toFixed(1) + " MB，超过上限 " + maxMb + " MB。", "error");
      return;
    }
    var data = new FormData();
    files.forEach(function (f) { data.append("files", f, f.name); });
    busy = true;
    zone.classList.add("busy");
    list.replaceChildren.apply(list, files.map(function (f) {
      return fileRow({ name: f.name, state: "queued" });
    }));
    say("正在上传…");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", UPLOAD_URL);
    xhr.setRequestHeader("Authorization", headers().Authorization);
    xhr.upload.onprogress = function (ev) {
      if (ev.lengthComputable) say("正在上传 " + Math.round((100 * ev.loaded) / ev.total) + "%");
    };
    xhr.onload = function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
      if (xhr.status !== 202) {
        busy = false;
        zone.classList.remove("busy");
        list.replaceChildren();
        say(problem(xhr.status, body), "error");
        return;
      }
      say("已上传，正在处理…");
      try { sessionStorage.setItem(JOB_KEY, body.url); } catch (e) { /* polling still works */ }
      render(body);
      poll(body.url);
    };
    xhr.onerror = function () {
      busy = false;
      zone.classList.remove("busy");
      say("上传失败：无法连接服务器。", "error");
    };
    xhr.send(data);
  }

  if (zone && picker) {
    picker.addEventListener("change", function () {
      upload(picker.files);
      picker.value = "";
    });
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (ev) {
        ev.preventDefault();
        zone.classList.add("over");
      });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (ev) {
      ev.preventDefault();
      upload(ev.dataTransfer ? ev.dataTransfer.files : []);
    });
    var resumed = null;
    try { resumed = sessionStorage.getItem(JOB_KEY); } catch (e) { resumed = null; }
    if (resumed && token() && resumed.indexOf(UPLOAD_URL + "/jobs/") === 0) {
      busy = true;
      zone.classList.add("busy");
      say("正在处理上次上传的文件…");
      poll(resumed);
    }
  }

  // ---------- delete: a second click confirms (no dialog) ----------
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest(".delete-doc") : null;
    if (!button || button.disabled || needToken()) return;
    var title = button.getAttribute("data-title") || "";
    if (!button.classList.contains("confirming")) {
      if (!button.hasAttribute("data-label")) button.setAttribute("data-label", button.textContent);
      button.classList.add("confirming");
      button.textContent = "确认删除？";
      say("再次点击确认删除《" + title + "》；删除后需重建索引，约需数秒。");
      setTimeout(function () {
        if (!button.isConnected || button.disabled) return;
        button.classList.remove("confirming");
        button.textContent = button.getAttribute("data-label");
      }, 5000);
      return;
    }
    button.disabled = true;
    button.textContent = "删除中…";
    var id = button.getAttribute("data-doc-id");
    fetch(UPLOAD_URL + "/" + encodeURIComponent(id), { method: "DELETE", headers: headers() })
      .then(readJson)
      .then(function (res) {
        if (!res.ok) {
          button.disabled = false;
          button.classList.remove("confirming");
          button.textContent = button.getAttribute("data-label");
          say(problem(res.status, res.body), "error");
          return;
        }
        var after = button.getAttribute("data-after");
        if (after) { window.location.assign(after); return; }
        say("已删除《" + (res.body.title || title) + "》。", "ok");
        refreshList();
      })
      .catch(function () {
        button.disabled = false;
        button.classList.remove("confirming");
        button.textContent = button.getAttribute("data-label");
        say("删除失败：无法连接服务器。", "error");
      });
  });
})();
