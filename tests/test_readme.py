"""The README documents every setting, the two commands CI relies on, and each command it
shows works after exactly the install that ``scripts/run.sh`` does."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from support import REPO as ROOT

from policyqa.settings import SETTINGS, Settings
from policyqa.web.spawn import free_port

README = ROOT / "README.md"
GUARD = Path(__file__).parent / "support" / "only_installed.py"


def test_every_setting_is_in_the_readme() -> None:
    readme = README.read_text("utf-8")
    for s in SETTINGS:
        assert f"`{s.env}`" in readme and s.help in readme


def test_ci_runs_the_readme_test_command() -> None:
    readme = README.read_text("utf-8")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "bash scripts/test.sh" in readme and "bash scripts/test.sh" in ci


def _run_sh_extras() -> set[str]:
    """The extras ``scripts/run.sh`` installs PolicyQA with (``-e ".[eval]"`` -> {eval})."""
    text = (ROOT / "scripts" / "run.sh").read_text("utf-8")
    m = re.search(r"pip install[^\n]*-e\s+\"?\.(?:\[([\w,]+)\])?\"?", text)
    assert m, "scripts/run.sh does not install the checkout"
    return set(filter(None, (m.group(1) or "").split(",")))


def _closure(name: str, extras: set[str]) -> set[str]:
    """``name`` and every installed distribution its requirements (with ``extras``) pull in."""
    seen: set[str] = set()
    todo = [(name, frozenset(extras))]
    done: set[tuple[str, frozenset[str]]] = set()
    while todo:
        dist_name, wanted = todo.pop()
        key = dist_name.lower().replace("_", "-")
        if (key, wanted) in done:
            continue
        done.add((key, wanted))
        try:
            dist = importlib.metadata.distribution(dist_name)
        except importlib.metadata.PackageNotFoundError:
            continue  # a requirement for another platform or Python
        seen.add(key)
        for line in dist.requires or []:
            req = Requirement(line)
            envs = [{"extra": e} for e in wanted] or [{"extra": ""}]
            if req.marker is None or any(req.marker.evaluate(e) for e in envs):
                todo.append((req.name, frozenset(req.extras)))
    return seen


def _readme_commands() -> list[list[str]]:
    """The ``policyqa …`` lines of the README's "Using it" block, optional [parts] dropped."""
    text = README.read_text("utf-8")
    block = text.split("## Using it", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    out = []
    for line in block.splitlines():
        line = re.sub(r"\s+#.*$", "", line)
        line = re.sub(r"\s*\[[^\]]*\]", "", line).strip()
        if line.startswith("policyqa "):
            out.append(shlex.split(line)[1:])
    return out


@pytest.fixture(scope="module")
def allowed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("readme") / "allowed.json"
    path.write_text(json.dumps(sorted(_closure("policyqa", _run_sh_extras()))), "utf-8")
    return path


def _env(index_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYQA_")}
    env["POLICYQA_INDEX_DIR"] = str(index_dir)
    env["NO_PROXY"] = "127.0.0.1,localhost"
    return env


def _serve(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Start the server, wait for /healthz, stop it; the completed process as if it ran."""
    port = free_port()
    proc = subprocess.Popen(
        [*cmd, "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 90
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        healthy = proc.poll() is None and time.monotonic() < deadline
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=30)
    return subprocess.CompletedProcess(cmd, 0 if healthy else 1, out, "")


def test_readme_commands_run_after_the_run_sh_install(
    allowed: Path, index_settings: Settings, tmp_path: Path
) -> None:
    """Each command the README shows works with only what scripts/run.sh installs."""
    commands = _readme_commands()
    assert {c[0] for c in commands} >= {"index", "search", "ask", "clause", "serve", "eval"}
    fresh = tmp_path / "index"
    shutil.copytree(index_settings.index_dir / "cache", fresh / "cache")
    qa = tmp_path / "qa.jsonl"
    sample = (ROOT / "eval" / "gold" / "sample.jsonl").read_text("utf-8").splitlines()
    qa.write_text("\n".join(sample[:3]) + "\n", "utf-8")
    for args in commands:
        env = _env(fresh if args[0] == "index" else index_settings.index_dir)
        if args[0] == "eval":  # the same imports on three questions instead of 170
            args = [*args[:1], "--qa", str(qa), "--report", str(tmp_path / "report")]
        cmd = [sys.executable, str(GUARD), str(allowed), *args]
        if args[0] == "serve":
            done = _serve(cmd, env)
        else:
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"policyqa {shlex.join(args)}:\n{done.stdout}{done.stderr}"


def test_the_guard_refuses_what_run_sh_does_not_install(allowed: Path, tmp_path: Path) -> None:
    """Without the eval extra, ``--report`` fails as it would on a user's machine."""
    base = json.loads(allowed.read_text("utf-8"))
    narrow = tmp_path / "narrow.json"
    narrow.write_text(json.dumps(sorted(_closure("policyqa", set()))), "utf-8")
    assert "matplotlib" in base
    done = subprocess.run(
        [sys.executable, str(GUARD), str(narrow), "eval", "--report", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and "matplotlib" in done.stderr
