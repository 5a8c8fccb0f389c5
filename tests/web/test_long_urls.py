"""A request URL longer than the server accepts gets a 414 JSON error, not a reset: raw
HTTP over a socket against a real ``policyqa serve``, the request sent in pieces as a
network delivers it."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlparse

import pytest


def _send_in_pieces(url: str, target: str, piece: int = 4096) -> tuple[int, dict, bytes]:
    u = urlparse(url)
    head = f"GET {target} HTTP/1.1\r\nHost: {u.netloc}\r\nConnection: close\r\n\r\n".encode()
    with socket.create_connection((u.hostname, u.port), timeout=30) as sock:
        for i in range(0, len(head), piece):
            sock.sendall(head[i : i + piece])
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status_line, _, rest = data.partition(b"\r\n")
    raw_headers, _, body = rest.partition(b"\r\n\r\n")
    headers = {}
    for line in raw_headers.split(b"\r\n"):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


@pytest.mark.parametrize("size", [20_000, 60_000, 500_000])
def test_long_query_is_414_json(server_url: str, size: int) -> None:
    status, headers, body = _send_in_pieces(server_url, "/api/search?q=" + "a" * size)
    assert status == 414
    assert headers["content-type"].startswith("application/json")
    assert "请求地址过长" in json.loads(body)["error"]


def test_a_long_question_below_the_url_limit_is_a_400(server_url: str) -> None:
    status, headers, body = _send_in_pieces(server_url, "/api/search?q=" + "a" * 8000)
    assert status == 400 and "问题过长" in json.loads(body)["error"]
