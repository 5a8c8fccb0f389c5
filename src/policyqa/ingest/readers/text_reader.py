"""Plain text and Markdown: encoding detection, newline normalisation, light Markdown cleanup."""

from __future__ import annotations

import codecs
import re

from .base import Extracted, ReadError, clean_cell

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Share of replacement characters under which undecodable bytes are damage in a UTF-8 file rather
# than a sign of another encoding: GBK text read as UTF-8 fails on nearly every character.
_DAMAGED_UTF8_SHARE = 0.01
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")


def _strip_bom(data: bytes) -> tuple[bytes, str | None]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :], encoding
    return data, None


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: ASCII-range text leaves NUL in every other byte."""
    sample = data[:4096]
    return len(sample) >= 16 and (
        sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4
    )


def _decode_guess(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """Strict UTF-8, then GB18030 (a superset of GBK), then UTF-8 with a few damaged bytes.

    GB18030 goes before damaged UTF-8 so that mostly-ASCII GBK files are not read as UTF-8 with
    a few bad bytes; real UTF-8 Chinese text practically never decodes as GB18030 (its
    continuation byte 0x80 cannot start a GB18030 character).
    """
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as err:
        if err.start >= len(data) - 3 and err.reason == "unexpected end of data":
            note = f"文件 {name} 末尾有不完整的字符（可能下载不完整），已舍去"
            return data[: err.start].decode("utf-8"), "utf-8", [note]
    try:
        return data.decode("gb18030"), "gb18030", []
    except UnicodeDecodeError:
        pass
    loose = data.decode("utf-8", errors="replace")
    if loose.count("\ufffd") <= max(1, len(loose) * _DAMAGED_UTF8_SHARE):
        return loose, "utf-8", [f"文件 {name} 有少量无法按 UTF-8 解码的字节，已替换为 �"]
    raise ReadError(f"文件 {name} 不是可识别的文本（既不是 UTF-8 也不是 GBK/GB18030 编码）")


def decode_bytes(data: bytes, name: str, declared: str | None = None) -> tuple[str, list[str]]:
    """Text of ``data`` and any warnings; ``declared`` is an encoding named by the file itself.

    A BOM wins over a declaration; a declaration that does not decode falls back to guessing.
    Raises ReadError for binary content.
    """
    body, bom_encoding = _strip_bom(data)
    warnings: list[str] = []
    if bom_encoding is not None:
        try:
            text = body.decode(bom_encoding)
        except UnicodeDecodeError:
            raise ReadError(f"文件 {name} 的编码标记（BOM）与内容不符，无法解码") from None
    else:
        if b"\x00" in body[:65536]:
            hint = "（可能是没有 BOM 的 UTF-16 文本，请另存为 UTF-8）" if _looks_utf16(body) else ""
            raise ReadError(f"文件 {name} 是二进制文件，不是文本{hint}")
        declared_text = _decode_declared(body, declared)
        if declared_text is None:
            text, _, warnings = _decode_guess(body, name)
        else:
            text = declared_text
    if len(_BINARY_CONTROLS.findall(text[:65536])) > max(8, len(text[:65536]) // 100):
        raise ReadError(f"文件 {name} 是二进制文件，不是文本")
    return _NEWLINES.sub("\n", text).replace("\x00", ""), warnings


def _decode_declared(body: bytes, declared: str | None) -> str | None:
    if not declared:
        return None
    encoding = declared.strip().lower()
    if encoding in ("gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "euc-cn"):
        encoding = "gb18030"  # pages labelled GB2312 routinely use GBK/GB18030 characters
    try:
        return body.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return None


_MD_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_MD_RULE = re.compile(r"^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_MD_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def _markdown_line(line: str) -> str | None:
    """A Markdown line as plain text; None drops it (rules, table separators)."""
    if _MD_RULE.match(line) or _MD_TABLE_SEPARATOR.match(line):
        return None
    heading = _MD_HEADING.match(line)
    if heading:
        line = heading.group(1)
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
        line = "\t".join(clean_cell(c) for c in stripped[1:-1].split("|"))
    return _MD_EMPHASIS.sub(r"\2", line)


def read_text(data: bytes, name: str, fmt: str = "txt") -> Extracted:
    """A .txt or .md file; ``fmt`` is "txt" or "md".

    Text keeps its lines (blank ones included) with newlines normalised to "\\n". Markdown loses
    heading marks, bold marks, rules, and its pipe tables become tab-separated rows; links and
    other inline syntax are left as written.
    """
    text, warnings = decode_bytes(data, name)
    lines = [ln.rstrip() for ln in text.split("\n")]
    if fmt == "md":
        lines = [md for md in map(_markdown_line, lines) if md is not None]
    return Extracted(text="\n".join(lines).strip("\n"), format=fmt, warnings=tuple(warnings))
