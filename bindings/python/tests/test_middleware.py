"""The ASGI and WSGI middleware on real servers: FastAPI under uvicorn and
Flask under Werkzeug, each test run against both.

Every rejection comes from the gate, so both servers must respond exactly as
the tower middleware does, with the same statuses, codes and headers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import socket
import subprocess
from pathlib import Path
from typing import Any, Callable, Iterator, List

import httpx
import pytest
from gate_support import Running, cli_binary, http_client, signed_headers, start_app

import reqsig

JSON = [("Content-Type", "application/json")]
BODY = b'{"item": 42}'
CHALLENGE = 'sig1=("@method" "@authority" "@path" "@query");created;nonce'
CHALLENGE_WITH_BODY = 'sig1=("@method" "@authority" "@path" "@query" "content-digest");created;nonce'

Serve = Callable[..., Running]


@pytest.fixture(scope="module")
def key() -> reqsig.Ed25519PrivateKey:
    return reqsig.Ed25519PrivateKey.generate()


@pytest.fixture()
def signer(key: reqsig.Ed25519PrivateKey) -> reqsig.Signer:
    return reqsig.Signer(key, key_id="k1")


@pytest.fixture(params=["asgi", "wsgi"])
def kind(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture()
def serve(kind: str) -> Iterator[Serve]:
    started: List[Running] = []

    def start(gate: reqsig.Gate, **options: Any) -> Running:
        running = start_app(kind, gate, **options)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture()
def client() -> Iterator[httpx.Client]:
    with http_client() as client:
        yield client


def one_key_gate(key: reqsig.Ed25519PrivateKey, **options: Any) -> reqsig.Gate:
    return reqsig.Gate(reqsig.MemoryRegistry([reqsig.KeyRecord("k1", "orders", key.public_key())]), **options)


def send(
    client: httpx.Client, signer: reqsig.Signer, method: str, url: str, body: bytes | None = None
) -> httpx.Response:
    headers = signed_headers(signer, method, url, body, JSON if body is not None else [])
    return client.request(method, url, headers=headers, content=body)


def test_signed_request_reaches_app(serve: Serve, client: httpx.Client, key: reqsig.Ed25519PrivateKey,
                                    signer: reqsig.Signer) -> None:
    gate = one_key_gate(key)
    server = serve(gate)

    response = send(client, signer, "POST", f"{server.url}/orders/7?page=2", BODY)
    assert response.status_code == 200, response.text
    seen = response.json()
    assert seen["client_id"] == "orders"
    assert seen["key_id"] == "k1"
    assert seen["label"] == "sig1"
    assert seen["body_sha256"] == hashlib.sha256(BODY).hexdigest()

    response = send(client, signer, "GET", f"{server.url}/orders/7")
    assert response.status_code == 200, response.text
    assert response.json()["client_id"] == "orders"
    assert gate.usage().keys["k1"].accepted == 2


def test_unsigned_request_gets_challenge(serve: Serve, client: httpx.Client, key: reqsig.Ed25519PrivateKey) -> None:
    server = serve(one_key_gate(key))

    response = client.get(f"{server.url}/orders/7")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Signature realm="reqsig"'
    assert response.headers["accept-signature"] == CHALLENGE
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"] == "missing_signature"

    response = client.post(f"{server.url}/orders", content=BODY)
    assert response.status_code == 401
    assert response.headers["accept-signature"] == CHALLENGE_WITH_BODY


def test_tampered_request_rejected(serve: Serve, client: httpx.Client, key: reqsig.Ed25519PrivateKey,
                                   signer: reqsig.Signer) -> None:
    gate = one_key_gate(key)
    server = serve(gate)
    url = f"{server.url}/orders/7"

    headers = signed_headers(signer, "POST", url, BODY, JSON)
    response = client.post(url, headers=headers, content=b'{"item": 43}')
    assert response.status_code == 401
    assert response.json()["error"] == "digest_mismatch"
    assert "www-authenticate" in response.headers

    headers = signed_headers(signer, "GET", url)
    response = client.get(f"{url}?page=2", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_signature", "detail": "the signature could not be verified"}
    assert gate.usage().keys["k1"].rejected == {"digest_mismatch": 1, "invalid_signature": 1}


def test_replayed_request_rejected(serve: Serve, client: httpx.Client, key: reqsig.Ed25519PrivateKey,
                                   signer: reqsig.Signer) -> None:
    server = serve(one_key_gate(key))
    url = f"{server.url}/orders"
    headers = signed_headers(signer, "POST", url, BODY, JSON)

    first = client.post(url, headers=headers, content=BODY)
    assert first.status_code == 200, first.text
    replay = client.post(url, headers=headers, content=BODY)
    assert replay.status_code == 401
    assert replay.json()["error"] == "replayed_nonce"


def test_scopes_and_networks(serve: Serve, client: httpx.Client, key: reqsig.Ed25519PrivateKey) -> None:
    registry = reqsig.MemoryRegistry([
        reqsig.KeyRecord("scoped", "reports", key.public_key(),
                         scopes=[{"methods": ["GET"], "paths": ["/orders/**"]}]),
        reqsig.KeyRecord("office", "reports", key.public_key(), source_cidrs=["10.0.0.0/8"]),
    ])
    server = serve(reqsig.Gate(registry))
    scoped = reqsig.Signer(key, key_id="scoped")

    assert send(client, scoped, "GET", f"{server.url}/orders/1").status_code == 200
    for method, path, code in (
        ("GET", "/admin", "out_of_scope"),
        ("POST", "/orders/1", "out_of_scope"),
        ("GET", "/orders/%2E%2E/admin", "unsafe_path"),
    ):
        response = send(client, scoped, method, f"{server.url}{path}", BODY if method == "POST" else None)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["error"] == code

    response = send(client, reqsig.Signer(key, key_id="office"), "GET", f"{server.url}/orders/1")
    assert response.status_code == 403
    assert response.json() == {"error": "source_not_allowed", "detail": "the key may not be used from 127.0.0.1"}


def test_rate_limit_answers_429(serve: Serve, client: httpx.Client, key: reqsig.Ed25519PrivateKey,
                                signer: reqsig.Signer) -> None:
    limited = reqsig.KeyRecord("k1", "orders", key.public_key(),
                               rate_limit={"requests": 1, "per_seconds": 60, "burst": 2})
    gate = reqsig.Gate(reqsig.MemoryRegistry([limited]))
    server = serve(gate)

    statuses = [send(client, signer, "GET", f"{server.url}/orders").status_code for _ in range(2)]
    assert statuses == [200, 200]
    response = send(client, signer, "GET", f"{server.url}/orders")
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert int(response.headers["retry-after"]) >= 1
    assert gate.usage().keys["k1"].rejected == {"rate_limited": 1}


def test_large_body_answers_413(serve: Serve, client: httpx.Client, key: reqsig.Ed25519PrivateKey,
                                signer: reqsig.Signer) -> None:
    gate = one_key_gate(key, policy=reqsig.Policy.server(max_body_bytes=1024))
    assert gate.max_body_bytes == 1024
    server = serve(gate)
    url = f"{server.url}/upload"

    assert send(client, signer, "PUT", url, bytes(1024)).status_code == 200
    response = send(client, signer, "PUT", url, bytes(1025))
    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"

    # Without Content-Length, the middleware counts the bytes as they arrive.
    big = bytes(4096)
    headers = signed_headers(signer, "PUT", url, big)
    response = client.put(url, headers=headers, content=iter([big[:2048], big[2048:]]))
    assert response.status_code == 413
    assert gate.usage().keys["k1"].rejected == {"body_too_large": 2}


def test_chunked_body_checked(serve: Serve, client: httpx.Client, key: reqsig.Ed25519PrivateKey,
                              signer: reqsig.Signer) -> None:
    server = serve(one_key_gate(key))
    url = f"{server.url}/upload"
    body = bytes(range(256)) * 40
    headers = signed_headers(signer, "PUT", url, body)

    response = client.put(url, headers=headers, content=iter([body[:1000], body[1000:7000], body[7000:]]))
    assert response.status_code == 200, response.text
    assert response.json()["body_sha256"] == hashlib.sha256(body).hexdigest()


def test_revoked_key_rejected(serve: Serve, client: httpx.Client, key: reqsig.Ed25519PrivateKey,
                              signer: reqsig.Signer) -> None:
    record = reqsig.KeyRecord("k1", "orders", key.public_key())
    registry = reqsig.MemoryRegistry([record])
    gate = reqsig.Gate(registry)
    server = serve(gate)
    assert send(client, signer, "GET", f"{server.url}/orders").status_code == 200

    registry.add(record.replace(status="revoked"))
    response = send(client, signer, "GET", f"{server.url}/orders")
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_signature", "detail": "the signature could not be verified"}
    unknown = send(client, reqsig.Signer(key, key_id="nobody"), "GET", f"{server.url}/orders")
    assert unknown.json() == response.json(), "a revoked key must look like an unknown one"
    usage = gate.usage()
    assert usage.keys["k1"].accepted == 1
    assert usage.keys["k1"].rejected == {"key_revoked": 1}


def test_exposed_reasons_name_the_key_state(serve: Serve, client: httpx.Client,
                                            key: reqsig.Ed25519PrivateKey, signer: reqsig.Signer) -> None:
    record = reqsig.KeyRecord("k1", "orders", key.public_key(), not_after=1)
    server = serve(reqsig.Gate(reqsig.MemoryRegistry([record]), dangerous_expose_rejection_reasons=True))

    response = send(client, signer, "GET", f"{server.url}/orders")
    assert response.status_code == 401
    assert response.json()["error"] == "key_expired"
    assert "expired" in response.json()["detail"]


def registry_toml(keys: List[tuple[str, reqsig.PublicKey, str]]) -> str:
    entries = [
        f'[[keys]]\nkey_id = "{key_id}"\nclient_id = "orders"\nalgorithm = "ed25519"\n'
        f'status = "{status}"\npublic_key = """\n{public.to_pem()}"""\n'
        for key_id, public, status in keys
    ]
    return "version = 1\n\n" + "\n".join(entries)


def test_registry_file_reload(serve: Serve, client: httpx.Client, tmp_path: Path,
                              key: reqsig.Ed25519PrivateKey, signer: reqsig.Signer,
                              caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "registry.toml"
    second = reqsig.Ed25519PrivateKey.generate()
    path.write_text(registry_toml([("k1", key.public_key(), "active")]))
    registry = reqsig.RegistryFile(path, check_interval=0)
    gate = reqsig.Gate(registry)
    server = serve(gate)
    url = f"{server.url}/orders"
    assert send(client, signer, "GET", url).status_code == 200
    assert send(client, reqsig.Signer(second, key_id="k2"), "GET", url).status_code == 401

    path.write_text(registry_toml([("k1", key.public_key(), "revoked"), ("k2", second.public_key(), "active")]))
    assert send(client, signer, "GET", url).status_code == 401
    assert send(client, reqsig.Signer(second, key_id="k2"), "GET", url).status_code == 200
    assert [record.key_id for record in registry.records()] == ["k1", "k2"]
    assert gate.usage().keys["k1"].rejected == {"key_revoked": 1}

    # A broken edit keeps the last good registry and is logged.
    path.write_text("version = 1\n[[keys]]\nkey_id = 3\n")
    with caplog.at_level(logging.ERROR, logger="reqsig.gate"):
        assert send(client, reqsig.Signer(second, key_id="k2"), "GET", url).status_code == 200
    assert any("keeping the last good registry" in record.getMessage() for record in caplog.records)
    with pytest.raises(reqsig.RegistryError):
        reqsig.RegistryFile(path)


def test_public_route_passes_unsigned(serve: Serve, client: httpx.Client, key: reqsig.Ed25519PrivateKey) -> None:
    gate = one_key_gate(key, public_routes=[{"methods": ["GET"], "paths": ["/health"]}])
    server = serve(gate)

    response = client.get(f"{server.url}/health")
    assert response.status_code == 200
    assert response.json()["client_id"] is None
    assert client.post(f"{server.url}/health", content=b"x").status_code == 401
    assert client.get(f"{server.url}/health/deep").status_code == 401


def test_unsigned_headers_stripped(serve: Serve, client: httpx.Client, key: reqsig.Ed25519PrivateKey,
                                   signer: reqsig.Signer) -> None:
    server = serve(one_key_gate(key), strip_unsigned_headers=True)
    url = f"{server.url}/orders"
    headers = [*signed_headers(signer, "POST", url, BODY, JSON), ("X-Unsigned", "1")]

    response = client.post(url, headers=headers, content=BODY)
    assert response.status_code == 200, response.text
    seen = response.json()["headers"]
    assert "x-unsigned" not in seen
    assert "signature" not in seen
    assert {"content-type", "content-digest", "host", "content-length"} <= set(seen)


def test_responses_signed(serve: Serve, client: httpx.Client, key: reqsig.Ed25519PrivateKey,
                          signer: reqsig.Signer) -> None:
    server_key = reqsig.Ed25519PrivateKey.generate()
    server = serve(one_key_gate(key), sign_responses=reqsig.ResponseSigner(server_key, "server-1"))
    url = f"{server.url}/orders?page=2"
    request_headers = signed_headers(signer, "POST", url, BODY, JSON)

    response = client.post(url, headers=request_headers, content=BODY)
    assert response.status_code == 200, response.text
    verifier = reqsig.Verifier({"server-1": server_key.public_key()}, policy=reqsig.Policy(), tag="reqsig-response")
    verified = verifier.verify_response(
        200, list(response.headers.multi_items()), response.content, request=("POST", url, request_headers)
    )
    assert "@status" in verified.components
    assert '"signature";req;key="sig1"' in verified.components
    other_request = signed_headers(signer, "POST", url, BODY, JSON)
    with pytest.raises(reqsig.InvalidSignatureError):
        verifier.verify_response(
            200, list(response.headers.multi_items()), response.content, request=("POST", url, other_request)
        )


def test_wsgiref_without_request_uri(client: httpx.Client, key: reqsig.Ed25519PrivateKey,
                                     signer: reqsig.Signer) -> None:
    server = start_app("wsgiref", one_key_gate(key))
    try:
        response = send(client, signer, "POST", f"{server.url}/files/a%20b?x=1&y=%2F", BODY)
        assert response.status_code == 200, response.text
        assert response.json()["client_id"] == "orders"
    finally:
        server.stop()


def raw_exchange(port: int, request: bytes) -> tuple[int, bytes]:
    """Send raw bytes and return the status and body of the response."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def test_unreadable_target_answers_400(serve: Serve, key: reqsig.Ed25519PrivateKey) -> None:
    server = serve(one_key_gate(key))
    # Both servers pass '<' and '>' on, but a URI cannot hold them.
    request = b"GET /a<b> HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    status, body = raw_exchange(server.port, request)
    assert status == 400
    assert json.loads(body)["error"] == "invalid_request"


def test_request_signed_by_rust_cli(serve: Serve, tmp_path: Path, key: reqsig.Ed25519PrivateKey) -> None:
    binary = cli_binary()
    (tmp_path / "client.pem").write_text(key.to_pem())
    body = b'{"order":{"item":"coffee","quantity":2}}'
    message = (
        b"POST /orders?customer=42 HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body
    )
    (tmp_path / "order.http").write_bytes(message)
    signed = subprocess.run(
        [str(binary), "sign", "--key", str(tmp_path / "client.pem"), "--keyid", "k1", str(tmp_path / "order.http")],
        check=True, capture_output=True,
    ).stdout
    assert b"\r\nSignature: sig1=:" in signed

    # The server is reached at 127.0.0.1 but clients sign its public name.
    server = serve(one_key_gate(key, authority="api.example.com"))
    status, response = raw_exchange(server.port, signed)
    assert status == 200, response
    assert json.loads(response)["client_id"] == "orders"
