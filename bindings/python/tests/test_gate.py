"""``Gate`` and its key sources and replay stores, called directly: results,
counters, and arguments of the wrong type or value.
"""

from __future__ import annotations

import datetime
import logging
from pathlib import Path
from typing import Any, List, Tuple

import pytest

import reqsig

URL = "https://api.example.com/orders/7?page=2"
TARGET = "/orders/7?page=2"
BODY = b'{"item": 42}'
HOST = [("Host", "api.example.com")]


@pytest.fixture()
def key() -> reqsig.Ed25519PrivateKey:
    return reqsig.Ed25519PrivateKey.generate()


@pytest.fixture()
def record(key: reqsig.Ed25519PrivateKey) -> reqsig.KeyRecord:
    return reqsig.KeyRecord("k1", "orders", key.public_key())


@pytest.fixture()
def gate(record: reqsig.KeyRecord) -> reqsig.Gate:
    return reqsig.Gate(reqsig.MemoryRegistry([record]))


def signed(key: reqsig.Ed25519PrivateKey, method: str = "POST", body: bytes | None = BODY) -> List[Tuple[str, str]]:
    headers = [*HOST, ("Content-Type", "application/json")]
    if body:
        headers.append(("Content-Length", str(len(body))))
    return [*headers, *reqsig.Signer(key, key_id="k1").sign(method, URL, headers, body).items()]


def test_check_then_complete(gate: reqsig.Gate, key: reqsig.Ed25519PrivateKey) -> None:
    pending = gate.check("POST", TARGET, signed(key), "127.0.0.1")
    assert isinstance(pending, reqsig.Pending)
    assert pending.needs_body
    assert pending.identity.client_id == "orders"
    identity = gate.complete(pending, BODY)
    assert isinstance(identity, reqsig.Identity)
    assert identity == pending.identity
    assert identity.key_id == "k1"
    assert identity.algorithm == "ed25519"
    assert identity.components == ("@method", "@authority", "@path", "@query", "content-digest", "content-type")
    assert identity.created is not None
    assert "client_id='orders'" in repr(identity)
    with pytest.raises(ValueError, match="argument 'pending': this verification was completed already"):
        gate.complete(pending, BODY)
    usage = gate.usage()
    assert usage.keys["k1"].accepted == 1
    assert usage.keys["k1"].last_used is not None
    assert 'reqsig_requests_accepted_total{key_id="k1"} 1' in usage.to_prometheus()


def test_complete_with_other_body(gate: reqsig.Gate, key: reqsig.Ed25519PrivateKey) -> None:
    pending = gate.check("POST", TARGET, signed(key))
    assert isinstance(pending, reqsig.Pending)
    rejection = gate.complete(pending, bytearray(b'{"item": 43}'))
    assert isinstance(rejection, reqsig.Rejection)
    assert rejection.status == 401
    assert rejection.code == "digest_mismatch"
    assert rejection.key_id == "k1"
    assert ("www-authenticate", 'Signature realm="reqsig"') in rejection.headers

    pending = gate.check("POST", TARGET, signed(key))
    assert isinstance(pending, reqsig.Pending)
    missing = gate.complete(pending)
    assert isinstance(missing, reqsig.Rejection)
    assert missing.code == "malformed_digest"


def test_body_too_large(gate: reqsig.Gate, key: reqsig.Ed25519PrivateKey) -> None:
    pending = gate.check("POST", TARGET, signed(key))
    assert isinstance(pending, reqsig.Pending)
    rejection = gate.body_too_large(pending)
    assert rejection.status == 413
    assert rejection.code == "body_too_large"
    assert rejection.body == (
        b'{"error":"body_too_large","detail":"the body exceeds 1048576 bytes, '
        b'the most the server buffers to check its Content-Digest"}'
    )
    with pytest.raises(ValueError, match="completed already"):
        gate.complete(pending, BODY)


