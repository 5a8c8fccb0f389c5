"""Choosing a reader: by the file's content (magic bytes) first, its extension second."""

from __future__ import annotations

import re
from pathlib import Path

from .base import Extracted, ReadError
from .docx_reader import read_docx
from .html_reader import read_html
from .pdf_reader import read_pdf
from .text_reader import read_text

MAX_BYTES = 50 * 1024 * 1024
_SUFFIX_FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".docx": "docx",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".shtml": "html",
    ".xhtml": "html",
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_SUFFIX_FORMATS)

_PROGRAM = "是可执行程序，不是文档，拒绝读取"
_IMAGE = "是图片，不是文档：请扫描或转换为 PDF 后导入"
_MAGIC = (
    (b"\x7fELF", _PROGRAM),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "是旧版 Office 文件（.doc/.xls/.wps）：请另存为 .docx"),
    (b"{\\rtf", "是 RTF 文档：请另存为 .docx 后导入"),
    (b"\x89PNG\r\n\x1a\n", _IMAGE),
    (b"\xff\xd8\xff", _IMAGE),
    (b"GIF87a", _IMAGE),
    (b"GIF89a", _IMAGE),
    (b"II*\x00", _IMAGE),
    (b"MM\x00*", _IMAGE),
    (b"Rar!\x1a\x07", "是 RAR 压缩包：请解压后导入其中的文档"),
    (b"7z\xbc\xaf\x27\x1c", "是 7z 压缩包：请解压后导入其中的文档"),
    (b"\x1f\x8b", "是 gzip 压缩文件：请解压后导入"),
    (b"%!PS", "是 PostScript 文件：请转换为 PDF 后导入"),
    (b"\xca\xfe\xba\xbe", _PROGRAM),
    (b"\xcf\xfa\xed\xfe", _PROGRAM),
)
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    rb"<(?:!doctype\s+html|html[\s>])",
    re.I | re.S,
)
_NAMES = {"txt": "文本", "md": "Markdown", "docx": "Word", "pdf": "PDF", "html": "HTML"}


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    name = str(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ReadError(f"{name} 是文件夹，不是文件")
        if size > max_bytes:
            mb, limit = size / 2**20, max_bytes / 2**20
            raise ReadError(f"文件 {name} 太大（{mb:.1f} MB），上限为 {limit:.0f} MB")
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)  # the size can change, or lie (a pipe, a device)
    except FileNotFoundError:
        raise ReadError(f"文件 {name} 不存在") from None
    except PermissionError:
        raise ReadError(f"文件 {name} 没有读取权限") from None
    except OSError as err:
        raise ReadError(f"文件 {name} 无法读取：{err.strerror or err}") from None
    if len(data) > max_bytes:
        raise ReadError(f"文件 {name} 太大，上限为 {max_bytes / 2**20:.0f} MB")
    if not data.strip():
        raise ReadError(f"文件 {name} 是空文件")
    return data


def _is_executable(data: bytes) -> bool:
    """A DOS/Windows program: "MZ" followed by bytes no text file contains."""
    return data.startswith(b"MZ") and bool(re.search(rb"[\x00-\x08\x0e-\x1a]", data[:1024]))


def sniff(data: bytes, suffix: str) -> str:
    """The format to read ``data`` as; raises ReadError (message without the file name) if none."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(_ZIP):
        return "docx"
    if _is_executable(data):
        raise ReadError("是 Windows 可执行程序（.exe/.dll），不是文档，拒绝读取")
    for magic, problem in _MAGIC:
        if data.startswith(magic):
            raise ReadError(problem)
    expected = _SUFFIX_FORMATS.get(suffix.lower())
    if _HTML_START.match(data[:4096]) or expected == "html":
        return "html"
    return "md" if expected == "md" else "txt"


def _dispatch(data: bytes, name: str, fmt: str) -> Extracted:
    if fmt == "pdf":
        return read_pdf(data, name)
    if fmt == "docx":
        return read_docx(data, name)
    if fmt == "html":
        return read_html(data, name)
    return read_text(data, name, fmt)


def read_document(path: Path, max_bytes: int = MAX_BYTES) -> Extracted:
    """Text of the document at ``path``, read by what its bytes are rather than what it is called.

    Raises ReadError, whose message is one line naming the file, for anything unreadable: missing,
    too large, empty, a disguised program, a zip bomb, a scan without OCR, damaged files.
    """
    name = str(path)
    data = _read_bytes(path, max_bytes)
    try:
        fmt = sniff(data, path.suffix)
    except ReadError as err:
        raise ReadError(f"文件 {name} {err}") from None
    try:
        result = _dispatch(data, name, fmt)
    except ReadError:
        raise
    except Exception as err:  # a library failing on a hostile file must not end a whole batch
        raise ReadError(f"文件 {name} 无法读取（{type(err).__name__}: {err}）") from err
    if not result.text.strip():
        raise ReadError(f"文件 {name} 没有可提取的文字")
    expected = _SUFFIX_FORMATS.get(path.suffix.lower())
    family = "pdf" if result.format == "pdf-ocr" else result.format
    if expected is not None and expected != family and {expected, family} != {"txt", "md"}:
        kind = _NAMES[family]
        note = f"文件 {name} 的扩展名是 {path.suffix}，但内容是 {kind}，已按 {kind} 读取"
        result = Extracted(result.text, result.format, result.pages, (*result.warnings, note))
    return result
