"""The words that mark a question as a follow-up, and what is left when they are removed.

Pure text rules, Chinese and English, naming no document or topic: a follow-up points back
(这件事, 它, that task), asks for more (还有, 其他, what other), or is only a fragment
(成都那边呢？, 2030年呢？, And cargo and mail?). What remains after the markers, the
document names, the years and the question words is the follow-up's own topic.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..text.stopwords import ENGLISH_STOPWORDS

# points at the clause, task or document of the answer before
ANAPHOR_ZH = re.compile(
    r"这件事|这项(?:工作|任务|措施|举措|指标)?|这一?(?:段话|[条段款句节章])|这部分|该[条段款节章]|此条|上一条|这个(?:计划|任务|工作|目标|指标|文件|规划|方案)?"
    r"|这些|这份(?:文件|规划|方案)?|这里|这(?=是|在|里|项|份)|它们|它|其(?=[中余他它])|该(?:项|任务|计划|规划|方案|文件|指标|措施)"
    r"|上述|前述|上面|刚才|上文|同一"
)
ANAPHOR_EN = re.compile(
    r"\b(?:that|this|these|those|it|its|they|them|their|same|the\s+above|mentioned)\b"
    r"(?!\s+(?:is|are)\s+the\b)",
    re.IGNORECASE,
)
# points at the document itself ("this plan", "it"): the pointer and the noun after it
DOCUMENT_EN = re.compile(
    rf"(?:{ANAPHOR_EN.pattern})(?:\s+(?:plan|document|programme|outline|regulation|law))?",
    re.IGNORECASE,
)
# asks for more of the same clause or section
MORE_ZH = re.compile(
    r"还有|还提到|还包括|还要|还定|其他|其它|别的|另外|此外|除此|除了|以外|之外|更多|具体(?:包括|有|是)|进一步|又"
)
MORE_EN = re.compile(r"\b(?:other|else|more|besides|also|further|additional|remaining)\b", re.I)
# a fragment: 那… / …呢？ / And …? / What about …?
LEAD_IN_ZH = re.compile(r"^(?:那么?|那如果|如果是|换成|改成|至于)")
TAIL_ZH = re.compile(r"(?:呢|咧)\s*[？?。]?\s*$")
LEAD_IN_EN = re.compile(
    r"^\s*(?:and|what\s+about|how\s+about|and\s+what\s+about|same\s+for)\b", re.I
)
# asks which document a clause comes from
SOURCE_ZH = re.compile(r"哪(?:份|个|一份|一个)?(?:文件|规划|方案|文档)|出自|出处|来源|原文在哪")
SOURCE_EN = re.compile(
    r"\bwhich\s+(?:document|plan|paper|file)\b|\bsource\b|\bcomes?\s+from\b", re.I
)
# points at one clause (not a task or a plan)
ONE_CLAUSE = re.compile(
    r"这一?[条段款句]|该[条段款]|此条|本条|\bthis\s+(?:clause|article|item)\b", re.I
)
LEAD_ZH = re.compile(r"牵头|谁负责|哪个部门|哪些部门|责任部门|负责部门")
LEAD_EN = re.compile(
    r"\b(?:which|what)\s+(?:\w+\s+){0,3}(?:department|body|office|bureau|agency)s?\b"
    r"|\bin\s+charge\b|\bleads?\b",
    re.I,
)
# a clause named by its place (第14条, 第三章, 第几条): a slot, not the follow-up's topic
POSITION_ZH = re.compile(r"第[0-9一二三四五六七八九十百零〇两几]+[条章节款项]")
# "第三款", "第2项": a part of the clause the answer before cited
CLAUSE_PART = re.compile(r"第[一二三四五六七八九十百零〇\d]+[款项目]")

# words (as the tokenizer cuts them) that frame a question without saying what it is about
_GENERIC_ZH_TEXT = """
    怎么 怎样 怎么样 如何 是否 有没有 有无 有 什么 什么样 哪些 哪个 哪 多少
    几个 几 多大 多长 谁 是 的 定 定的 提 说 讲 写 规定 安排 提法 表述
    说法 提出 明确 要求 目标 目标值 情况 内容 方面 相关 关于 里面 里 中 上
    了 呢 吗 么 啊 吧 呀 那边 那里 这边 又 也 还 都 再 那么 那 按 照 在
    对 于 和 与 及 就 给 达到 达 到 为 将 会 能 要 方案 文件 规划 版本
    一下 具体 分别 主要 请问 问 没有 多 大 举措 措施 工作 任务 事项 做法
    项目 指标 部署 份文件 哪份 由 负责 牵头 部门 单位 哪家 这块 那块 一块 来着