def test_rejection_fields(gate: reqsig.Gate, key: reqsig.Ed25519PrivateKey) -> None:
    unsigned = gate.check("GET", TARGET, HOST)
    assert isinstance(unsigned, reqsig.Rejection)
    assert unsigned.status == 401
    assert unsigned.code == unsigned.reason_code == "missing_signature"
    assert unsigned.key_id is None
    assert unsigned.retry_after is None
    assert dict(unsigned.headers)["accept-signature"] == 'sig1=("@method" "@authority" "@path" "@query");created;nonce'
    assert gate.usage().unattributed == {"missing_signature": 1}

    wrong_key = reqsig.Ed25519PrivateKey.generate()
    bad = gate.check("POST", TARGET, signed(wrong_key))
    assert isinstance(bad, reqsig.Rejection)
    assert bad.code == "invalid_signature"
    assert bad.reason_code == "invalid_signature"
    assert bad.detail == "the signature could not be verified"
    assert "<Rejection status=401" in repr(bad)


def test_public_routes_return_none(key: reqsig.Ed25519PrivateKey, record: reqsig.KeyRecord) -> None:
    gate = reqsig.Gate(reqsig.MemoryRegistry([record]), public_routes=[{"methods": ["GET"], "paths": ["/health/**"]}])
    assert gate.check("GET", "/health/live", HOST) is None
    assert isinstance(gate.check("POST", "/health/live", HOST), reqsig.Rejection)


def test_gate_options(record: reqsig.KeyRecord, key: reqsig.Ed25519PrivateKey) -> None:
    gate = reqsig.Gate(
        reqsig.MemoryRegistry([record]),
        replay_store=reqsig.MemoryReplayStore(10),
        policy=reqsig.Policy.server(max_body_bytes=10, max_age=60),
        tag_policies={"batch": reqsig.Policy.server(max_age=3600)},
        scheme="http",
        authority="api.example.com",
        per_source_limit={"requests": 1, "per_seconds": 60},
        max_concurrent_verifications=4,
        allow_rfc9421_test_keys=False,
        dangerous_expose_rejection_reasons=False,
    )
    assert gate.max_body_bytes == 10
    assert gate.policy.max_age == 60
    assert gate.scheme == "http"
    assert gate.authority == "api.example.com"
    assert "authority='api.example.com'" in repr(gate)
    assert isinstance(gate.check("GET", TARGET, HOST, "192.0.2.1"), reqsig.Rejection)
    limited = gate.check("GET", TARGET, HOST, "192.0.2.1")
    assert isinstance(limited, reqsig.Rejection)
    assert (limited.status, limited.code) == (429, "rate_limited")
    assert limited.retry_after is not None and limited.retry_after >= 1
    assert dict(limited.headers)["retry-after"] == str(limited.retry_after)


def test_replay_store_capacity(record: reqsig.KeyRecord, key: reqsig.Ed25519PrivateKey) -> None:
    store = reqsig.MemoryReplayStore(1)
    gate = reqsig.Gate(reqsig.MemoryRegistry([record]), replay_store=store)
    assert store.capacity == 1
    assert isinstance(gate.check("GET", TARGET, signed(key, "GET", None)), reqsig.Pending)
    assert len(store) == 1
    full = gate.check("GET", TARGET, signed(key, "GET", None))
    assert isinstance(full, reqsig.Rejection)
    assert (full.status, full.code) == (503, "replay_store_unavailable")


def test_key_record_fields(key: reqsig.Ed25519PrivateKey) -> None:
    start = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.timezone.utc)
    record = reqsig.KeyRecord(
        "k1", "orders", key.public_key(),
        scopes=[{"methods": ["GET", "POST"], "paths": ["/orders/**"]}, {"paths": ["/health"]}],
        source_cidrs=["10.20.0.0/16", "192.0.2.7"],
        rate_limit={"requests": 100, "per_seconds": 60},
        not_before=start,
        not_after=1_800_000_000,
        status="active",
    )

    assert record.key_id == "k1"
    assert record.client_id == "orders"
    assert record.algorithm == "ed25519"
    assert record.public_key == key.public_key()
    assert record.scopes == [
        {"methods": ["GET", "POST"], "paths": ["/orders/**"]},
        {"methods": [], "paths": ["/health"]},
    ]
    assert record.source_cidrs == ["10.20.0.0/16", "192.0.2.7/32"]
    assert record.rate_limit == {"requests": 100, "per_seconds": 60, "burst": 100}
    assert record.not_before == 1_767_603_600
    assert record.not_after == 1_800_000_000
    assert record.status == "active"

    revoked = record.replace(status="revoked", scopes=None)
    assert revoked.status == "revoked"
    assert revoked.scopes == []
    assert record.status == "active", "replace returns a copy"
    assert repr(revoked) == "<KeyRecord key_id='k1' client_id='orders' algorithm='ed25519' status='revoked'>"

    hmac = reqsig.KeyRecord("shared", "legacy", reqsig.HmacKey.generate())
    assert hmac.algorithm == "hmac-sha256"
    assert hmac.public_key is None


