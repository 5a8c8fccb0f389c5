"""A non-editable ``pip install .`` carries everything the page needs: run from outside the
checkout, the installed package serves the chat page, its script and its styles."""

from __future__ import annotations

import os
import shutil
import subprocess
import sysconfig
import urllib.request
import venv
from pathlib import Path

from support import REPO

from policyqa.settings import Settings
from policyqa.web.spawn import serve_subprocess


def _fresh_install(root: Path) -> Path:
    """A new venv with PolicyQA installed from the checkout as a wheel (not editable); its
    dependencies are borrowed from this environment's site-packages (a plain path entry, so
    this environment's editable PolicyQA is not on it)."""
    venv.EnvBuilder(with_pip=True).create(root)
    python = root / "bin" / "python"
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(REPO)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(site) / "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


PAGES = (("/", "政策问答"), ("/static/app.js", "fetch"), ("/static/style.css", "{"))


def test_installed_package_serves_the_page(tmp_path: Path, index_settings: Settings) -> None:
    python = _fresh_install(tmp_path / "venv")
    elsewhere = tmp_path / "work"
    shutil.copytree(index_settings.corpus_dir, elsewhere / "corpus")
    shutil.copytree(index_settings.index_dir, elsewhere / "index", symlinks=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICYQA_", "PYTHONPATH"))}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    where = subprocess.run(
        [str(python), "-c", "import policyqa; print(policyqa.__file__)"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    ).stdout
    assert str(tmp_path / "venv") in where and str(REPO) not in where
    # the defaults (corpus/, index/) are the working directory's
    with serve_subprocess(env=env, python=str(python), cwd=elsewhere) as served:
        for path, marker in PAGES:
            with urllib.request.urlopen(served.url + path, timeout=10) as resp:
                assert resp.status == 200 and marker in resp.read().decode("utf-8"), path
