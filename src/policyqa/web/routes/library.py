"""``/api/admin/documents``: documents taken in through the web (upload, its job's status)
and taken out again (delete), all behind the admin token; one index change at a time."""

from __future__ import annotations

from collections.abc import Generator
from typing import Annotated, Any

import anyio.from_thread
from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from starlette.requests import ClientDisconnect

from ...engine import Engine
from ...errors import BadInput, UnknownDocument
from ...index.update import remove_document
from ...ingest import library
from ...ingest.corpus import load_documents
from ...settings import Settings
from ..deps import AdminAccess, SettingsDep, index_idle, take_index
from ..errors import Conflict
from ..jobs import Jobs, start_upload
from ..schemas import ADMIN_ERRORS, Removed, UploadJob, errors
from ..uploads import MAX_FILES, UPLOAD_PATH, discard, receive_files

router = APIRouter(tags=["admin"])
MAX_ID_CHARS = 200

_MULTIPART: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "maxItems": MAX_FILES,
                            "description": "文件：.txt .md .docx .pdf .html（可多个）",
                        }
                    },
                }
            }
        },
    }
}


def _chunks(request: Request) -> Generator[bytes, None, None]:
    """The request body as it arrives, read from this worker thread: the parsing and the
    writing to disk stay off the event loop, the body never whole in memory."""
    stream = request.stream()
    try:
        while True:
            try:
                chunk = anyio.from_thread.run(stream.__anext__)
            except StopAsyncIteration:
                return
            except ClientDisconnect:
                raise BadInput("上传中断：客户端断开了连接。") from None
            if chunk:
                yield chunk
    finally:
        anyio.from_thread.run(stream.aclose)


@router.post(
    UPLOAD_PATH,
    summary="上传文件并加入索引（需管理令牌；后台处理，返回任务及其状态地址）",
    dependencies=[AdminAccess],
    status_code=202,
    response_model=UploadJob,
    responses={**ADMIN_ERRORS, **errors(409, 415)},
    openapi_extra=_MULTIPART,
)
def api_upload(request: Request, settings: SettingsDep) -> UploadJob:
    index_idle(request)  # before the body is read: a busy server wastes no upload
    content_type = request.headers.get("content-type", "")
    chunks = _chunks(request)
    try:
        folder, uploads = receive_files(content_type, chunks, settings)
    finally:
        chunks.close()  # here, in the worker thread: its stream is closed through the loop
    try:
        lock = take_index(request)
    except Conflict:
        discard(folder)
        raise
    return start_upload(request.app, folder, uploads, lock)


@router.get(
    UPLOAD_PATH + "/jobs/{job_id}",
    summary="上传任务的进度：每个文件的状态（需管理令牌）",
    dependencies=[AdminAccess],
    response_model=UploadJob,
    responses=ADMIN_ERRORS,
)
def api_upload_job(request: Request, job_id: Annotated[str, PathParam(max_length=64)]) -> UploadJob:
    jobs: Jobs = request.app.state.jobs
    return jobs.get(job_id)


@router.delete(
    UPLOAD_PATH + "/{doc_id}",
    summary="删除上传的文件并重建索引（需管理令牌；documents.toml 登记的文件不能删除）",
    dependencies=[AdminAccess],
    response_model=Removed,
    responses={**ADMIN_ERRORS, **errors(409)},
)
def api_remove(request: Request, settings: SettingsDep, doc_id: str) -> Removed:
    if len(doc_id) > MAX_ID_CHARS:
        raise UnknownDocument(f"没有这个文件（编号过长：{len(doc_id)} 字符）。")
    lock = take_index(request)  # first: while an upload runs, the documents may change
    try:
        title = _removable(settings, doc_id)
        encoder = request.app.state.engine.encoder
        remove_document(settings, doc_id, encoder, progress=False)
        engine = Engine.load(settings, encoder=encoder)
        request.app.state.engine = engine  # one attribute store: atomic for every reader
    finally:
        lock.release()
    return Removed(deleted=doc_id, title=title, documents=len(engine.documents))


def _removable(settings: Settings, doc_id: str) -> str:
    """The title of the added document ``doc_id``; 404 if there is none, 400 if it is
    described by hand in documents.toml."""
    document = next((d for d in load_documents(settings.corpus_dir) if d.doc_id == doc_id), None)
    if document is None:
        raise UnknownDocument(f"没有编号为 {doc_id} 的文件。")
    if doc_id not in {e["id"] for e in library.entries(settings.corpus_dir)}:
        raise BadInput(
            f"《{document.title}》由 documents.toml 登记，不能在网页上删除："
            "请在该文件中删去它的条目，再重建索引。"
        )
    return document.title