def test_memory_registry(key: reqsig.Ed25519PrivateKey, record: reqsig.KeyRecord) -> None:
    registry = reqsig.MemoryRegistry()
    assert len(registry) == 0
    registry.add(record)
    registry.add(record.replace(key_id="k0"))
    assert "k1" in registry
    assert 5 not in registry
    assert [r.key_id for r in registry.records()] == ["k0", "k1"]
    found = registry.get("k1")
    assert found is not None and found.client_id == "orders"
    assert registry.remove("k1")
    assert not registry.remove("k1")
    assert registry.get("k1") is None
    assert repr(registry) == "<MemoryRegistry with 1 keys>"


def write_registry(path: Path, key: reqsig.Ed25519PrivateKey, extra: str = "") -> None:
    path.write_text(
        "version = 1\n\n[[keys]]\n"
        'key_id = "k1"\nclient_id = "orders"\nalgorithm = "ed25519"\n'
        f'public_key = """\n{key.public_key().to_pem()}"""\n'
        'source_cidrs = ["127.0.0.0/8"]\n'
        "rate_limit = { requests = 10, per_seconds = 1, burst = 5 }\n"
        f"{extra}"
        '[[keys.scopes]]\nmethods = ["GET"]\npaths = ["/orders/**"]\n'
    )