"""
_GENERIC_ZH = frozenset(_GENERIC_ZH_TEXT.split())
_GENERIC_EN_TEXT = """
    and what which who how about does do did is are was were the a an of in on for to by
    say says said plan plans set sets target targets there any anything mention mentions
    under according per that this it its same version one document regarding action
"""
_GENERIC_EN = frozenset(_GENERIC_EN_TEXT.split())
_YEARS = re.compile(r"20\d\d\s*(?:年|[—–\-至到]\s*20\d\d\s*年?)?")
_PUNCT = re.compile(r"[\s，,。.？?！!：:；;、“”\"'‘’（）()《》—–\-]+")


def residue(text: str, english: bool, tokenize: Callable[[str], list[str]]) -> list[str]:
    """The tokens of ``text`` beyond framing words, markers and years: its own topic."""
    if not english:  # the lead-in first: the tokenizer would join it to what follows (那到)
        text = LEAD_IN_ZH.sub("", text.strip())
    text = _YEARS.sub(" ", text)
    if not english:
        text = POSITION_ZH.sub(" ", text)
    text = (ANAPHOR_EN if english else ANAPHOR_ZH).sub(" ", text)
    text = (MORE_EN if english else MORE_ZH).sub(" ", text)
    if english:
        words = re.findall(r"[A-Za-z][A-Za-z'-]+", text.lower())
        return [w for w in words if w not in _GENERIC_EN and w not in ENGLISH_STOPWORDS]
    tokens = [t for t in tokenize(text) if t not in _GENERIC_ZH and not t.isdigit()]
    # search tokens overlap (中心城区, 中心, 城区): keep those no longer token contains
    return [t for t in tokens if not any(t != u and t in u for u in tokens)]


def points_back(text: str, english: bool) -> bool:
    return bool((ANAPHOR_EN if english else ANAPHOR_ZH).search(text))


def asks_more(text: str, english: bool) -> bool:
    return bool((MORE_EN if english else MORE_ZH).search(text))


def is_fragment(text: str, english: bool) -> bool:
    if english:
        return bool(LEAD_IN_EN.search(text)) or len(text.split()) <= 3
    return bool(LEAD_IN_ZH.search(text) or TAIL_ZH.search(text))


def asks_lead(text: str, english: bool) -> bool:
    return bool((LEAD_EN if english else LEAD_ZH).search(text))


def asks_source(text: str, english: bool) -> bool:
    return bool((SOURCE_EN if english else SOURCE_ZH).search(text))


def position_ask(text: str, position: str) -> str:
    """What a follow-up naming another clause asks of it (那第14条呢，谁牵头？ -> 谁牵头？); empty
    where it asks nothing of its own (第31条呢？ asks what the question before did)."""
    rest = LEAD_IN_ZH.sub("", text.strip()).replace(position, "", 1)
    rest = re.sub(r"^(?:呢|咧)?[\s，,。]*", "", rest.strip())
    return "" if not rest.strip(" ？?。，,") else rest


def strip_frame(text: str, english: bool) -> str:
    """The fragment a slot follow-up puts in: 成都那边呢？ -> 成都; And cargo and mail? ->
    cargo and mail."""
    if english:
        text = LEAD_IN_EN.sub("", text)
        text = re.sub(r"\b(?:the|for|in|of)\b", " ", text, flags=re.I)
        return _PUNCT.sub(" ", text).strip()
    text = LEAD_IN_ZH.sub("", text)
    text = TAIL_ZH.sub("", text)
    text = re.sub(
        r"(?:那边|那里|这边|这一?块|那一?块|这一?方面|方面|的情况|的目标|的呢|的)$",
        "",
        text.strip(" ？?。，,"),
    )
    return text.strip(" ？?。，,")
