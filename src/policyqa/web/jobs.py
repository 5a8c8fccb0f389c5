"""Upload jobs: the files of one ``POST /api/admin/documents``, added one after another in a
background thread. Each file that becomes a document swaps a new Engine into
``app.state.engine`` at once (one attribute store: a request keeps the engine it started
with); the job's status route shows every file's state and the embedding's progress.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from ..engine import Engine
from ..errors import NotFound, PolicyQAError
from ..index.update import AddResult, add_documents
from ..ingest.readers import SUPPORTED_SUFFIXES
from .schemas import UploadedFile, UploadJob
from .uploads import UPLOAD_PATH, Upload, discard, supported
from .views import document_url

log = logging.getLogger("policyqa.web")
KEPT_JOBS = 20  # finished jobs whose status can still be asked for


class Jobs:
    """The recent upload jobs by id; every read is a consistent snapshot (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, UploadJob] = {}

    def create(self, uploads: list[Upload]) -> UploadJob:
        job_id = secrets.token_hex(8)
        job = UploadJob(
            id=job_id,
            state="running",
            url=f"{UPLOAD_PATH}/jobs/{job_id}",
            started_at=time.time(),
            files=[UploadedFile(name=u.name, size=u.size) for u in uploads],
        )
        with self._lock:
            self._jobs[job_id] = job
            finished = [k for k, j in self._jobs.items() if j.state != "running"]
            for k in finished[: max(0, len(self._jobs) - KEPT_JOBS)]:
                del self._jobs[k]
        return job

    def get(self, job_id: str) -> UploadJob:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound("没有这个上传任务（任务编号有误，或已过期）。")
        return job

    def update(self, job_id: str, index: int, **changes: Any) -> None:
        with self._lock:
            job = self._jobs[job_id]
            files = list(job.files)
            files[index] = files[index].model_copy(update=changes)
            self._jobs[job_id] = job.model_copy(update={"files": files})

    def finish(self, job_id: str) -> None:
        with self._lock:
            job = self._jobs[job_id]
            self._jobs[job_id] = job.model_copy(
                update={"state": "done", "finished_at": time.time()}
            )


def start_upload(
    app: FastAPI, folder: Path, uploads: list[Upload], lock: threading.Lock
) -> UploadJob:
    """Start adding ``uploads`` in the background; the thread releases ``lock`` and removes
    ``folder`` when it ends."""
    jobs: Jobs = app.state.jobs
    job = jobs.create(uploads)
    thread = threading.Thread(
        target=_run, args=(app, job.id, folder, uploads, lock), name="policyqa-upload", daemon=True
    )
    try:
        thread.start()
    except BaseException:
        discard(folder)
        lock.release()
        raise
    return job


def _run(
    app: FastAPI, job_id: str, folder: Path, uploads: list[Upload], lock: threading.Lock
) -> None:
    jobs: Jobs = app.state.jobs
    try:
        for i, upload in enumerate(uploads):
            try:
                _add_one(app, jobs, job_id, i, upload)
            except Exception as err:  # reported on the file; the files after it still go in
                log.exception("upload of %s failed", upload.name)
                jobs.update(job_id, i, state="failed", error=f"处理失败（{type(err).__name__}）")
    finally:
        jobs.finish(job_id)
        discard(folder)
        lock.release()


def _add_one(app: FastAPI, jobs: Jobs, job_id: str, i: int, upload: Upload) -> None:
    jobs.update(job_id, i, state="reading")
    if not supported(upload.name):
        kinds = " ".join(SUPPORTED_SUFFIXES)
        message = f"文件 {upload.name} 的类型不受支持（可上传 {kinds}）"
        jobs.update(job_id, i, state="failed", error=message)
        return

    def report(what: str, done: int, total: int) -> None:
        jobs.update(job_id, i, state="embedding", step=what, done=done, total=total)

    settings = app.state.settings
    encoder = app.state.engine.encoder
    try:
        result = add_documents(settings, [upload.path], encoder, False, report)[0]
    except PolicyQAError as err:
        result = AddResult(str(upload.path), "failed", error=str(err))
    if result.status == "failed":
        # the reader names the file by its temporary path: the user knows it by its name
        error = result.error.replace(str(upload.path), upload.name)
        jobs.update(job_id, i, state="failed", error=error)
        return
    if result.status != "unchanged":
        app.state.engine = Engine.load(settings, encoder=encoder)  # atomic for every reader
    jobs.update(
        job_id,
        i,
        state="done",
        result=result.status,
        doc_id=result.doc_id,
        title=result.title,
        clauses=result.clauses,
        articles=result.articles,
        url=document_url(result.doc_id),
    )
