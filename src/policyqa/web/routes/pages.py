"""The HTML pages: the chat, clause, lookup, document and API pages (their data comes from
the same views as the JSON routes)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import PolicyQAError, UnknownClause
from ...ingest.readers import SUPPORTED_SUFFIXES
from ...settings import Settings
from .. import views
from ..deps import EngineDep, SettingsDep
from ..rendering import page
from ..uploads import MAX_FILES
from .clauses import checked_id

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request, engine: EngineDep) -> Response:
    examples = engine.index.examples
    return page(
        request,
        "chat.html",
        examples=examples.questions,
        lookup_examples=examples.references,
    )


@router.get("/clauses/{clause_id:path}", response_class=HTMLResponse)
def clause_page(request: Request, engine: EngineDep, clause_id: str) -> Response:
    return page(request, "clause.html", clause=views.clause(engine, checked_id(clause_id)))


@router.get("/lookup", response_class=HTMLResponse)
def lookup_page(request: Request, engine: EngineDep, ref: str = "") -> Response:
    context: dict[str, Any] = {"ref": ref, "lookup_examples": engine.index.examples.references}
    if not ref.strip():
        return page(request, "lookup.html", result=None, **context)
    try:
        result = views.lookup(engine, ref)
    except UnknownClause as err:
        cands = views.candidates(engine, err.candidates)
        return page(
            request, "lookup.html", 404, result=None, error=str(err), candidates=cands, **context
        )
    except PolicyQAError as err:
        return page(request, "lookup.html", err.status, result=None, error=str(err), **context)
    return page(request, "lookup.html", result=result, **context)


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, engine: EngineDep, settings: SettingsDep) -> Response:
    return page(
        request,
        "documents.html",
        listing=views.documents(engine)["documents"],
        manage=_manage(settings),
    )


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(
    request: Request, engine: EngineDep, settings: SettingsDep, doc_id: str
) -> Response:
    doc = views.document(engine, doc_id)
    return page(request, "document.html", doc=doc, manage=_manage(settings))


def _manage(settings: Settings) -> dict[str, Any]:
    """What the documents pages' upload and delete controls need to know."""
    return {
        "enabled": bool(settings.admin_token),
        "max_mb": settings.max_document_mb,
        "max_files": MAX_FILES,
        "accept": ",".join(SUPPORTED_SUFFIXES),
    }


@router.get("/docs", response_class=HTMLResponse)
def api_docs_page(request: Request) -> Response:
    """The API list, from the app's own OpenAPI schema (what /openapi.json serves)."""
    routes = [
        {"method": method.upper(), "path": path, "summary": op.get("summary", "")}
        for path, ops in request.app.openapi()["paths"].items()
        for method, op in ops.items()
    ]
    return page(request, "api_docs.html", routes=routes)
