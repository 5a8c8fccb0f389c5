"""Jinja2 pages: the templates shipped with the package, rendered with the app's data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from .. import __version__
from . import views


def make_templates(web_dir: Path) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(web_dir / "templates"))
    templates.env.globals.update(
        product="PolicyQA 政策问答", version=__version__, clause_url=views.clause_url
    )
    return templates


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render template ``name`` with the document list every page's header uses."""
    context.setdefault("documents", request.app.state.engine.documents)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status)
