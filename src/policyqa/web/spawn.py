"""``policyqa serve`` as a child process on a loopback port, for tests and benchmarks."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import httpx


class ServerFailed(RuntimeError):
    """The server exited or never became ready; the message ends with its output."""


@dataclass
class Served:
    url: str
    proc: subprocess.Popen
    output: Callable[[], str]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_subprocess(
    args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
    port: int | None = None,
    ready_timeout: float = 90.0,
) -> Iterator[Served]:
    """Start the server, wait until ``/healthz`` answers, yield it, always stop it."""
    port = port or free_port()
    cmd = [
        sys.executable,
        "-m",
        "policyqa.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *args,
    ]
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, env=dict(env) if env is not None else None
        )

        def output() -> str:
            log.flush()
            log.seek(0)
            return log.read()

        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + ready_timeout
            while True:
                if proc.poll() is not None:
                    raise ServerFailed(f"policyqa serve exited with {proc.returncode}:\n{output()}")
                try:
                    if httpx.get(url + "/healthz", timeout=2, trust_env=False).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise ServerFailed(f"policyqa serve did not become ready:\n{output()}")
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
