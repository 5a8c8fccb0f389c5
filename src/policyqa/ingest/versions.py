"""Versions of one document: the same title revised at a later date supersedes the earlier text."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

# （2024年修订）, (2020年修正), （2019年第二次修正）, （修订草案）, （2018年版）
_REVISION = re.compile(
    r"\s*[（(]\s*(?:[0-9]{4}\s*年)?\s*(?:第[一二三四五六七八九十]+次)?\s*"
    r"(?:修订|修正|修改|重新发布|版)\s*(?:本|稿|草案)?\s*[）)]\s*$"
)
# trailing dates: (2020-05-14), （2020年5月14日）, （2020.5.14）
_DATE = re.compile(
    r"\s*[（(]\s*[0-9]{4}\s*(?:[-.年]\s*[0-9]{1,2}\s*(?:[-.月]\s*[0-9]{1,2}\s*日?)?)?\s*[）)]\s*$"
)
_WIDTH = str.maketrans("()［］", "（）[]")


def base_title(title: str) -> str:
    """``title`` without trailing revision notes and date brackets; a plan period stays."""
    previous = None
    title = title.strip()
    while previous != title:
        previous, title = title, _DATE.sub("", _REVISION.sub("", title)).strip()
    return title


def _key(title: str) -> str:
    """What two versions share: the base title, spacing, bracket width and 中华人民共和国 aside."""
    key = re.sub(r"\s+", "", base_title(title)).translate(_WIDTH)
    return key.replace("中华人民共和国", "").strip("《》")


def supersessions(docs: Sequence[tuple[str, str, str]]) -> dict[str, str]:
    """doc_id -> doc_id of the newest version with the same base title and a later date.

    ``docs`` are (doc_id, title, ISO date) triples; a document without a date is never ordered.
    Plans whose titles carry different periods (…（2023—2027年） vs …（2026—2030年）) have
    different base titles, so they are never versions of one another.
    """
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for doc_id, title, date in docs:
        if date:
            groups[_key(title)].append((date, doc_id))
    out: dict[str, str] = {}
    for versions in groups.values():
        newest_date, newest = max(versions)
        for date, doc_id in versions:
            if date < newest_date:
                out[doc_id] = newest
    return out
