"""What a question asks for, when it says so in its own words: a quantity in a unit
(多少公里, how many kilometres) or a year (哪一年, which year). The answer step measures
whether the clauses at hand hold one; a question about a known project that asks for a
figure no text gives (its speed, its price) is told from one the corpus answers this way.

These patterns are Chinese and English grammar (how a question asks for a unit or a
year), not words of any document; the answerability model learns how much they weigh.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..index.lexicon import Translation
from ..text.numerals import AMOUNT, ITEM_NUMBER, SHARE

# the unit after 多少/几 (多少公里, 几个, 多少万人); 多大/多高 ask for a size without one (below).
# 哪几/这几/好几 are not a count asked for (哪几个县 asks which, 好几趟 means several)
_UNIT_ZH = re.compile(r"(?:多少|(?<![哪这那好])几)\s*([\u4e00-\u9fff%A-Za-z]{1,3})?")
# "how many tonnes", or a "how large/long/…" question ending "in square kilometres?" (a
# question ending "in Liangjiang?" names a place, not a unit)
_UNIT_EN = re.compile(
    r"\bhow\s+many\s+([a-z-]+)|^how\b.*\bin\s+((?:square\s+)?[a-z]+)\s*\??$", re.IGNORECASE
)
# words after 多少/几 that are not a unit: the question goes on (多少是…, 几个方面 is a unit)
_NOT_UNIT = frozenset("是的了呢吗啊要在和与及或为以")
# money is asked as 钱 and written as 元; days are asked as 天 and written as 日 in laws
_SAME_UNIT = {"钱": ("元",), "块": ("元",), "天": ("天", "日")}
_YEAR_ZH = re.compile(r"哪一年|哪年|何年|何时|什么时候|哪个年份")
# a clause (between commas) that asks with another word uses 几 for "a few" (会不会把几个村子
# 合到一起？ asks yes or no); 多少 always asks
_OTHER_ASK = re.compile(
    r"会不会|是不是|能不能|有没有|是否|能否|有无|吗|什么|哪|怎么|如何|怎样|为什么"
)
_CLAUSE = re.compile(r"[^，,；;、。？?！!]+")
# a share asked for: 百分之几, 百分之多少, 几成 (a share, however written, answers it)
_SHARE_ZH = re.compile(r"[百千]分之(?:几|多少)|几成")
# "when" asks a time where a question opens with it or puts it before its verb ("when will
# it open", "by when"); "when solid waste is shipped…, what…" opens a condition
_YEAR_EN = re.compile(
    r"\b(?:which|what)\s+year\b|\bby\s+when\b"
    r"|\bwhen\s+(?:will|is|are|was|were|does|do|did|should|can|must|would|could|has|have)\b",
    re.IGNORECASE,
)
# "fine" the adjective (fine particulate matter, fine arts, fine-grained) is no penalty
_NOT_ADJECTIVE_FINE = r"(?!-|\s+(?:particulate|particles?|dust|arts?|chemicals?))"
# an amount asked by a question word (how many, how long) or by the measure it names: "what
# is the total investment", "what monthly rent does…" ask for a figure as "how much" does.
# The nouns are English words for measured quantities, not words of any document; money is
# a measure of its own (a price, fee, wage, grant or loan is written in 元)
_MONEY_EN = (
    r"(?:price|cost|investment|budget|rent|wage|salary|pension|subsidy|subsidie|grant|"
    rf"allowance|fee|fine{_NOT_ADJECTIVE_FINE}|toll|tariff|loan|income)s?"
)
_MEASURE_EN = (
    rf"(?:{_MONEY_EN}|(?:capacity|ratio|rate|concentration|length|distance|height|depth|"
    r"width|population|output|value|speed|frequency|density|number|total|amount|size|volume|"
    r"share|proportion|percentage|quota|limit|threshold)s?)"
)
# words that end the noun phrase after "what" before a measure is named: "what does the plan
# say about rent" asks what is said, not the rent
_NOT_NOUN_EN = r"(?:does|do|did|say|says|said|about|of|for|in|on|to|and|or)\b"
# "what is the planned total investment", "what will the average monthly pension be",
# "what corporate income tax rate applies", "what PM2.5 concentration, in …"
_WHAT_MEASURE_EN = (
    r"\bwhat\s+(?:(?:is|are|was|were|will|would|should)\s+)?(?:the\s+)?"
    rf"(?:(?!{_NOT_NOUN_EN})[\w.'-]+\s+){{0,4}}?"
)
_AMOUNT_EN = re.compile(
    r"\bhow\s+(?:many|much|long|large|big|far|high|fast|wide|deep|tall)\b"
    r"|\bwhat\s+(?:percentage|share|proportion|ratio)\b"
    rf"|{_WHAT_MEASURE_EN}{_MEASURE_EN}\b",
    re.IGNORECASE,
)
# a money word that only qualifies the measure asked: "income tax rate", "price growth"
_NOT_HEAD_EN = r"(?!\s+(?:tax\s+)?(?:rate|ratio|share|proportion|percentage|growth|index)\b)"
# the measure asked is money: "what is the monthly rent", "how much does a pass cost"
_MONEY_ASKED_EN = re.compile(
    rf"{_WHAT_MEASURE_EN}{_MONEY_EN}\b{_NOT_HEAD_EN}"
    rf"|\bhow\s+much\b.*(?:\b(?:cost|costs|pay|pays|charge|charges)\b|\b{_MONEY_EN}\b)",
    re.IGNORECASE,
)
# a change asked for may be given as a share ("how much will pensions rise"): not only money
_CHANGE_EN = re.compile(
    r"\b(?:rise|rises|increase|increases|grow|grows|fall|falls|drop|drops|raised?|cut)\b",
    re.IGNORECASE,
)
# a share asked for, as 百分之几 asks it (below): "what percentage", "what is the share"
_SHARE_EN = re.compile(
    r"\bwhat\s+(?:(?:is|are|will|would|should)\s+)?(?:the\s+)?"
    r"(?:percentage|share|proportion|per\s*cent)\b",
    re.IGNORECASE,
)
# money asked in Chinese: a price, fee, wage, grant or loan, then 多少 with no share or change
# between (租金定在多少, 通行费是多少; 经费投入强度是多少 asks a share, 养老金要涨多少 may be one)
_MONEY_ZH = re.compile(
    r"(?:价格?|价钱|费用?|租金|工资|薪[资酬水金]|补贴|补助|奖金|资金|投资|贷款|养老金|收入)"
    r"(?:标准)?[^，,；;、。？?！!率比占强涨增降升减调]{0,5}?多少"
)
# a sanction asked for (怎么处罚, what fine): laws state one with the words held below; a
# plan that only bans or cracks down on a thing sets none
_SANCTION_ZH = re.compile(r"罚|处分|惩")
_SANCTION_EN = re.compile(
    rf"\bfine[sd]?\b{_NOT_ADJECTIVE_FINE}"
    r"|\bpenalt|\bpunish|\bsanction",
    re.IGNORECASE,
)
_SANCTION_HELD = re.compile(r"罚|处分|追究|责令|吊销|没收|拘留")
# 多大比重, 多长, 多久: a size, length or time asked for in no unit the question names
_SIZE_ZH = re.compile(r"多[大长高远快宽深久]")  # not 多重: "multiple"
# a figure, its magnitude and a measure word before the unit (100家企业, 3.2万列)
_NUMBER = (
    r"(?:[0-9０-９]+(?:[.．][0-9]+)?|[一二两三四五六七八九十百千]+)\s*[万亿千百]?[\u4e00-\u9fff]?"
)
_YEAR = re.compile(r"20\d\d\s*年")
# an amount of anything (text.numerals.AMOUNT) counts once the years
# (2023—2027年) and the item's own number (51. ) are set aside
_NOT_AMOUNT = re.compile(r"20\d\d\s*(?:[—－~-]\s*20\d\d\s*)?年?")


@dataclass(frozen=True)
class Asked:
    """The kinds of figure a question asks for (empty units and False: none said)."""

    units: tuple[str, ...] = ()  # alternative spellings of the unit asked for
    year: bool = False
    amount: bool = False  # a figure in no unit the question names (是多少, how many)
    share: bool = False  # a share (百分之几, 几成)
    sanction: bool = False  # a penalty (罚款多少, what fine): held only where one is stated

    @property
    def figure(self) -> bool:
        return bool(self.units) or self.year or self.amount or self.share

    @property
    def wants(self) -> bool:
        """The question asks for a figure or a sanction: something a text gives or lacks."""
        return self.figure or self.sanction

    def held_by(self, text: str) -> bool:
        """Whether ``text`` gives what is asked: a sanction where one is asked, and a figure
        of the kind asked (any unit, or a year) where one is."""
        if self.sanction and not _SANCTION_HELD.search(text):
            return False
        if not self.figure:
            return self.sanction
        if self.year and _YEAR.search(text):
            return True
        if self.share and SHARE.search(text):
            return True
        if not (self.amount or self.units):
            return False
        amount = bool(AMOUNT.search(_NOT_AMOUNT.sub(" ", ITEM_NUMBER.sub("", text.lstrip()))))
        if self.amount and amount:
            return True
        # a table row gives its unit once, in the row's name: 经济总量（万亿元） 13, 项目（项） 100
        return any(
            re.search(_NUMBER + re.escape(u), text)
            or (((len(u) > 1 and u in text) or _in_brackets(u, text)) and amount)
            for u in self.units
        )


def _in_brackets(unit: str, text: str) -> bool:
    """Whether a table row names ``unit`` (with its magnitude) in brackets: （亿元）."""
    return re.search(rf"[（(][万亿千百]*{re.escape(unit)}[）)]", text) is not None


def asked(question: str, english: bool, translate: Callable[[str], Translation]) -> Asked:
    """What figure the question asks for, if it says."""
    if english:
        units_en = _english_units(question, translate)
        # "how large … in square kilometres?" names its unit; "how many X" may only name the
        # thing counted (X is often an adjective), so any figure still answers it
        named = any(m.group(2) for m in _UNIT_EN.finditer(question))
        share = bool(_SHARE_EN.search(question))
        money = not (named or share or _CHANGE_EN.search(question)) and bool(
            _MONEY_ASKED_EN.search(question)
        )
        amount = bool(_AMOUNT_EN.search(question)) and not (named or share or money)
        sanction = bool(_SANCTION_EN.search(question))
        units_en += ("元",) if money else ()
        year = bool(_YEAR_EN.search(question))
        return Asked(units_en, year, amount, share, sanction)
    units: list[str] = []
    bare = False
    # 几 opening its clause counts the clause's subject (几家企业已经签了协议: "a few firms"),
    # and so does 几 in a clause that asks nothing when another clause asks with a word of
    # its own (川南几个城市搭伙发展，给它们安了个什么名头？)
    parts = [p.strip() for p in _CLAUSE.findall(_SHARE_ZH.sub(" ", question))]
    asks = [bool(_OTHER_ASK.search(p)) for p in parts]
    matches = [
        m
        for i, part in enumerate(parts)
        for m in _UNIT_ZH.finditer(part)
        if m.group(0).startswith("多少")
        or (m.start() > 0 and not asks[i] and not any(asks[:i] + asks[i + 1 :]))
    ]
    for m in matches:
        word = m.group(1) or ""
        while word and word[-1] in _NOT_UNIT:
            word = word[:-1]
        if word and word[0] not in _NOT_UNIT:
            # the unit is the word's start: 多少公里的 -> 公里, 多少个一年 -> 个
            for n in (2, 1):
                if n <= len(word):
                    units += _SAME_UNIT.get(word[:n], (word[:n],))
        elif m.group(0).startswith("多少"):
            bare = True  # 是多少, 多少以内: a figure, its unit not said
    bare = bare or bool(_SIZE_ZH.search(question))
    share = bool(_SHARE_ZH.search(question))
    if bare and not units and _MONEY_ZH.search(question):
        units, bare = ["元"], False
    return Asked(
        tuple(dict.fromkeys(units)),
        bool(_YEAR_ZH.search(question)),
        bare and not units and not share,
        share,
        bool(_SANCTION_ZH.search(question)),
    )


def _english_units(question: str, translate: Callable[[str], Translation]) -> tuple[str, ...]:
    words = [w for m in _UNIT_EN.finditer(question) for w in m.groups() if w]
    terms: list[str] = []
    for w in words:
        for _, alternatives in translate(w).concepts:
            terms += alternatives
    return tuple(dict.fromkeys(terms))


def any_holds(a: Asked, texts: Sequence[str]) -> bool:
    return any(a.held_by(t) for t in texts)
