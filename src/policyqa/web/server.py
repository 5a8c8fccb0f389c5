"""``policyqa serve``: load the index once, then run the app under uvicorn.

A missing or stale index raises IndexProblem here, before the server starts, so the CLI
prints one line and exits non-zero instead of failing every request.
"""

from __future__ import annotations

import uvicorn

from ..settings import Settings
from .app import create_app
from .middleware import HEAD_BYTES


def _one_thread_per_search() -> None:
    """faiss parallelises each search with OpenMP; a server parallelises across requests.

    Under 50 concurrent clients per-search OpenMP teams oversubscribe the CPUs (their
    threads spin while waiting) and throughput collapses; one thread per search avoids it.
    """
    try:
        import faiss

        faiss.omp_set_num_threads(1)
    except (ImportError, AttributeError):
        pass


def serve(settings: Settings) -> None:
    _one_thread_per_search()
    app = create_app(settings)  # raises PolicyQAError (e.g. IndexProblem) before listening
    print(
        f"PolicyQA 政策问答: http://{settings.host}:{settings.port}/  "
        f"({len(app.state.engine.documents)} documents, index {settings.index_dir})",
        flush=True,
    )
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=False,
        # read long request heads whole, so the app answers them 414 instead of a reset
        h11_max_incomplete_event_size=HEAD_BYTES,
    )
