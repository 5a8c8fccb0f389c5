"""The FastAPI app: the chat page, clause, lookup and document pages, and their JSON twins.

``create_app(settings)`` loads the Engine once (never at import time) and includes one router
per resource (:mod:`.routes`). Each page has a JSON route that returns the same data (see
:mod:`.views`); HTML routes only render it. Routes are sync ``def`` so the CPU-bound engine
runs in the threadpool, never on the event loop.
"""

from __future__ import annotations

import os
import threading

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..engine import Engine
from ..errors import ConfigError
from ..settings import Settings
from .deps import read_access
from .errors import install_handlers
from .feedback_store import FeedbackStore, db_path
from .jobs import Jobs
from .middleware import Limits
from .rendering import make_templates
from .routes import admin, clauses, documents, feedback, health, library, pages, search
from .schemas import ReindexStatus
from .uploads import UPLOAD_PATH, upload_limit

# Engine calls (search, ask, lookup) running at once. The routes run in anyio's threadpool
# (40 threads); letting 40 CPU-bound searches (numpy, faiss's OpenMP) contend on a 2-core
# machine cut throughput ~5x and sent p99 to seconds under 50 clients (bench/load.py).
# Requests beyond the slots wait in line instead; the event loop is never blocked.
ENGINE_SLOTS = max(2, os.cpu_count() or 2)
# every route, in the order they are matched (and listed in /openapi.json)
ROUTERS = tuple(
    m.router for m in (health, search, clauses, documents, feedback, admin, library, pages)
)


def create_app(
    settings: Settings, engine: Engine | None = None, store: FeedbackStore | None = None
) -> FastAPI:
    """The web app over ``engine`` (loaded from ``settings`` if not given: IndexProblem if bad).

    ``app.state.engine`` is the one Engine every request uses; a reindex, an upload or a
    delete replaces it atomically (a request keeps the engine it started with).
    """
    for folder in ("templates", "static"):
        if not (settings.web_dir / folder).is_dir():
            raise ConfigError(f"the web page's {folder}/ is missing from {settings.web_dir}")
    app = FastAPI(
        title="PolicyQA 政策问答 API",
        version=__version__,
        description="离线政策文件检索问答：检索、问答、条款、引用查找与文件目录。",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(read_access)],
        redirect_slashes=False,  # /documents/..%2f is a 404, never a redirect somewhere
    )
    app.state.engine = engine if engine is not None else Engine.load(settings)
    app.state.settings = settings
    app.state.store = store if store is not None else FeedbackStore(db_path(settings))
    app.state.templates = make_templates(settings.web_dir)
    app.state.internal_errors = 0  # how often the catch-all handler ran (tests expect 0)
    app.state.reindex = ReindexStatus(state="idle")
    app.state.index_lock = threading.Lock()  # one reindex, upload or delete at a time
    app.state.jobs = Jobs()
    app.state.slots = threading.BoundedSemaphore(ENGINE_SLOTS)
    app.add_middleware(Limits, streamed={UPLOAD_PATH: upload_limit(settings)})
    app.mount("/static", StaticFiles(directory=str(settings.web_dir / "static")), name="static")
    install_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    return app
