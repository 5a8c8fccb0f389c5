"""Officials' feedback on answers and the question log, in one small SQLite database.

The database lives at ``POLICYQA_DB_PATH`` (default ``<index_dir>/../var/policyqa.db``).
It runs in WAL mode with ``synchronous=NORMAL``: a commit is in the WAL before the call
returns, so every write the server acknowledged survives the server being killed
(only an operating-system crash or power loss can lose the last few commits).
One connection is shared by all threads behind a lock; writes are a few hundred
microseconds, far below the cost of a search.

Exported feedback uses the gold-set JSONL format (see ``export_gold``) so reviewers can
turn it into evaluation questions: the ``doc``/``gold``/``answer`` fields start empty
(``gold`` lists the clause ids the official saw, ``type`` is left for the reviewer).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from ..errors import BadInput, NotFound
from ..settings import Settings
from ..storage import open_database
from ..text.language import language

MAX_COMMENT_CHARS = 2000
MAX_ANSWER_CHARS = 8000
MAX_CLAUSE_IDS = 50

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    clause_ids TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL,
    route TEXT NOT NULL,
    question TEXT NOT NULL,
    k INTEGER,
    mode TEXT,
    latency_ms REAL NOT NULL,
    result_count INTEGER,
    status INTEGER NOT NULL DEFAULT 200
);
"""


def db_path(settings: Settings) -> Path:
    """``settings.db_path`` (``POLICYQA_DB_PATH``), else ``<index_dir>/../var/policyqa.db``."""
    if settings.db_path:
        return Path(settings.db_path).expanduser()
    return Path(settings.index_dir).resolve().parent / "var" / "policyqa.db"


class FeedbackStore:
    """Thread-safe access to the feedback and question tables."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = open_database(self.path, _SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ---- feedback ----

    def add_feedback(
        self,
        question: str,
        answer: str,
        helpful: bool,
        comment: str = "",
        clause_ids: list[str] | tuple[str, ...] = (),
    ) -> int:
        question = question.strip()
        if not question:
            raise BadInput("反馈缺少问题。")
        if len(question) > 2000:
            raise BadInput("反馈中的问题过长（上限 2000 字）。")
        if len(answer) > MAX_ANSWER_CHARS:
            raise BadInput(f"反馈中的回答过长（上限 {MAX_ANSWER_CHARS} 字）。")
        if len(comment) > MAX_COMMENT_CHARS:
            raise BadInput(f"意见过长（上限 {MAX_COMMENT_CHARS} 字）。")
        if len(clause_ids) > MAX_CLAUSE_IDS or any(len(c) > 200 for c in clause_ids):
            raise BadInput(f"条款编号过多或过长（上限 {MAX_CLAUSE_IDS} 个）。")
        for text in (question, answer, comment, *clause_ids):
            if "\x00" in text:
                raise BadInput("反馈包含控制字符，请删除后重试。")
        question, answer, comment = _text(question), _text(answer), _text(comment)
        clause_ids = [_text(c) for c in clause_ids]
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO feedback (ts, question, answer, helpful, comment, clause_ids) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (time.time(), question, answer, int(helpful), comment, "\n".join(clause_ids)),
            )
            return int(cur.lastrowid or 0)

    def delete_feedback(self, feedback_id: int) -> None:
        with self._lock:
            cur = self._db.execute("DELETE FROM feedback WHERE id = ?", (feedback_id,))
        if cur.rowcount == 0:
            raise NotFound(f"未找到反馈 {feedback_id}。")

    def feedback(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, ts, question, answer, helpful, comment, clause_ids "
                "FROM feedback ORDER BY id"
            ).fetchall()
        return [
            {
                "id": r[0],
                "ts": r[1],
                "question": r[2],
                "answer": r[3],
                "helpful": bool(r[4]),
                "comment": r[5],
                "clause_ids": [x for x in r[6].split("\n") if x],
            }
            for r in rows
        ]

    def export_gold(self) -> list[dict[str, Any]]:
        """Feedback as gold-set rows for review.

        ``id`` ``fb-<n>``; ``question``; ``lang`` zh/en (by the question's script);
        ``type`` "" (the reviewer classifies it); ``doc`` [] and ``gold`` [] (the reviewer
        fills in the right document files and gold passages); ``answer`` [] (expected answer
        strings, also for the reviewer); ``note``: what the official said — helpful or not,
        their comment, the answer they were shown and the clauses it cited.
        """
        out = []
        for f in self.feedback():
            verdict = "有帮助" if f["helpful"] else "没帮助"
            note = f"反馈：{verdict}"
            if f["comment"]:
                note += f"；意见：{f['comment']}"
            if f["clause_ids"]:
                note += f"；引用：{'、'.join(f['clause_ids'])}"
            note += f"；回答：{f['answer']}"
            out.append(
                {
                    "id": f"fb-{f['id']}",
                    "question": f["question"],
                    "lang": language(f["question"]),
                    "type": "",
                    "doc": [],
                    "gold": [],
                    "answer": [],
                    "note": note,
                }
            )
        return out

    # ---- question log (no tokens, headers or addresses: only what was asked) ----

    def log_question(
        self,
        route: str,
        question: str,
        k: int | None,
        mode: str | None,
        latency_ms: float,
        result_count: int | None,
        status: int = 200,
    ) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO questions (ts, route, question, k, mode, latency_ms, "
                "result_count, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    time.time(),
                    route,
                    _text(question[:2000]),
                    _int(k),
                    _text(mode[:20]) if mode else None,
                    latency_ms,
                    result_count,
                    status,
                ),
            )

    def questions(self) -> list[dict[str, Any]]:
        with self._lock:
            cur = self._db.execute(
                "SELECT ts, route, question, k, mode, latency_ms, result_count, status "
                "FROM questions ORDER BY id"
            )
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _text(text: str) -> str:
    """Text SQLite can store: lone surrogates (possible in JSON strings) become "?"."""
    return text.encode("utf-8", "replace").decode("utf-8") if not text.isascii() else text


def _int(value: int | None) -> int | None:
    """An int SQLite can store (k is logged as sent, and clients can send huge ones)."""
    return value if value is None or -(2**63) <= value < 2**63 else None
