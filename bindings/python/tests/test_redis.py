"""The Redis replay store shared by two application instances, and a store
that never responds.

The fixture starts ``redis-server`` on a free loopback port and stops it at
the end of the module. ``scripts/test.sh`` installs the Debian package.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Iterator, List, Optional

import httpx
import pytest
from gate_support import RedisServer, Running, http_client, signed_headers, start_app, start_redis

import reqsig

# Both instances serve one public name, as behind a load balancer, so a
# request signed for one verifies at the other.
AUTHORITY = "api.example.com"
URL = f"https://{AUTHORITY}/orders?page=1"


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisServer]:
    server = start_redis()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def key() -> reqsig.Ed25519PrivateKey:
    return reqsig.Ed25519PrivateKey.generate()


def gate(key: reqsig.Ed25519PrivateKey, store: reqsig.MemoryReplayStore | reqsig.RedisReplayStore) -> reqsig.Gate:
    registry = reqsig.MemoryRegistry([reqsig.KeyRecord("k1", "orders", key.public_key())])
    return reqsig.Gate(registry, replay_store=store, authority=AUTHORITY)


def send(client: httpx.Client, server: Running, headers: List[tuple[str, str]]) -> httpx.Response:
    return client.get(f"{server.url}/orders?page=1", headers=headers)


def test_replay_to_other_instance_rejected(redis: RedisServer, key: reqsig.Ed25519PrivateKey) -> None:
    prefix = f"test:{time.monotonic_ns()}:"
    first = start_app("asgi", gate(key, reqsig.RedisReplayStore(redis.url, prefix=prefix)))
    second = start_app("wsgi", gate(key, reqsig.RedisReplayStore(redis.url, prefix=prefix)))
    signer = reqsig.Signer(key, key_id="k1")
    try:
        with http_client() as client:
            headers = signed_headers(signer, "GET", URL)
            accepted = send(client, first, headers)
            assert accepted.status_code == 200, accepted.text
            replayed = send(client, second, headers)
            assert replayed.status_code == 401
            assert replayed.json()["error"] == "replayed_nonce"

            fresh = send(client, second, signed_headers(signer, "GET", URL))
            assert fresh.status_code == 200, fresh.text
            assert first.gate.usage().keys["k1"].accepted == 1
            assert second.gate.usage().keys["k1"].rejected == {"replayed_nonce": 1}
    finally:
        first.stop()
        second.stop()


def test_memory_stores_are_per_instance(key: reqsig.Ed25519PrivateKey) -> None:
    # Why several processes need Redis: each in-memory store contains only its own nonces.
    first = start_app("asgi", gate(key, reqsig.MemoryReplayStore(100)))
    second = start_app("asgi", gate(key, reqsig.MemoryReplayStore(100)))
    try:
        with http_client() as client:
            headers = signed_headers(reqsig.Signer(key, key_id="k1"), "GET", URL)
            assert send(client, first, headers).status_code == 200
            assert send(client, second, headers).status_code == 200
            assert send(client, second, headers).status_code == 401
    finally:
        first.stop()
        second.stop()


def test_silent_store_fails_closed_without_blocking(key: reqsig.Ed25519PrivateKey) -> None:
    # A listener that never responds, so Redis commands time out after about a second.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        store = reqsig.RedisReplayStore(f"redis://127.0.0.1:{silent.getsockname()[1]}/")
        registry = reqsig.MemoryRegistry([reqsig.KeyRecord("k1", "orders", key.public_key())])
        server_gate = reqsig.Gate(
            registry, replay_store=store, authority=AUTHORITY, public_routes=[{"paths": ["/health"]}]
        )
        server = start_app("asgi", server_gate)
        try:
            outcome: List[Optional[httpx.Response]] = [None]

            def signed_request() -> None:
                with http_client() as client:
                    outcome[0] = send(client, server, signed_headers(reqsig.Signer(key, key_id="k1"), "GET", URL))

            waiting = threading.Thread(target=signed_request)
            started = time.monotonic()
            waiting.start()
            time.sleep(0.2)
            with http_client() as client:
                began = time.monotonic()
                assert client.get(f"{server.url}/health").status_code == 200
                public_took = time.monotonic() - began
            waiting.join(timeout=30)
            signed_took = time.monotonic() - started

            response = outcome[0]
            assert response is not None
            assert response.status_code == 503
            assert response.json()["error"] == "replay_store_unavailable"
            assert response.headers["retry-after"] == "1"
            assert signed_took >= 0.5, "the store should have been waited for"
            assert public_took < signed_took / 2, (
                f"the public request took {public_took:.2f} s while the gate waited {signed_took:.2f} s for Redis"
            )
        finally:
            server.stop()
