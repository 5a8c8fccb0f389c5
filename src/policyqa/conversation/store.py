"""Stored conversations: each belongs to the browser that made it, in SQLite.

There is no login: a browser is known by a random id in a cookie (see
:mod:`policyqa.web.browser`). Every read and write names that owner, and a conversation of
another owner is "not found", never "forbidden", so one browser learns nothing of
another's. The database is the feedback store's file (``db_path``), in WAL mode.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import BadInput, NotFound
from ..storage import open_database
from ..types import Citation
from .history import MAX_TURNS, Turn

MAX_TITLE_CHARS = 80
MAX_CONVERSATIONS = 500  # per browser: the oldest beyond this are dropped
MAX_STORED_TURNS = 200  # per conversation

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_by_owner ON conversations (owner, updated);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    ts REAL NOT NULL,
    question TEXT NOT NULL,
    reply TEXT NOT NULL,
    PRIMARY KEY (conversation_id, n)
);
"""


def new_id() -> str:
    return secrets.token_urlsafe(12)


def _title(text: str) -> str:
    title = " ".join(text.split())
    if "\x00" in title:
        raise BadInput("标题含控制字符。")
    if len(title) > MAX_TITLE_CHARS:
        raise BadInput(f"标题过长（上限 {MAX_TITLE_CHARS} 字）。")
    return title


class ConversationStore:
    """Thread-safe conversations and their turns, each under its owner."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = open_database(self.path, _SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def create(self, owner: str, title: str = "") -> dict[str, Any]:
        cid, now = new_id(), time.time()
        with self._lock:
            self._db.execute(
                "INSERT INTO conversations (id, owner, title, created, updated) "
                "VALUES (?, ?, ?, ?, ?)",
                (cid, owner, _title(title), now, now),
            )
            self._db.execute(
                "DELETE FROM conversations WHERE owner = ? AND id NOT IN (SELECT id FROM "
                "conversations WHERE owner = ? ORDER BY updated DESC LIMIT ?)",
                (owner, owner, MAX_CONVERSATIONS),
            )
        return self.summary(owner, cid)

    def _row(self, owner: str, cid: str) -> tuple[Any, ...]:
        row = self._db.execute(
            "SELECT c.id, c.title, c.created, c.updated, COUNT(t.n) FROM conversations c "
            "LEFT JOIN turns t ON t.conversation_id = c.id WHERE c.id = ? AND c.owner = ? "
            "GROUP BY c.id",
            (cid, owner),
        ).fetchone()
        if row is None:
            raise NotFound("未找到该对话（对话只在创建它的浏览器中可见）。")
        return tuple(row)

    def summary(self, owner: str, cid: str) -> dict[str, Any]:
        with self._lock:
            return _summary(self._row(owner, cid))

    def list(self, owner: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT c.id, c.title, c.created, c.updated, COUNT(t.n) FROM conversations c "
                "LEFT JOIN turns t ON t.conversation_id = c.id WHERE c.owner = ? "
                "GROUP BY c.id ORDER BY c.updated DESC",
                (owner,),
            ).fetchall()
        return [_summary(tuple(r)) for r in rows]

    def get(self, owner: str, cid: str) -> dict[str, Any]:
        """The conversation with its turns: ``{"n", "ts", "question", "reply"}`` each."""
        with self._lock:
            out = _summary(self._row(owner, cid))
            rows = self._db.execute(
                "SELECT n, ts, question, reply FROM turns WHERE conversation_id = ? ORDER BY n",
                (cid,),
            ).fetchall()
        out["turns"] = [
            {"n": n, "ts": ts, "question": q, "reply": json.loads(reply)}
            for n, ts, q, reply in rows
        ]
        return out

    def rename(self, owner: str, cid: str, title: str) -> dict[str, Any]:
        title = _title(title)
        if not title:
            raise BadInput("标题不能为空。")
        with self._lock:
            self._row(owner, cid)
            self._db.execute(
                "UPDATE conversations SET title = ?, updated = ? WHERE id = ? AND owner = ?",
                (title, time.time(), cid, owner),
            )
        return self.summary(owner, cid)

    def delete(self, owner: str, cid: str) -> None:
        with self._lock:
            self._row(owner, cid)
            self._db.execute("DELETE FROM turns WHERE conversation_id = ?", (cid,))
            self._db.execute("DELETE FROM conversations WHERE id = ? AND owner = ?", (cid, owner))

    def add_turn(self, owner: str, cid: str, question: str, reply: dict[str, Any]) -> int:
        """Append a turn; the conversation takes its first question as title if it has
        none. Returns the turn's number (1-based)."""
        with self._lock:
            _, title, _, _, count = self._row(owner, cid)
            if count >= MAX_STORED_TURNS:
                raise BadInput(f"对话过长（上限 {MAX_STORED_TURNS} 轮），请新建对话。")
            n, now = int(count) + 1, time.time()
            self._db.execute(
                "INSERT INTO turns (conversation_id, n, ts, question, reply) "
                "VALUES (?, ?, ?, ?, ?)",
                (cid, n, now, question, json.dumps(reply, ensure_ascii=False)),
            )
            new_title = title or _title(question[:40])
            self._db.execute(
                "UPDATE conversations SET updated = ?, title = ? WHERE id = ?",
                (now, new_title, cid),
            )
        return n

    def update_turn(self, owner: str, cid: str, n: int, reply: dict[str, Any]) -> None:
        """Replace turn ``n``'s reply (a streamed answer, once its rephrasing is final)."""
        with self._lock:
            self._row(owner, cid)
            self._db.execute(
                "UPDATE turns SET reply = ? WHERE conversation_id = ? AND n = ?",
                (json.dumps(reply, ensure_ascii=False), cid, n),
            )

    def history(self, owner: str, cid: str) -> tuple[Turn, ...]:
        """The stored turns as a history for the next question."""
        turns = []
        for t in self.get(owner, cid)["turns"][-MAX_TURNS:]:
            r = t["reply"]
            cites = tuple(
                Citation(c["clause_id"], c.get("citation", ""), c.get("text", ""))
                for c in r.get("citations", [])
            )
            body = r.get("answer", "")
            if r.get("reading") and body.startswith(r["reading"]):
                body = body[len(r["reading"]) :].lstrip("\n")
            turns.append(Turn(t["question"], body, cites, r.get("resolved_question", "")))
        return tuple(turns)


def _summary(row: tuple[Any, ...]) -> dict[str, Any]:
    cid, title, created, updated, count = row
    return {
        "id": cid,
        "title": title or "新对话",
        "created": created,
        "updated": updated,
        "turns": int(count),
        "url": f"/?c={cid}",
    }
