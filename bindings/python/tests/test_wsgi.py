"""The WSGI middleware called directly, for a body that arrives without
``CONTENT_LENGTH``, as a server that sets ``wsgi.input_terminated`` may pass
an HTTP/2 request.
"""

from __future__ import annotations

import io
import json
from typing import Any, Dict, Iterable, List, Tuple

import pytest

import reqsig
from reqsig.wsgi import VerifyMiddleware, _PrefixedInput

URL = "https://api.example.com/orders?id=7"
BODY = b'{"item": 42}\nsecond line\n'


def echo(environ: Dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """A WSGI application that responds 200 with the body it reads."""
    body = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "application/octet-stream")])
    return [body]


def call(gate: reqsig.Gate, headers: Dict[str, str], body: bytes) -> Tuple[str, bytes]:
    environ: Dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "REQUEST_URI": "/orders?id=7",
        "PATH_INFO": "/orders",
        "QUERY_STRING": "id=7",
        "HTTP_HOST": "api.example.com",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    statuses: List[str] = []

    def start_response(status: str, response_headers: Any, exc_info: Any = None) -> Any:
        statuses.append(status)
        return lambda data: None

    chunks = VerifyMiddleware(echo, gate)(environ, start_response)
    return statuses[0], b"".join(chunks)


@pytest.fixture()
def key() -> reqsig.Ed25519PrivateKey:
    return reqsig.Ed25519PrivateKey.generate()


@pytest.fixture()
def gate(key: reqsig.Ed25519PrivateKey) -> reqsig.Gate:
    return reqsig.Gate(reqsig.MemoryRegistry([reqsig.KeyRecord("k1", "orders", key.public_key())]))


def test_undeclared_body_needs_digest(gate: reqsig.Gate, key: reqsig.Ed25519PrivateKey) -> None:
    # Signed as a request without a body, so no Content-Digest is covered.
    headers = dict(reqsig.Signer(key, key_id="k1").sign("POST", URL).items())
    status, body = call(gate, headers, BODY)
    assert status.startswith("401")
    assert json.loads(body)["error"] == "component_not_covered"


def test_undeclared_body_digest_checked(gate: reqsig.Gate, key: reqsig.Ed25519PrivateKey) -> None:
    signer = reqsig.Signer(key, key_id="k1")
    status, body = call(gate, dict(signer.sign("POST", URL, body=BODY).items()), BODY)
    assert status.startswith("200")
    assert body == BODY

    status, body = call(gate, dict(signer.sign("POST", URL, body=BODY).items()), BODY + b"!")
    assert status.startswith("401")
    assert json.loads(body)["error"] == "digest_mismatch"


def test_empty_undeclared_body_passes(gate: reqsig.Gate, key: reqsig.Ed25519PrivateKey) -> None:
    headers = dict(reqsig.Signer(key, key_id="k1").sign("POST", URL).items())
    status, body = call(gate, headers, b"")
    assert status.startswith("200")
    assert body == b""


@pytest.mark.parametrize("prefix_length", [1, 3, 14])
def test_prefixed_input_reads_like_the_stream(prefix_length: int) -> None:
    def prefixed() -> _PrefixedInput:
        return _PrefixedInput(BODY[:prefix_length], io.BytesIO(BODY[prefix_length:]))

    assert prefixed().read() == BODY
    assert prefixed().read(None) == BODY
    stream = prefixed()
    assert b"".join(iter(lambda: stream.read(2), b"")) == BODY
    assert prefixed().readlines() == io.BytesIO(BODY).readlines()
    assert list(prefixed()) == list(io.BytesIO(BODY))
    for limit in range(0, len(BODY) + 2):
        expected = io.BytesIO(BODY)
        stream = prefixed()
        while True:
            line = stream.readline(limit)
            assert line == expected.readline(limit), (prefix_length, limit)
            if not line:
                break
