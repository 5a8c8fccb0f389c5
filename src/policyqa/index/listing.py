"""The corpus's documents as ``policyqa documents`` lists them, with what the index holds."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..errors import IndexProblem
from ..ingest.corpus import load_documents
from ..settings import Settings
from .load import load_index


def document_rows(settings: Settings) -> list[dict[str, Any]]:
    """id, title, issuer, 文号, dates, period, status, clause count and source of each."""
    documents = load_documents(settings.corpus_dir)
    try:
        index = load_index(settings)
        counts: Counter[str] = Counter(c.doc_id for c in index.clauses)
        pending = set(index.pending)
    except IndexProblem:
        counts, pending = Counter(), {d.doc_id for d in documents}
    titles = {d.doc_id: d.title for d in documents}
    rows = []
    for d in documents:
        status = "未索引" if d.doc_id in pending else ("已被取代" if d.superseded_by else "现行")
        rows.append(
            {
                "id": d.doc_id,
                "title": d.title,
                "issuer": d.issuer,
                "doc_number": d.doc_number,
                "date": d.date,
                "effective": d.effective,
                "period": d.period,
                "status": status,
                "superseded_by": titles.get(d.superseded_by, ""),
                "clauses": counts.get(d.doc_id, 0),
                "file": d.file,
                "source": d.source,
            }
        )
    return rows