def test_registry_file(tmp_path: Path, key: reqsig.Ed25519PrivateKey, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "registry.toml"
    write_registry(path, key)
    registry = reqsig.RegistryFile(path, check_interval=60)
    assert registry.path == str(path)
    assert registry.check_interval == 60.0
    assert len(registry) == 1
    record = registry.get("k1")
    assert record is not None
    assert record.rate_limit == {"requests": 10, "per_seconds": 1, "burst": 5}
    assert record.scopes == [{"methods": ["GET"], "paths": ["/orders/**"]}]
    assert registry.get("k2") is None
    assert not registry.reload()

    write_registry(path, key, 'status = "revoked"\n')
    assert registry.reload()
    revoked = registry.get("k1")
    assert revoked is not None and revoked.status == "revoked"

    path.write_text("version = 2\n")
    with caplog.at_level(logging.ERROR, logger="reqsig.gate"):
        with pytest.raises(reqsig.RegistryError, match="version 2 is not supported") as raised:
            registry.reload()
    assert raised.value.code == "registry_error"
    assert str(path) in str(raised.value)
    assert len(registry.records()) == 1, "the last good registry stays in force"
    assert any("keeping the last good registry" in entry.getMessage() for entry in caplog.records)
    assert any(getattr(entry, "reqsig", {}).get("error") for entry in caplog.records)


def test_registry_file_errors(tmp_path: Path, key: reqsig.Ed25519PrivateKey) -> None:
    with pytest.raises(reqsig.RegistryError, match="missing.toml"):
        reqsig.RegistryFile(tmp_path / "missing.toml")
    path = tmp_path / "registry.toml"
    write_registry(path, key, 'not_afterr = 1\n')
    with pytest.raises(reqsig.RegistryError, match="not_afterr"):
        reqsig.RegistryFile(str(path))


def test_redis_store_arguments() -> None:
    store = reqsig.RedisReplayStore("redis://127.0.0.1:1/", prefix="app:")
    assert store.prefix == "app:"
    assert repr(store) == "<RedisReplayStore prefix='app:'>"
    assert reqsig.RedisReplayStore("redis://127.0.0.1:1/").prefix == "reqsig:nonce:"
    with pytest.raises(ValueError, match="argument 'url'") as raised:
        reqsig.RedisReplayStore("http://user:hunter2@example.invalid/")
    assert "hunter2" not in str(raised.value)
    assert '"http://user:***@example.invalid/"' in str(raised.value)


def test_redis_store_bad_url_message() -> None:
    with pytest.raises(ValueError) as raised:
        reqsig.RedisReplayStore("not a url")
    message = str(raised.value)
    assert message.startswith('argument \'url\': invalid Redis URL "not a url" (it has no scheme): '), message
    assert "expected redis://HOST:PORT/DB, such as redis://127.0.0.1:6379/0" in message, message
    assert "InvalidClientConfig" not in message, message
    assert "replay store is unavailable" not in message, message
    with pytest.raises(ValueError, match="TLS URLs are not supported"):
        reqsig.RedisReplayStore("rediss://127.0.0.1:6379/0")


def test_response_signer(key: reqsig.Ed25519PrivateKey) -> None:
    server_key = reqsig.Ed25519PrivateKey.generate()
    signer = reqsig.ResponseSigner(server_key, "server-1")
    assert signer.key_id == "server-1"
    assert signer.algorithm == "ed25519"
    request_headers = signed(key)
    signature = signer.sign(
        201, [("Content-Type", "text/plain")], b"created", request=("POST", TARGET, request_headers),
        request_label="sig1",
    )
    assert signature.content_digest == reqsig.content_digest(b"created")
    assert 'tag="reqsig-response"' in signature.signature_input
    verifier = reqsig.Verifier({"server-1": server_key.public_key()}, policy=reqsig.Policy())
    verified = verifier.verify_response(
        201, [("Content-Type", "text/plain"), *signature.items()], b"created",
        request=("POST", URL, request_headers),
    )
    assert verified.tag == "reqsig-response"
    with pytest.raises(reqsig.SigningError):
        signer.sign(200, [], b"", request=("POST", TARGET, request_headers), request_label="other")


def test_interpreter_released_during_check(key: reqsig.Ed25519PrivateKey, record: reqsig.KeyRecord) -> None:
    from test_threads import body_taking_at_least, longest_pause_while

    body = body_taking_at_least(0.1)
    gate = reqsig.Gate(reqsig.MemoryRegistry([record]), policy=reqsig.Policy.server(max_body_bytes=len(body)))
    headers = signed(key, "PUT", body)

    def check_and_complete() -> None:
        pending = gate.check("PUT", TARGET, headers)
        assert isinstance(pending, reqsig.Pending)
        assert isinstance(gate.complete(pending, body), reqsig.Identity)

    duration, longest = longest_pause_while(check_and_complete)
    assert duration >= 0.05, "the body is too small to measure"
    assert longest < duration / 2, f"this thread paused {longest:.3f} s of {duration:.3f} s"


BAD_GATE_ARGUMENTS: List[Tuple[dict[str, Any], type[Exception], str]] = [
    ({"replay_store": 5}, TypeError, "argument 'replay_store'"),
    ({"policy": {}}, TypeError, "argument 'policy'"),
    ({"tag_policies": {"t": 1}}, TypeError, "argument 'tag_policies\\[\"t\"\\]'"),
    ({"public_routes": "/health"}, TypeError, "argument 'public_routes'"),
    ({"public_routes": [{"paths": "/health"}]}, TypeError, "argument 'public_routes\\[0\\]\\['paths'\\]'"),
    ({"public_routes": [{"path": ["/health"]}]}, ValueError, 'unknown key "path"'),
    ({"public_routes": [{"methods": ["GET"]}]}, ValueError, "'paths' is missing"),
    ({"public_routes": [{"paths": ["health"]}]}, ValueError, "must start with '/'"),
    ({"scheme": "ftp"}, ValueError, "argument 'scheme'"),
    ({"authority": 5}, TypeError, "argument 'authority'"),
    ({"per_source_limit": {"requests": 0, "per_seconds": 1}}, ValueError, "argument 'per_source_limit'"),
    ({"max_concurrent_verifications": 0}, ValueError, "argument 'max_concurrent_verifications'"),
    ({"allow_rfc9421_test_keys": 1}, TypeError, "argument 'allow_rfc9421_test_keys'"),
    ({"dangerous_expose_rejection_reasons": "yes"}, TypeError, "argument 'dangerous_expose_rejection_reasons'"),
]


@pytest.mark.parametrize(("options", "error", "message"), BAD_GATE_ARGUMENTS)
def test_gate_bad_arguments(record: reqsig.KeyRecord, options: dict[str, Any], error: type[Exception],
                            message: str) -> None:
    with pytest.raises(error, match=message):
        reqsig.Gate(reqsig.MemoryRegistry([record]), **options)


def test_gate_bad_keys() -> None:
    with pytest.raises(TypeError, match="argument 'keys': expected RegistryFile or MemoryRegistry, got dict"):
        reqsig.Gate({})  # type: ignore[arg-type]


def test_check_bad_arguments(gate: reqsig.Gate) -> None:
    with pytest.raises(TypeError, match="argument 'method': expected str, got int"):
        gate.check(1, "/", HOST)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argument 'target'"):
        gate.check("GET", b"/", HOST)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argument 'headers'"):
        gate.check("GET", "/", "Host: x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argument 'headers': expected a mapping or an iterable of"):
        gate.check("GET", "/", None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="argument 'method'"):
        gate.check("G ET", "/", HOST)
    with pytest.raises(ValueError, match="argument 'target'"):
        gate.check("GET", "/a b", HOST)
    with pytest.raises(ValueError, match="argument 'headers': \"bad name\" is not a valid header name"):
        gate.check("GET", "/", [("bad name", "x")])
    with pytest.raises(ValueError, match="argument 'headers'"):
        gate.check("GET", "/", [("x-a", "line\nbreak")])
    with pytest.raises(ValueError, match='argument .peer.: "example.com" is not an IP address'):
        gate.check("GET", "/", HOST, "example.com")
    with pytest.raises(TypeError, match="argument 'peer'"):
        gate.check("GET", "/", HOST, 127)  # type: ignore[arg-type]
    assert isinstance(gate.check("GET", "/", HOST, "fe80::1%eth0"), reqsig.Rejection)


def test_complete_bad_arguments(gate: reqsig.Gate, key: reqsig.Ed25519PrivateKey) -> None:
    with pytest.raises(TypeError, match="argument 'pending': expected Pending, got str"):
        gate.complete("pending")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="argument 'pending'"):
        gate.body_too_large(None)  # type: ignore[arg-type]
    pending = gate.check("POST", TARGET, signed(key))
    assert isinstance(pending, reqsig.Pending)
    with pytest.raises(TypeError, match="argument 'body'"):
        gate.complete(pending, "text")  # type: ignore[arg-type]
    assert isinstance(gate.complete(pending, memoryview(BODY)), reqsig.Identity)


