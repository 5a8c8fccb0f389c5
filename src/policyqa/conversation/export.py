"""A conversation, or one of its answers, as Markdown or a Word document for a report.

Each cited clause is written out in full: the citation as officials write it
(《…》二（八）第27条) and the clause's text, quoted. The answer's own text is kept as shown,
with the line saying how a follow-up was read.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Sequence
from typing import Any

from docx import Document as WordDocument
from docx.shared import Pt, RGBColor

from ..errors import BadInput, NotFound

FORMATS = {"md": "text/markdown; charset=utf-8", "docx": (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)}  # fmt: skip
_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]+")


def pick_turns(conversation: dict[str, Any], turn: int | None) -> list[dict[str, Any]]:
    """All turns, or the one numbered ``turn`` (NotFound if there is none)."""
    turns: list[dict[str, Any]] = conversation["turns"]
    if turn is None:
        return turns
    chosen = [t for t in turns if t["n"] == turn]
    if not chosen:
        raise NotFound(f"该对话没有第 {turn} 轮。")
    return chosen


def file_name(conversation: dict[str, Any], turn: int | None, fmt: str) -> str:
    base = _UNSAFE.sub("_", conversation["title"]).strip() or "对话"
    return f"{base[:40]}{f'-第{turn}问' if turn else ''}.{fmt}"


def _parts(reply: dict[str, Any]) -> tuple[str | None, str]:
    """(how a follow-up was read, the answer itself)."""
    note, text = reply.get("reading"), str(reply.get("answer", ""))
    if note and text.startswith(note):
        text = text[len(note) :].lstrip("\n")
    return note, text


def _citations(reply: dict[str, Any]) -> list[dict[str, Any]]:
    key = "related" if reply.get("abstained") else "citations"
    return list(reply.get(key) or [])


def to_markdown(conversation: dict[str, Any], turns: Sequence[dict[str, Any]]) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(conversation["updated"]))
    lines = [f"# {conversation['title']}", "", f"PolicyQA 政策问答 · 导出于 {stamp}", ""]
    for t in turns:
        reply = t["reply"]
        note, text = _parts(reply)
        lines += [f"## 问{t['n']}：{t['question']}", ""]
        if note:
            lines += [f"*{note}*", ""]
        head = "未找到明确答案：" if reply.get("abstained") else "答："
        lines += [f"**{head}**{text}", ""]
        cites = _citations(reply)
        if cites:
            lines += ["可能相关的条款：" if reply.get("abstained") else "引用条款：", ""]
        for i, c in enumerate(cites, 1):
            lines.append(f"{i}. {c.get('citation') or c['clause_id']}")
            lines.append("")
            lines += [f"   > {para}" for para in str(c.get("text", "")).splitlines() if para]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_docx(conversation: dict[str, Any], turns: Sequence[dict[str, Any]]) -> bytes:
    doc = WordDocument()
    doc.core_properties.title = conversation["title"]
    doc.add_heading(conversation["title"], level=1)
    for t in turns:
        reply = t["reply"]
        note, text = _parts(reply)
        doc.add_heading(f"问{t['n']}：{t['question']}", level=2)
        if note:
            run = doc.add_paragraph().add_run(note)
            run.italic = True
            run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        p = doc.add_paragraph()
        p.add_run("未找到明确答案：" if reply.get("abstained") else "答：").bold = True
        p.add_run(text)
        cites = _citations(reply)
        if cites:
            label = "可能相关的条款" if reply.get("abstained") else "引用条款"
            doc.add_paragraph().add_run(label).bold = True
        for c in cites:
            doc.add_paragraph(str(c.get("citation") or c["clause_id"]), style="List Number")
            quote = doc.add_paragraph(str(c.get("text", "")), style="Quote")
            for run in quote.runs:
                run.font.size = Pt(10)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def export(conversation: dict[str, Any], fmt: str, turn: int | None = None) -> bytes:
    """The conversation (or one turn) as ``fmt`` (md or docx)."""
    if fmt not in FORMATS:
        raise BadInput(f"导出格式 {fmt!r} 无效：可选 md、docx。")
    turns = pick_turns(conversation, turn)
    if fmt == "md":
        return to_markdown(conversation, turns).encode("utf-8")
    return to_docx(conversation, turns)
