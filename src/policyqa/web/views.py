"""The data behind every page and API route: one function per view, HTML only renders it.

Every function takes the loaded Engine and returns plain JSON-ready dicts; errors are the
engine's own PolicyQAError subclasses, which the app turns into 4xx responses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from ..engine import Engine, check_k
from ..errors import UnknownClause
from ..ingest.library import is_added
from ..types import Clause, Document


def clause_url(clause_id: str) -> str:
    return "/clauses/" + quote(clause_id, safe=":.-")


def document_url(doc_id: str) -> str:
    return "/documents/" + quote(doc_id, safe="-")


def status(engine: Engine, d: Document) -> str:
    """现行, or 已被《…》取代 when a newer version of it is in the corpus."""
    if not d.superseded_by:
        return "现行"
    return f"已被《{engine.document(d.superseded_by).title}》取代"


def document_summary(engine: Engine, d: Document) -> dict[str, Any]:
    out = d.to_dict()
    out.pop("seed_file", None)
    out["short_name"] = d.short_name
    out["url"] = document_url(d.doc_id)
    out["added"] = is_added(d)  # taken in by upload or policyqa add: it may be deleted
    out["status"] = status(engine, d)
    return out


def clause_summary(engine: Engine, c: Clause) -> dict[str, Any]:
    """A clause plus what a page needs to show it: its document's short name and its URL."""
    out = c.to_dict()
    out["short_name"] = engine.document(c.doc_id).short_name
    out["url"] = clause_url(c.clause_id)
    return out


def health(engine: Engine) -> dict[str, Any]:
    m = engine.manifest
    counts = m.get("counts", {})
    return {
        "status": "ok",
        "documents": counts.get("documents"),
        "clauses": counts.get("clauses"),
        "chunks": counts.get("chunks"),
        "encoder": m.get("encoder", {}).get("name"),
        "built_at": m.get("built_at"),
        "manifest": {k: v for k, v in m.items() if k != "files"},
    }


def search(
    engine: Engine, q: str, k: int = 10, mode: str | None = None, docs: Sequence[str] = ()
) -> dict[str, Any]:
    """Exactly what ``policyqa search --json`` prints for one question."""
    hits = engine.search(q, k=k, mode=mode, docs=list(docs) or None)
    results = [h.to_dict(i) for i, h in enumerate(hits, 1)]
    for r, h in zip(results, hits, strict=True):
        r["status"] = status(engine, engine.document(h.clause.doc_id))
    return {"query": q, "results": results}


def ask(
    engine: Engine,
    question: str,
    docs: Sequence[str] | None = None,
    k: int | None = None,
    details: bool = False,
) -> dict[str, Any]:
    """``Answer.to_dict()``; with ``details`` also ``clauses``: id -> clause summary."""
    # Engine.ask does not validate k itself (it uses max(k, 5)), so bad k is refused here.
    k = 5 if k is None else check_k(k, engine.settings.max_k)
    answer = engine.ask(question, docs=list(docs or ()) or None, k=k)
    out = answer.to_dict()
    if details:
        ids = [c.clause_id for c in (*answer.citations, *answer.related)]
        out["clauses"] = {i: clause_summary(engine, engine.clause(i)) for i in dict.fromkeys(ids)}
    return out


def clause(engine: Engine, clause_id: str) -> dict[str, Any]:
    c = engine.clause(clause_id)
    prev, nxt = engine.neighbours(clause_id)
    d = engine.document(c.doc_id)
    out = clause_summary(engine, c)
    out["document"] = document_summary(engine, d)
    out["prev"] = clause_summary(engine, prev) if prev else None
    out["next"] = clause_summary(engine, nxt) if nxt else None
    out["prev_id"] = prev.clause_id if prev else None
    out["next_id"] = nxt.clause_id if nxt else None
    return out


def lookup(engine: Engine, ref: str) -> dict[str, Any]:
    """The clauses a reference names; raises UnknownClause (with candidates) otherwise."""
    res = engine.lookup(ref)
    clauses = []
    for c in res.clauses:
        summary = clause_summary(engine, c)
        if (part := res.parts.get(c.clause_id)) is not None:  # 第二十九条第二款: that 款
            summary["part"] = {"label": part.label, "text": part.text}
            summary["exact_citation"] = c.citation + part.label
        clauses.append(summary)
    return {"ref": ref, "doc_id": res.reference.doc_id, "clauses": clauses}


def candidates(engine: Engine, ids: Sequence[str]) -> list[dict[str, Any]]:
    """Clause summaries for the candidate ids an UnknownClause carries (unknown ids skipped)."""
    out = []
    for i in ids:
        try:
            out.append(clause_summary(engine, engine.clause(i)))
        except UnknownClause:
            continue
    return out


def documents(engine: Engine) -> dict[str, Any]:
    docs = []
    for d in engine.documents:
        s = document_summary(engine, d)
        s["clause_count"] = len(engine.clauses_of(d.doc_id))
        docs.append(s)
    return {"documents": docs}


def document(engine: Engine, doc_id: str) -> dict[str, Any]:
    d = engine.document(doc_id)
    out = document_summary(engine, d)
    outline = [
        {
            "heading": node.heading,
            "clauses": [
                {
                    "clause_id": c.clause_id,
                    "label": c.label,
                    "kind": c.kind,
                    "title": c.title,
                    "citation": c.citation,
                    "lead_departments": list(c.lead_departments),
                    "preview": c.text[:80],
                    "url": clause_url(c.clause_id),
                }
                for c in node.clauses
            ],
        }
        for node in engine.outline(doc_id)
    ]
    out["clause_count"] = sum(len(n["clauses"]) for n in outline)
    out["outline"] = outline
    return out