def test_key_record_bad_arguments(key: reqsig.Ed25519PrivateKey) -> None:
    public = key.public_key()
    # Typed as Any, so that the wrong types below reach the runtime checks.
    untyped: Any = reqsig
    cases: List[Tuple[Any, type[Exception], str]] = [
        (lambda: untyped.KeyRecord(1, "c", public), TypeError, "argument 'key_id'"),
        (lambda: untyped.KeyRecord("", "c", public), ValueError, "argument 'key_id': is empty"),
        (lambda: untyped.KeyRecord("k", None, public), TypeError, "argument 'client_id'"),
        (lambda: untyped.KeyRecord("k", "c", "PEM"), TypeError, "argument 'key'"),
        (lambda: untyped.KeyRecord("k", "c", key), TypeError, "pass key.public_key\\(\\)"),
        (lambda: untyped.KeyRecord("k", "c", public, scopes=[{"paths": ["/a/**/b"]}]), ValueError,
         "argument 'scopes\\[0\\]'"),
        (lambda: untyped.KeyRecord("k", "c", public, scopes=[{"methods": ["G ET"], "paths": ["/"]}]), ValueError,
         "not a valid HTTP method"),
        (lambda: untyped.KeyRecord("k", "c", public, scopes=["/orders"]), TypeError, "argument 'scopes\\[0\\]'"),
        (lambda: untyped.KeyRecord("k", "c", public, source_cidrs="10.0.0.0/8"), TypeError,
         "argument 'source_cidrs'"),
        (lambda: untyped.KeyRecord("k", "c", public, source_cidrs=["10.0.0.0/33"]), ValueError,
         "argument 'source_cidrs'"),
        (lambda: untyped.KeyRecord("k", "c", public, rate_limit={"requests": 1}), ValueError,
         "'requests' and 'per_seconds' are both required"),
        (lambda: untyped.KeyRecord("k", "c", public, rate_limit={"requests": 1, "per_seconds": 0}), ValueError,
         "argument 'rate_limit'"),
        (lambda: untyped.KeyRecord("k", "c", public, rate_limit={"requests": "1", "per_seconds": 1}), TypeError,
         "argument 'rate_limit\\['requests'\\]'"),
        (lambda: untyped.KeyRecord("k", "c", public, rate_limit={"requests": 1, "per_seconds": 1, "burst": 2**40}),
         ValueError, "too large"),
        (lambda: untyped.KeyRecord("k", "c", public, rate_limit=[1, 60]), TypeError, "argument 'rate_limit'"),
        (lambda: untyped.KeyRecord("k", "c", public, not_after=datetime.datetime(2026, 1, 1)), ValueError,
         "argument 'not_after': the datetime has no time zone"),
        (lambda: untyped.KeyRecord("k", "c", public, not_before="2026-01-01"), TypeError, "argument 'not_before'"),
        (lambda: untyped.KeyRecord("k", "c", public, not_before=-1), ValueError, "argument 'not_before'"),
        (lambda: untyped.KeyRecord("k", "c", public, status="disabled"), ValueError, "argument 'status'"),
        (lambda: untyped.KeyRecord("k", "c", public).replace(owner="x"), TypeError,
         "unexpected keyword argument 'owner'"),
        (lambda: untyped.MemoryRegistry([1]), TypeError, "argument 'records\\[0\\]': expected KeyRecord"),
        (lambda: untyped.MemoryRegistry(5), TypeError, "argument 'records'"),
        (lambda: untyped.MemoryRegistry().add(public), TypeError, "argument 'record'"),
        (lambda: untyped.MemoryRegistry().get(1), TypeError, "argument 'key_id'"),
        (lambda: untyped.RegistryFile(5), TypeError, "argument 'path'"),
        (lambda: untyped.RegistryFile(b"/tmp/x"), TypeError, "argument 'path'"),
        (lambda: untyped.RegistryFile("x.toml", check_interval=-1), ValueError, "argument 'check_interval'"),
        (lambda: untyped.RegistryFile("x.toml", check_interval="1"), TypeError, "argument 'check_interval'"),
        (lambda: untyped.MemoryReplayStore("10"), TypeError, "argument 'capacity'"),
        (lambda: untyped.MemoryReplayStore(0), ValueError, "argument 'capacity'"),
        (lambda: untyped.RedisReplayStore(None), TypeError, "argument 'url'"),
        (lambda: untyped.RedisReplayStore("redis://h/", prefix=1), TypeError, "argument 'prefix'"),
        (lambda: untyped.ResponseSigner(public, "s"), TypeError, "argument 'key'"),
        (lambda: untyped.ResponseSigner(key, 1), TypeError, "argument 'key_id'"),
        (lambda: untyped.ResponseSigner(key, "s").sign(200, [], request=("GET", "/"), request_label="sig1"),
         TypeError, "argument 'request'"),
        (lambda: untyped.ResponseSigner(key, "s").sign(2000, [], request=("GET", "/", []), request_label="sig1"),
         ValueError, "argument 'status'"),
        (lambda: untyped.ResponseSigner(key, "s").sign(200, [], request=("GET", 5, []), request_label="sig1"),
         TypeError, "argument 'request.target'"),
    ]
    for make, error, message in cases:
        with pytest.raises(error, match=message):
            make()

