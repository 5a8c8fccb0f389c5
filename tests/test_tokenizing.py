from policyqa.engine import Engine
from policyqa.text.tokenizer import Tokenizer


def test_terms_come_from_the_corpus(engine: Engine) -> None:
    terms = set(engine.index.tokenizer.terms)
    for term in (
        "两江四岸",
        "西部陆海新通道",
        "成渝地区双城经济圈",
        "中欧班列（成渝）",
        "中欧班列",
        "两江新区实施方案",
        "规划纲要",
        "自贸办",
    ):
        assert term in terms


def test_policy_terms_stay_whole_and_keep_their_parts(engine: Engine) -> None:
    tokens = engine.index.tokenizer.tokenize("两江新区推进西部陆海新通道建设由哪个部门牵头？")
    assert {"西部陆海新通道", "两江新区", "牵头"} <= set(tokens)
    assert {"陆海", "通道"} <= set(tokens)  # search mode also yields the parts
    assert "哪个" not in tokens and "？" not in tokens


def test_without_the_dictionary_a_term_is_cut_up() -> None:
    assert "西部陆海新通道" not in Tokenizer().tokenize("西部陆海新通道")
