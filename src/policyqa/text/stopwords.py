"""Stop words, each list written once with what it is for."""

from __future__ import annotations

# BM25 and the answer step's overlap ignore these: particles, question words and the words
# every policy text uses ("规定", "提出"), in Chinese and English
_BM25_TEXT = """
的 了 和 与 及 或 是 在 对 为 由 把 被 将 要 等 其 之 有 这 那 该 个 吗 呢 吧 啊 请 问
哪个 哪些 哪 什么 多少 如何 怎么 怎样 是否 能否 有没有 分别 主要 提出 规定 关于 the a an
of to in for on and or is are was be by with what which who how does do did from at as it
its this that
"""
BM25_STOPWORDS = frozenset(_BM25_TEXT.split())

# English function words and the words that frame a question rather than say what it is
# about: never looked up in the English->Chinese lexicon
_ENGLISH_TEXT = """
a an the of in on at to for from by with and or as is are was were be been being do does
did what which who whom whose how many much when where why that this these those it its
their there should will would can could shall may might must has have had per about into
under over than then so such any each all other more most less least plan plans document
documents outline say says said mention mentions mentioned according want wants aim aims
name named call called supposed give gives set sets target targets i me my we us our you
your tell please explain describe know
"""
ENGLISH_STOPWORDS = frozenset(_ENGLISH_TEXT.split())
