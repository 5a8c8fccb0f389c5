"""The README documents every setting and the two commands CI relies on."""

from policyqa.settings import ROOT, SETTINGS


def test_every_setting_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for s in SETTINGS:
        assert f"`{s.env}`" in readme and s.help in readme


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "bash scripts/test.sh" in readme and "bash scripts/test.sh" in ci
