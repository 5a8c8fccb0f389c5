"""Indicator tables written one cell per line (a tab before each): one clause per row."""

from __future__ import annotations

from ..types import ClauseKind, Heading, Level, TableRow
from .clauses import Builder, is_heading
from .clean import Para

_MAX_CELL = 60
_MAX_BROKEN_VALUE = 4  # a value broken over two lines: 4800 / 以上
_DEFAULT_COLUMNS = 4


def is_table_cell(raw: str, p: Para) -> bool:
    line_start = raw.rfind("\n", 0, p.start) + 1
    return raw[line_start : p.start].startswith("\t") and len(p.text) <= _MAX_CELL


def table(
    b: Builder, raw: str, body: list[Para], i: int, heads: tuple[Heading, ...]
) -> tuple[int, bool]:
    """Turn the table starting at ``body[i]`` into one clause per row.

    Returns the index after the table and whether the preceding paragraph was taken as
    the table's title.
    """
    title_para = b.clauses[-1] if b.clauses else None
    title = title_para.text if title_para and len(title_para.text) <= _MAX_CELL else ""
    took_title = bool(
        title and title_para and title_para.kind in (ClauseKind.PARAGRAPH, ClauseKind.LEAD)
    )
    if took_title:
        b.clauses.pop()  # the table's title was taken for a paragraph
    i, cells = _cells(raw, body, i)
    # the header runs up to the first row number; blank cells are lines holding only a tab
    ncols = next((k for k, c in enumerate(cells) if c.text.isdigit()), _DEFAULT_COLUMNS)
    header = [c.text.replace(" ", "") for c in cells[:ncols]]
    note = body[i] if i < len(body) and body[i].text.startswith("注：") else None
    if title:
        heads = (*heads, Heading(Level.CAPTION, 0, "", title))
    where = (title + " ") if title else "指标表"
    _add_rows(b, _rows(cells[ncols:], ncols), header, ncols, title, where, heads)
    if note:  # the table's footnote: shown with the table, not retrieved on its own
        b.add("table.note", ClauseKind.NOTE, "注", where, heads, note, path=(0, 0))
        i += 1
    return i, took_title


def _cells(raw: str, body: list[Para], i: int) -> tuple[int, list[Para]]:
    cells: list[Para] = []
    while i < len(body) and (
        is_table_cell(raw, body[i])
        or (cells and len(body[i].text) <= _MAX_BROKEN_VALUE and not is_heading(body[i].text))
    ):
        p = body[i]
        if not is_table_cell(raw, p):
            prev = cells[-1]
            cells[-1] = Para(prev.text + p.text, prev.start, p.end)
        else:
            cells.append(p)
        i += 1
    return i, cells


def _add_rows(
    b: Builder,
    rows: list[list[Para]],
    header: list[str],
    ncols: int,
    title: str,
    where: str,
    heads: tuple[Heading, ...],
) -> None:
    name_i = 1 if ncols >= _DEFAULT_COLUMNS else 0
    number, sub = 0, 0
    for row in rows:
        values = [c.text for c in row]
        if values[0].isdigit():
            number, sub = int(values[0]), 0
            key, label = f"table.{number}", f"第{number}项"
        else:
            sub += 1
            key, label = f"table.{number}.{sub}", f"第{number}项之{values[name_i]}"
        cells = TableRow(
            name=values[name_i],
            cells=tuple(values[name_i + 1 :]),
            headers=tuple(header[name_i + 1 :]),
            caption=title,
            sub=not values[0].isdigit(),
        )
        b.add(
            key,
            ClauseKind.TABLE_ROW,
            label,
            where,
            heads,
            Para(cells.render(), row[0].start, row[-1].end),
            title=values[name_i].lstrip("#"),
            number=number,
            path=(number, sub),
            row=cells,
        )


def _rows(cells: list[Para], ncols: int) -> list[list[Para]]:
    """Group cells into rows; a sub-row (``#…``) has an empty first cell (a bare tab line)."""
    rows: list[list[Para]] = []
    row: list[Para] = []
    for c in cells:
        if c.text.startswith("#") and len(row) == 0:
            row.append(Para("", c.start, c.start))
        row.append(c)
        if len(row) == ncols:
            rows.append(row)
            row = []
    return rows
