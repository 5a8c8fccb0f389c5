"""The words a document's name ends in that say what kind of document it is."""

from __future__ import annotations

import re

# 条例, 办法, 实施方案 …: a title ending in one of these names a document
KIND_END = re.compile(
    r"(?:法|法典|条例|规定|办法|细则|规则|决定|解释|通知|意见|方案|规划|纲要|守则|章程|批复|答复"
    r"|标准|准则|决议|公告|规范|目录|清单|计划|修正案|安排|制度|程序|函)$"
)
