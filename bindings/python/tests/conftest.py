"""Fixtures: the spec's test vectors, keys, and local HTTP servers that verify signatures.

The servers listen on 127.0.0.1 on ports the operating system picks, run in
threads of the test process, and stop when their fixture ends.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple
from urllib.parse import parse_qs, urlsplit

import pytest

import reqsig

VECTORS = Path(__file__).resolve().parents[3] / "spec" / "vectors"


def load_vectors(name: str) -> Dict[str, Any]:
    with open(VECTORS / name, encoding="utf-8") as file:
        data: Dict[str, Any] = json.load(file)
    return data


@pytest.fixture(scope="session")
def rfc9421() -> Dict[str, Any]:
    return load_vectors("rfc9421.json")


@pytest.fixture(scope="session")
def rfc9530() -> Dict[str, Any]:
    return load_vectors("rfc9530.json")


@pytest.fixture(scope="session")
def client_key() -> reqsig.Ed25519PrivateKey:
    return reqsig.Ed25519PrivateKey.generate()


@pytest.fixture()
def signer(client_key: reqsig.Ed25519PrivateKey) -> reqsig.Signer:
    return reqsig.Signer(client_key, key_id="client-1")


@dataclass
class Received:
    """One request as a test server saw it."""

    method: str
    path: str
    headers: List[Tuple[str, str]]
    body: bytes
    signed: bool
    nonce: Optional[str] = None
    error: Optional[str] = None

    def header(self, name: str) -> Optional[str]:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


@dataclass
class TestServer:
    """A local HTTP server that verifies every signed request it receives.

    Routes: ``/redirect?to=URL&status=N`` responds with a redirect, and
    ``/flaky`` fails with 503 on its first request. Any other path returns
    200 when the signature verifies, and 401 with the error code when it
    does not. Nonces are remembered, so a repeated one is rejected
    with the code ``replayed_nonce``.
    """

    __test__ = False

    verifier: reqsig.Verifier
    require_signature: bool = True
    received: List[Received] = field(default_factory=list)
    nonces: Set[Optional[str]] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    flaky_failures: int = 1
    url: str = ""

    def handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> Tuple[int, Dict[str, str], bytes]:
        headers = list(handler.headers.items())
        record = Received(handler.command, handler.path, headers, body, signed="Signature" in handler.headers)
        with self.lock:
            self.received.append(record)
        if record.signed or self.require_signature:
            try:
                verified = self.verifier.verify(handler.command, handler.path, headers, body)
            except reqsig.VerificationError as error:
                record.error = error.code
                return 401, {}, json.dumps({"error": error.code, "detail": str(error)}).encode()
            record.nonce = verified.nonce
            with self.lock:
                if verified.nonce in self.nonces:
                    record.error = "replayed_nonce"
                    return 401, {}, b'{"error": "replayed_nonce"}'
                self.nonces.add(verified.nonce)
        target = urlsplit(handler.path)
        query = parse_qs(target.query)
        if target.path == "/redirect":
            status = int(query.get("status", ["302"])[0])
            return status, {"Location": query["to"][0]}, b""
        if target.path == "/flaky":
            with self.lock:
                failing = self.flaky_failures > 0
                self.flaky_failures -= 1
            if failing:
                return 503, {}, b'{"error": "try again"}'
        return 200, {"Content-Type": "application/json"}, b'{"ok": true}'


def _handler_class(server: TestServer) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _respond(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, headers, payload = server.handle(self, body)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _respond

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class _HTTPServer(ThreadingHTTPServer):
    # Handler threads may wait on a kept-alive connection, and closing the
    # server must not wait for them.
    daemon_threads = True
    block_on_close = False


def _start(server: TestServer) -> Iterator[TestServer]:
    httpd = _HTTPServer(("127.0.0.1", 0), _handler_class(server))
    port = httpd.server_address[1]
    server.url = f"http://127.0.0.1:{port}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture()
def origin_server(client_key: reqsig.Ed25519PrivateKey) -> Iterator[TestServer]:
    """Return the server the client signs for, which requires a valid signature."""
    verifier = reqsig.Verifier({"client-1": client_key.public_key()}, scheme="http")
    yield from _start(TestServer(verifier))


@pytest.fixture()
def other_server(client_key: reqsig.Ed25519PrivateKey) -> Iterator[TestServer]:
    """Return a server on another port, so another origin, which records whether requests are signed."""
    verifier = reqsig.Verifier({"client-1": client_key.public_key()}, scheme="http")
    yield from _start(TestServer(verifier, require_signature=False))
