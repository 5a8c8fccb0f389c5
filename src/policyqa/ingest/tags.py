"""Responsibility tags that plans attach to their tasks: ``（牵头部门：经济运行局、…）``.

Some implementation plans end each task with the body that leads it, in brackets. The tag
is read once, here: the chunker stores the bodies on the clause, the answer step quotes
the tag as written.
"""

from __future__ import annotations

import re

# group 1: the whole tag as written (牵头部门：…); group 2: the bodies it names
LEAD_TAG = re.compile(r"（(牵头部门[：:]([^）]*))）")
_NAME_SEPARATORS = re.compile(r"[、，,；;]")


def lead_departments(text: str) -> tuple[str, ...]:
    """``（牵头部门：生态环境分局、经济运行局）`` -> (生态环境分局, 经济运行局)."""
    found: list[str] = []
    for m in LEAD_TAG.finditer(text):
        for name in _NAME_SEPARATORS.split(m.group(2)):
            name = name.strip()
            if name and name not in found:
                found.append(name)
    return tuple(found)


def lead_tag(text: str) -> str | None:
    """The first tag as written (``牵头部门：自贸办``), if the text has one."""
    m = LEAD_TAG.search(text)
    return m.group(1) if m else None
