"""Word .docx: paragraphs and tables in body order, with Word's auto-numbering labels.

The zip directory is vetted before python-docx touches the file (zip bombs, other zip formats).
Text comes from the body's XML rather than python-docx's ``Paragraph.text``, which skips runs in
tracked insertions, content controls, fields and text boxes. Kept: every w:t of the body (fields
give their cached result, e.g. a table of contents as typed lines), soft line breaks as new lines,
text boxes as lines after their paragraph, hidden (w:vanish) runs and deleted text left out.
Not read: page headers and footers, footnotes, endnotes, comments, embedded objects (an Excel
sheet pasted as an object is only a picture) and altChunk imports; see ``docx_numbering`` for
what the recomputed list labels cannot reproduce.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.part import XmlPart
from lxml import etree

from .base import Extracted, ReadError, clean_cell, join_lines
from .docx_numbering import Numbering, w

MAX_MEMBERS = 10_000
MAX_UNPACKED = 512 * 1024 * 1024  # all members together, as the zip directory declares them
MAX_RATIO = 200  # Word XML compresses 5-50x; bombs compress a thousand times and more
_RATIO_FLOOR = 1024 * 1024  # tiny members compress wildly; only members above this are judged

_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_MAIN_TYPE = b"wordprocessingml.document.main+xml"
# Word's other main parts, which python-docx refuses to open
_OTHER_WORD_TYPES = (
    b"ms-word.document.macroEnabled.main+xml",
    b"wordprocessingml.template.main+xml",
    b"ms-word.template.macroEnabledTemplate",
)
# Elements whose subtree is never document text: deletions, field codes, ruby guides, the VML
# copy of a drawing (mc:Fallback repeats mc:Choice), properties.
_SKIP = {
    w(t)
    for t in (
        "del",
        "moveFrom",
        "delText",
        "instrText",
        "delInstrText",
        "rt",
        "pPr",
        "rPr",
        "footnoteReference",
        "endnoteReference",
        "commentReference",
    )
}
_SKIP.add(f"{{{_MC}}}Fallback")


def _other_zip_kind(zf: zipfile.ZipFile, names: set[str], content_types: bytes) -> str:
    if any(t in content_types for t in _OTHER_WORD_TYPES):
        return "是启用宏的 Word 文档或模板（.docm/.dotx）：请另存为 .docx 后导入"
    if any(n.startswith("xl/") for n in names):
        return "是 Excel 工作簿（.xlsx），不是 Word 文档"
    if any(n.startswith("ppt/") for n in names):
        return "是 PowerPoint 演示文稿（.pptx），不是 Word 文档"
    if "OFD.xml" in names:
        return "是 OFD 版式文件，暂不支持：请导出为 PDF"
    if "mimetype" in names and b"opendocument" in zf.read("mimetype")[:100]:
        return "是 OpenDocument（WPS/LibreOffice）格式：请另存为 .docx"
    return "是 ZIP 压缩包，不是 Word 文档（.docx）"


def open_checked_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """The zip in ``data`` once its directory looks like a real .docx and not a zip bomb."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ReadError(f"文件 {name} 已损坏：不是完整的 .docx（ZIP）文件") from None
    if len(infos) > MAX_MEMBERS:
        raise ReadError(f"文件 {name} 包含 {len(infos)} 个条目，超过上限 {MAX_MEMBERS}，拒绝读取")
    unpacked = sum(i.file_size for i in infos)
    bomb = unpacked > MAX_UNPACKED or any(
        i.file_size > _RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1)
        for i in infos
    )
    if bomb:
        raise ReadError(
            f"文件 {name} 解压后将有 {unpacked / 2**20:.0f} MB（压缩比异常），"
            "疑似压缩炸弹，拒绝读取"
        )
    names = set(zf.namelist())
    content_types = zf.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if _MAIN_TYPE not in content_types:
        raise ReadError(f"文件 {name} {_other_zip_kind(zf, names, content_types)}")
    return zf


def _hidden(run: etree._Element) -> bool:
    vanish = run.find(f"{w('rPr')}/{w('vanish')}")
    return vanish is not None and vanish.get(w("val")) not in ("0", "false", "off")


