"""Uploaded documents: a multipart/form-data body streamed into a temporary folder as it
arrives, one file per part, never held in memory.

The route reads the body chunk by chunk (:func:`receive_files`); python-multipart's push
parser cuts it into parts and each file part is written straight to its own file, counted
against the per-file and the per-request limits as it grows. Anything wrong is one
PolicyQAError with its HTTP status (400, 413, 415), and the folder is removed.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from ..errors import BadInput
from ..ingest.readers import SUPPORTED_SUFFIXES
from ..settings import Settings
from .errors import TooLarge, Unsupported

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

UPLOAD_PATH = "/api/admin/documents"
MAX_FILES = 20
FRAMING_BYTES = 64 * 1024  # multipart boundaries and part headers, on top of the files
MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


@dataclass(frozen=True)
class Upload:
    """One received file: its (cleaned) name, where it was written, its size in bytes."""

    name: str
    path: Path
    size: int


def upload_limit(settings: Settings) -> int:
    """Most bytes one upload request may carry: max_document_mb in all, plus the framing."""
    return settings.max_document_mb * 2**20 + FRAMING_BYTES


def safe_name(raw: bytes, n: int) -> str:
    """The file name a browser sent, made safe to write: no folders, no control or reserved
    characters, at most MAX_NAME_CHARS characters (the suffix kept)."""
    name = unicodedata.normalize("NFC", raw.decode("utf-8", errors="replace"))
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("", name).strip().lstrip(".").strip()
    stem, suffix = os.path.splitext(name)
    if len(name) > MAX_NAME_CHARS:
        name = stem[: MAX_NAME_CHARS - len(suffix[:16])] + suffix[:16]
    return name or f"未命名文件{n}"


def supported(name: str) -> bool:
    return os.path.splitext(name)[1].lower() in SUPPORTED_SUFFIXES


class _Receiver:
    """python-multipart callbacks: file parts go to ``folder/<n>/<name>``, other fields are
    dropped (their bytes still count against the request's limit)."""

    def __init__(self, folder: Path, max_file: int) -> None:
        self.folder, self.max_file = folder, max_file
        self.files: list[Upload] = []
        self.ended = False
        self._field, self._value = b"", b""
        self._disposition = b""
        self._out: BinaryIO | None = None
        self._name, self._path, self._size = "", Path(), 0

    def on_part_begin(self) -> None:
        self._disposition = b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        if self._field.lower() == b"content-disposition":
            self._disposition = self._value
        self._field, self._value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if b"filename" not in options:
            return  # a plain field: ignored
        if len(self.files) >= MAX_FILES:
            raise BadInput(f"一次最多上传 {MAX_FILES} 个文件。")
        n = len(self.files)
        self._name = safe_name(options[b"filename"], n + 1)
        self._path = self.folder / str(n) / self._name
        self._path.parent.mkdir()
        self._out = self._path.open("wb")
        self._size = 0

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._out is None:
            return
        self._size += end - start
        if self._size > self.max_file:
            limit = self.max_file // 2**20
            raise TooLarge(f"文件 {self._name} 太大：每个文件上限 {limit} MB。")
        self._out.write(data[start:end])

    def on_part_end(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
            self.files.append(Upload(self._name, self._path, self._size))

    def on_end(self) -> None:
        self.ended = True

    def close(self) -> None:
        if self._out is not None:
            self._out.close()


def _boundary(content_type: str) -> bytes:
    kind, options = parse_options_header(content_type)
    if kind != b"multipart/form-data":
        raise Unsupported("请以 multipart/form-data 上传文件（表单字段 files，可多个）。")
    boundary = options.get(b"boundary", b"")
    if not boundary or len(boundary) > 200:
        raise BadInput("multipart 请求缺少有效的 boundary。")
    return boundary


def receive_files(
    content_type: str, chunks: Iterator[bytes], settings: Settings
) -> tuple[Path, list[Upload]]:
    """Write every file part of the body to a new temporary folder; (folder, files).

    The caller owns the folder (``discard`` it when done); on any error it is removed here.
    """
    boundary = _boundary(content_type)
    limit = upload_limit(settings)
    folder = Path(tempfile.mkdtemp(prefix="policyqa-upload-"))
    receiver = _Receiver(folder, settings.max_document_mb * 2**20)
    callbacks: MultipartCallbacks = {
        "on_part_begin": receiver.on_part_begin,
        "on_part_data": receiver.on_part_data,
        "on_part_end": receiver.on_part_end,
        "on_header_field": receiver.on_header_field,
        "on_header_value": receiver.on_header_value,
        "on_header_end": receiver.on_header_end,
        "on_headers_finished": receiver.on_headers_finished,
        "on_end": receiver.on_end,
    }
    try:
        parser = MultipartParser(boundary, callbacks)
        seen = 0
        for chunk in chunks:
            seen += len(chunk)
            if seen > limit:
                raise TooLarge(f"上传内容过大：一次合计上限 {settings.max_document_mb} MB。")
            parser.write(chunk)
        parser.finalize()
        if not receiver.ended:
            raise BadInput("上传不完整：multipart 请求体没有结束标记。")
        if not receiver.files:
            raise BadInput("没有收到文件：请在表单字段 files 中附上文件。")
    except MultipartParseError:
        discard(folder, receiver.close)
        raise BadInput("multipart 请求体格式无效。") from None
    except BaseException:
        discard(folder, receiver.close)
        raise
    return folder, receiver.files


def discard(folder: Path, close: Callable[[], None] | None = None) -> None:
    if close is not None:
        close()
    shutil.rmtree(folder, ignore_errors=True)
