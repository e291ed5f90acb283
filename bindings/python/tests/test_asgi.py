"""The ASGI middleware called directly, for the scope types a test server
does not easily produce: lifespan and WebSocket handshakes.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, MutableMapping

import pytest

import reqsig
from reqsig.asgi import IDENTITY_KEY, VerifyMiddleware

Message = MutableMapping[str, Any]
URL = "https://api.example.com/chat?room=1"


class App:
    """An ASGI application that records the scopes it is called with."""

    def __init__(self) -> None:
        self.scopes: List[MutableMapping[str, Any]] = []

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        self.scopes.append(scope)


def run(middleware: VerifyMiddleware, scope: Dict[str, Any]) -> List[Message]:
    """Call the middleware once and return the messages it sent."""
    sent: List[Message] = []

    async def receive() -> Message:
        return {"type": "websocket.connect"}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(middleware(scope, receive, send))
    return sent


def websocket_scope(headers: List[tuple[bytes, bytes]], extensions: Dict[str, Any] | None = None) -> Dict[str, Any]:
    return {
        "type": "websocket",
        "path": "/chat",
        "raw_path": b"/chat",
        "query_string": b"room=1",
        "headers": [(b"host", b"api.example.com"), *headers],
        "client": ("127.0.0.1", 50000),
        "extensions": extensions or {},
    }


@pytest.fixture()
def key() -> reqsig.Ed25519PrivateKey:
    return reqsig.Ed25519PrivateKey.generate()


@pytest.fixture()
def gate(key: reqsig.Ed25519PrivateKey) -> reqsig.Gate:
    return reqsig.Gate(reqsig.MemoryRegistry([reqsig.KeyRecord("k1", "chat", key.public_key())]))


def signed_handshake(key: reqsig.Ed25519PrivateKey) -> List[tuple[bytes, bytes]]:
    signature = reqsig.Signer(key, key_id="k1").sign("GET", URL)
    return [(name.lower().encode(), value.encode()) for name, value in signature.items()]


def test_lifespan_passes_through(gate: reqsig.Gate) -> None:
    app = App()
    assert run(VerifyMiddleware(app, gate), {"type": "lifespan"}) == []
    assert app.scopes == [{"type": "lifespan"}]


def test_websocket_rejected_by_default(gate: reqsig.Gate, key: reqsig.Ed25519PrivateKey) -> None:
    app = App()
    middleware = VerifyMiddleware(app, gate)
    assert run(middleware, websocket_scope(signed_handshake(key))) == [{"type": "websocket.close", "code": 1008}]

    sent = run(middleware, websocket_scope([], {"websocket.http.response": {}}))
    assert sent[0]["type"] == "websocket.http.response.start"
    assert sent[0]["status"] == 403
    assert json.loads(sent[1]["body"])["error"] == "websocket_rejected"
    assert app.scopes == []


def test_websocket_verified(gate: reqsig.Gate, key: reqsig.Ed25519PrivateKey) -> None:
    app = App()
    middleware = VerifyMiddleware(app, gate, websocket="verify")

    assert run(middleware, websocket_scope(signed_handshake(key))) == []
    identity = app.scopes[0][IDENTITY_KEY]
    assert isinstance(identity, reqsig.Identity)
    assert identity.client_id == "chat"

    sent = run(middleware, websocket_scope([], {"websocket.http.response": {}}))
    assert sent[0]["status"] == 401
    assert (b"www-authenticate", b'Signature realm="reqsig"') in sent[0]["headers"]
    assert json.loads(sent[1]["body"])["error"] == "missing_signature"
    assert run(middleware, websocket_scope([])) == [{"type": "websocket.close", "code": 1008}]
    assert len(app.scopes) == 1


def test_websocket_allowed_unchecked(gate: reqsig.Gate) -> None:
    app = App()
    assert run(VerifyMiddleware(app, gate, websocket="allow"), websocket_scope([])) == []
    assert IDENTITY_KEY not in app.scopes[0]


def test_scope_copied_not_changed(gate: reqsig.Gate, key: reqsig.Ed25519PrivateKey) -> None:
    app = App()
    scope = websocket_scope(signed_handshake(key))
    run(VerifyMiddleware(app, gate, websocket="verify"), scope)
    assert IDENTITY_KEY not in scope
    assert IDENTITY_KEY in app.scopes[0]


def test_options_checked(gate: reqsig.Gate) -> None:
    app = App()
    with pytest.raises(TypeError, match="argument 'gate'"):
        VerifyMiddleware(app, "gate")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argument 'strip_unsigned_headers'"):
        VerifyMiddleware(app, gate, strip_unsigned_headers=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argument 'sign_responses'"):
        VerifyMiddleware(app, gate, sign_responses=reqsig.Ed25519PrivateKey.generate())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="argument 'websocket'"):
        VerifyMiddleware(app, gate, websocket="maybe")
    with pytest.raises(TypeError, match="argument 'websocket'"):
        VerifyMiddleware(app, gate, websocket=None)  # type: ignore[arg-type]


class BodyApp:
    """An ASGI application that reads the whole body and responds 200 with it."""

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})


def run_http(middleware: VerifyMiddleware, headers: List[tuple[bytes, bytes]], body: bytes) -> List[Message]:
    """Send one POST whose head has no Content-Length, as over HTTP/2, and return the messages sent."""
    scope = {
        "type": "http",
        "http_version": "2",
        "method": "POST",
        "path": "/chat",
        "raw_path": b"/chat",
        "query_string": b"room=1",
        "headers": [(b"host", b"api.example.com"), *headers],
        "client": ("127.0.0.1", 50000),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    sent: List[Message] = []

    async def receive() -> Message:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(middleware(scope, receive, send))
    return sent


def header_list(signature: reqsig.SignatureHeaders) -> List[tuple[bytes, bytes]]:
    return [(name.lower().encode(), value.encode()) for name, value in signature.items()]


def test_undeclared_body_needs_digest(gate: reqsig.Gate, key: reqsig.Ed25519PrivateKey) -> None:
    # Signed as a request without a body, so no Content-Digest is covered.
    headers = header_list(reqsig.Signer(key, key_id="k1").sign("POST", URL))
    sent = run_http(VerifyMiddleware(BodyApp(), gate), headers, b'{"n":1}')
    assert sent[0]["status"] == 401
    assert json.loads(sent[1]["body"])["error"] == "component_not_covered"


def test_undeclared_body_digest_checked(gate: reqsig.Gate, key: reqsig.Ed25519PrivateKey) -> None:
    signer = reqsig.Signer(key, key_id="k1")
    body = b'{"n":1}'
    headers = header_list(signer.sign("POST", URL, body=body))
    sent = run_http(VerifyMiddleware(BodyApp(), gate), headers, body)
    assert sent[0]["status"] == 200
    assert sent[1]["body"] == body

    headers = header_list(signer.sign("POST", URL, body=body))
    sent = run_http(VerifyMiddleware(BodyApp(), gate), headers, b'{"n":2}')
    assert sent[0]["status"] == 401
    assert json.loads(sent[1]["body"])["error"] == "digest_mismatch"