def _sym(el: etree._Element) -> str:
    code = int(el.get(w("char")) or "0", 16)
    return "" if code == 0 or 0xE000 <= code <= 0xF8FF else chr(code)  # private use: symbol fonts


def _collect(el: etree._Element, out: list[str], boxes: list[etree._Element]) -> None:
    """Append the text under ``el`` to ``out``; text boxes go to ``boxes`` for later."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == w("t"):
            out.append(child.text or "")
        elif tag in (w("tab"), w("ptab")):
            out.append(" ")  # a tab inside a paragraph is spacing, not a table cell boundary
        elif tag in (w("br"), w("cr")):
            if child.get(w("type")) not in ("page", "column"):
                out.append("\n")
        elif tag == w("noBreakHyphen"):
            out.append("-")
        elif tag == w("sym"):
            out.append(_sym(child))
        elif tag == w("txbxContent"):
            boxes.append(child)
        elif tag == w("r") and _hidden(child):
            continue
        else:
            _collect(child, out, boxes)


class _Body:
    """Walks a document body in order, yielding output lines."""

    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.skipped_objects = 0

    def blocks(self, container: etree._Element) -> Iterator[str]:
        for child in container:
            tag = child.tag
            if tag == w("p"):
                yield from self.paragraph(child)
            elif tag == w("tbl"):
                yield from self.table(child)
            elif tag in (w("sdt"), w("customXml")):
                inner = child.find(w("sdtContent")) if tag == w("sdt") else child
                if inner is not None:
                    yield from self.blocks(inner)
            elif tag == w("altChunk"):
                self.skipped_objects += 1

    def paragraph(self, p: etree._Element) -> Iterator[str]:
        out: list[str] = []
        boxes: list[etree._Element] = []
        _collect(p, out, boxes)
        self.skipped_objects += sum(1 for _ in p.iter(w("object")))
        text = "".join(out)
        if text.strip():
            yield from (self.numbering.label(p) + text).split("\n")
        for box in boxes:
            yield from self.blocks(box)

    def table(self, tbl: etree._Element) -> Iterator[str]:
        for tr in self._children(tbl, "tr"):
            cells = [
                " ".join(clean_cell(ln) for ln in self.blocks(tc))
                for tc in self._children(tr, "tc")
            ]
            yield "\t".join(cells)

    def _children(self, el: etree._Element, tag: str) -> Iterator[etree._Element]:
        """Direct ``tag`` children, looking through content controls that wrap rows or cells."""
        for child in el:
            if child.tag == w(tag):
                yield child
            elif child.tag in (w("sdt"), w("customXml")):
                inner = child.find(w("sdtContent")) if child.tag == w("sdt") else child
                if inner is not None:
                    yield from self._children(inner, tag)


def _numbering_root(document: DocxDocument) -> etree._Element | None:
    # DocumentPart.numbering_part would try to create a missing part and raise NotImplementedError
    try:
        part = document.part.part_related_by(RT.NUMBERING)
    except KeyError:
        return None
    return part.element if isinstance(part, XmlPart) else None


def read_docx(data: bytes, name: str) -> Extracted:
    """A .docx file's body text; raises ReadError for bombs, other zip formats and damage."""
    open_checked_zip(data, name).close()
    try:
        document = docx.Document(io.BytesIO(data))
        numbering = Numbering(_numbering_root(document), document.styles.element)
    except (
        PackageNotFoundError,
        KeyError,
        ValueError,
        AttributeError,
        TypeError,
        zipfile.BadZipFile,
        etree.LxmlError,
    ):  # python-docx fails in many ways on parts that are not what they claim
        raise ReadError(f"文件 {name} 不是有效的 Word 文档（.docx），可能已损坏") from None
    walker = _Body(numbering)
    text = join_lines(walker.blocks(document.element.body))
    warnings = []
    if walker.skipped_objects:
        warnings.append(f"文件 {name} 有 {walker.skipped_objects} 个嵌入对象，其中的内容未读取")
    return Extracted(text=text, format="docx", warnings=tuple(warnings))
