"""Request and response bodies of the JSON API, and the error responses it declares."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt, StrictStr

from .feedback_store import MAX_ANSWER_CHARS, MAX_CLAUSE_IDS, MAX_COMMENT_CHARS


class AskBody(BaseModel):
    """The body of ``POST /api/ask``."""

    question: StrictStr
    docs: list[StrictStr] | None = None
    k: StrictInt | None = None
    details: StrictBool = False  # add ``clauses``: id -> summary (what the chat page shows)


class FeedbackBody(BaseModel):
    """The body of ``POST /api/feedback``: was this answer helpful?"""

    question: StrictStr = Field(max_length=2000)
    answer: StrictStr = Field("", max_length=MAX_ANSWER_CHARS)
    helpful: StrictBool
    comment: StrictStr = Field("", max_length=MAX_COMMENT_CHARS)
    clause_ids: list[Annotated[StrictStr, Field(max_length=200)]] = Field(
        default_factory=list, max_length=MAX_CLAUSE_IDS
    )


class Error(BaseModel):
    """Every 4xx/5xx JSON body: one readable line (Chinese), sometimes close matches."""

    error: str
    candidates: list[dict[str, Any]] | None = None


class FeedbackCreated(BaseModel):
    id: int


class Deleted(BaseModel):
    deleted: int


class ReindexStatus(BaseModel):
    state: str  # idle | running | done | failed
    started_at: float | None = None
    finished_at: float | None = None
    error: str | None = None
    built_at: str | None = None
    clauses: int | None = None


class UploadedFile(BaseModel):
    """One file of an upload job: queued, reading, embedding (``step`` done/total), then done
    (the document it became) or failed (``error``, one line)."""

    name: str
    size: int
    state: Literal["queued", "reading", "embedding", "done", "failed"] = "queued"
    step: Literal["clauses", "sentences"] | None = None
    done: int = 0
    total: int = 0
    result: Literal["added", "unchanged", "indexed"] | None = None
    doc_id: str | None = None
    title: str | None = None
    clauses: int | None = None
    articles: int | None = None
    url: str | None = None
    error: str | None = None


class UploadJob(BaseModel):
    """``POST /api/admin/documents`` and its status route: the files of one upload."""

    id: str
    state: Literal["running", "done"]
    url: str
    started_at: float
    finished_at: float | None = None
    files: list[UploadedFile]


class Removed(BaseModel):
    deleted: str
    title: str
    documents: int


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        400: "输入无效（问题为空、过长、含控制字符，或 k / 模式越界）",
        401: "需要令牌（Authorization: Bearer … 或 X-PolicyQA-Token）",
        403: "管理功能未启用（未配置 POLICYQA_ADMIN_TOKEN）",
        404: "未找到（条款、文件或反馈）",
        409: "索引正在更新（重建、添加或删除文件）",
        413: "请求体过大",
        415: "上传须为 multipart/form-data",
        422: "参数类型或格式无效",
    }
    return {c: {"model": Error, "description": text[c]} for c in codes}


READ_ERRORS = errors(400, 401, 404, 413, 422)
ADMIN_ERRORS = errors(400, 401, 403, 404, 413, 422)
