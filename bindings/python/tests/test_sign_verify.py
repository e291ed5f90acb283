"""Signing and verifying round trips, checked against an independent implementation.

The independent checks rebuild the signature base (RFC 9421 section 2.5) and
the Content-Digest (RFC 9530) in plain Python, with hashlib, hmac, and the
cryptography package for Ed25519. So a bug shared by the Rust signer and
verifier would still fail here.

The ``reqsig`` command line (``target/debug/reqsig``, built by the workspace
build) signs a request that the bindings verify, and verifies one that the
bindings signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any, Dict, List, Tuple

import httpx
import pytest
import requests.structures

import reqsig
from gate_support import cli_binary

NOW = 1_700_000_000
URL = "https://api.example.com/items?id=7"
BODY = b'{"n": 1}'
JSON = [("Content-Type", "application/json")]
Headers = List[Tuple[str, str]]


@pytest.fixture()
def key() -> reqsig.Ed25519PrivateKey:
    return reqsig.Ed25519PrivateKey.generate()


def with_signature(headers: Headers, signed: reqsig.SignatureHeaders) -> Headers:
    return [*headers, *signed.items()]


def test_verified_repr_lists_components(key: reqsig.Ed25519PrivateKey) -> None:
    verifier = reqsig.Verifier({"k1": key.public_key()}, now=NOW)
    signed = reqsig.Signer(key, key_id="k1", now=NOW, nonce="n1").sign("POST", URL, JSON, BODY)
    verified = verifier.verify("POST", URL, with_signature(JSON, signed), BODY)
    assert repr(verified) == (
        "Verified(label='sig1', key_id='k1', algorithm='ed25519', "
        "components=('@method', '@authority', '@path', '@query', 'content-digest', 'content-type'), "
        f"created={NOW}, nonce='n1')"
    )
    assert repr(verified.components) in repr(verified)

    single = reqsig.Signer(key, key_id="k1", now=NOW, nonce="n1", components=["@method"]).sign("GET", URL)
    verifier = reqsig.Verifier({"k1": key.public_key()}, now=NOW, required_components=[])
    verified = verifier.verify("GET", URL, list(single.items()))
    assert "components=('@method',)," in repr(verified), "a tuple of one keeps its comma, as in Python"
    assert repr(verified.components) in repr(verified)


def test_default_components_with_body(key: reqsig.Ed25519PrivateKey) -> None:
    signer = reqsig.Signer(key)
    signed = signer.sign("POST", URL, JSON, BODY)
    verified = reqsig.Verifier({key.thumbprint: key.public_key()}).verify(
        "POST", URL, with_signature(JSON, signed), BODY
    )
    assert verified.components == ("@method", "@authority", "@path", "@query", "content-digest", "content-type")
    assert verified.key_id == key.thumbprint
    assert verified.label == "sig1"
    assert verified.algorithm == "ed25519"
    assert verified.digest_checked
    assert verified.created is not None
    assert abs(verified.created - time.time()) < 60
    assert verified.nonce is not None
    assert len(verified.nonce) == 22
    assert verified.expires is None
    assert verified.tag is None
    assert verified.alg is None
    assert signed.content_digest == reqsig.content_digest(BODY)
    assert list(signed) == ["Content-Digest", "Signature-Input", "Signature"]


def test_default_components_without_body(key: reqsig.Ed25519PrivateKey) -> None:
    signer = reqsig.Signer(key, key_id="client-1", now=NOW)
    signed = signer.sign("GET", URL)
    assert signed.content_digest is None
    assert list(signed) == ["Signature-Input", "Signature"]
    verified = reqsig.Verifier({"client-1": key.public_key()}, now=NOW).verify("GET", URL, signed)
    assert verified.components == ("@method", "@authority", "@path", "@query")
    assert not verified.digest_checked


def test_each_signature_has_a_fresh_nonce(key: reqsig.Ed25519PrivateKey) -> None:
    signer = reqsig.Signer(key, key_id="client-1")
    verifier = reqsig.Verifier({"client-1": key.public_key()})
    nonces = {verifier.verify("GET", URL, signer.sign("GET", URL)).nonce for _ in range(20)}
    assert len(nonces) == 20


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the platform has no fork")
def test_forked_child_has_fresh_nonces(key: reqsig.Ed25519PrivateKey) -> None:
    signer = reqsig.Signer(key, key_id="client-1")
    verifier = reqsig.Verifier({"client-1": key.public_key()})

    def nonces(count: int) -> List[str]:
        return [str(verifier.verify("GET", URL, signer.sign("GET", URL)).nonce) for _ in range(count)]

    # The parent's buffer of random bytes is filled before the fork, so a
    # child that kept using it would repeat the parent's next nonces.
    nonces(1)
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.write(write_end, " ".join(nonces(5)).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        from_child = pipe.read().decode().split()
    os.waitpid(child, 0)
    from_parent = nonces(5)
    assert len(from_child) == 5
    assert not set(from_child) & set(from_parent)


def test_parameters_and_selection(key: reqsig.Ed25519PrivateKey) -> None:
    signer = reqsig.Signer(
        key, key_id="client-1", label="app", tag="orders", expires_in=60, nonce="fixed-nonce",
        alg_parameter=True, now=NOW,
    )
    assert signer.label == "app"
    assert signer.key_id == "client-1"
    assert signer.algorithm == "ed25519"
    headers = with_signature(JSON, signer.sign("POST", URL, JSON, BODY))
    for verifier in (
        reqsig.Verifier({"client-1": key.public_key()}, now=NOW, label="app"),
        reqsig.Verifier({"client-1": key.public_key()}, now=NOW, tag="orders"),
        reqsig.Verifier({"client-1": key.public_key()}, now=NOW, require_expires=True),
    ):
        verified = verifier.verify("POST", URL, headers, BODY)
        assert verified.label == "app"
        assert verified.tag == "orders"
        assert verified.expires == NOW + 60
        assert verified.nonce == "fixed-nonce"
        assert verified.alg == "ed25519"
        assert verified.signature_params.endswith(
            f';created={NOW};expires={NOW + 60};keyid="client-1";nonce="fixed-nonce";alg="ed25519";tag="orders"'
        )


def test_hmac_and_ecdsa_round_trips() -> None:
    for key, key_id in (
        (reqsig.HmacKey.generate(), "shared"),
        (reqsig.PrivateKey.generate("ecdsa-p256-sha256"), "p256"),
        (reqsig.PrivateKey.generate("ecdsa-p384-sha384"), "p384"),
    ):
        public = key if isinstance(key, reqsig.HmacKey) else key.public_key()
        signed = reqsig.Signer(key, key_id=key_id).sign("PUT", URL, JSON, BODY)
        verified = reqsig.Verifier({key_id: public}).verify("PUT", URL, with_signature(JSON, signed), BODY)
        assert verified.algorithm == key.algorithm


def test_key_resolver_callable(key: reqsig.Ed25519PrivateKey) -> None:
    looked_up: List[str] = []

    def resolve(key_id: str) -> reqsig.PublicKey | None:
        looked_up.append(key_id)
        return key.public_key() if key_id == "client-1" else None

    signed = reqsig.Signer(key, key_id="client-1").sign("GET", URL)
    assert reqsig.Verifier(resolve).verify("GET", URL, signed).key_id == "client-1"
    assert looked_up == ["client-1"]


def test_header_forms(key: reqsig.Ed25519PrivateKey) -> None:
    signer = reqsig.Signer(
        key, key_id="client-1", components=["@method", "@authority", "@path", "@query", "x-tag"], now=NOW
    )
    verifier = reqsig.Verifier({"client-1": key.public_key()}, now=NOW)
    repeated = [("X-Tag", "a"), ("x-tag", "b")]
    signed = signer.sign("GET", URL, repeated)
    assert '"x-tag": a, b' in signed.base
    # A recipient may combine repeated lines into one (RFC 9110 section 5.3).
    for headers in (
        [*repeated, *signed.items()],
        {"X-Tag": "a, b", **signed},
        [(b"X-Tag", b"a, b"), *[(n.encode(), v.encode()) for n, v in signed.items()]],
        requests.structures.CaseInsensitiveDict({"x-tag": "a, b", **signed}),
        httpx.Headers([*repeated, *signed.items()]),
    ):
        assert verifier.verify("GET", URL, headers).components[-1] == "x-tag"


def test_origin_form_and_host(key: reqsig.Ed25519PrivateKey) -> None:
    signer = reqsig.Signer(key, key_id="client-1", now=NOW)
    verifier = reqsig.Verifier({"client-1": key.public_key()}, now=NOW)
    signed = signer.sign("GET", "https://API.example.com:443/items?id=7")
    assert '"@authority": api.example.com\n' in signed.base
    origin_form = [("Host", "api.example.com"), *signed.items()]
    assert verifier.verify("GET", "/items?id=7", origin_form).key_id == "client-1"
    with_fragment = verifier.verify("GET", "https://api.example.com/items?id=7#top", signed)
    assert with_fragment.key_id == "client-1"
    with pytest.raises(reqsig.InvalidSignatureError):
        reqsig.Verifier({"client-1": key.public_key()}, now=NOW, scheme="http").verify(
            "GET", "/items?id=7", [("Host", "api.example.com:443"), *signed.items()]
        )


def test_verifier_behind_proxy(key: reqsig.Ed25519PrivateKey) -> None:
    signed = reqsig.Signer(key, key_id="client-1", now=NOW).sign("GET", URL)
    internal = [("Host", "app.internal:8080"), *signed.items()]
    plain = reqsig.Verifier({"client-1": key.public_key()}, now=NOW)
    with pytest.raises(reqsig.InvalidSignatureError):
        plain.verify("GET", "/items?id=7", internal)
    proxied = reqsig.Verifier(
        {"client-1": key.public_key()}, now=NOW, scheme="https", authority="api.example.com"
    )
    assert proxied.verify("GET", "/items?id=7", internal).key_id == "client-1"


def test_host_header_wins_over_url_when_signing(key: reqsig.Ed25519PrivateKey) -> None:
    signer = reqsig.Signer(key, key_id="client-1", now=NOW)
    signed = signer.sign("GET", "https://10.0.0.5/items?id=7", [("Host", "api.example.com")])
    assert '"@authority": api.example.com\n' in signed.base


def test_existing_content_digest_is_kept(key: reqsig.Ed25519PrivateKey) -> None:
    digest = reqsig.content_digest(BODY, "sha-512")
    headers = [*JSON, ("Content-Digest", digest)]
    signed = reqsig.Signer(key, key_id="client-1").sign("POST", URL, headers, BODY)
    assert signed.content_digest is None
    assert "Content-Digest" not in signed
    verified = reqsig.Verifier({"client-1": key.public_key()}).verify("POST", URL, with_signature(headers, signed), BODY)
    assert verified.digest_checked


def test_sha512_digest_and_query_param(key: reqsig.Ed25519PrivateKey) -> None:
    signer = reqsig.Signer(
        key, key_id="client-1", digest="sha-512",
        components=["@method", "@target-uri", '"@query-param";name="id"', "content-digest"],
    )
    assert signer.components == ("@method", "@target-uri", '"@query-param";name="id"', "content-digest")
    signed = signer.sign("POST", URL, None, BODY)
    assert signed["content-digest"].startswith("sha-512=:")
    verified = reqsig.Verifier({"client-1": key.public_key()}).verify("POST", URL, signed, BODY)
    assert verified.components[2] == '"@query-param";name="id"'


def test_response_round_trip(key: reqsig.Ed25519PrivateKey) -> None:
    request = ("POST", URL, JSON, BODY)
    signer = reqsig.Signer(
        key, key_id="server", components=["@status", "content-digest", '"@method";req', '"@path";req']
    )
    response_headers = [("Content-Type", "text/plain")]
    signed = signer.sign_response(201, response_headers, b"created", request=request)
    verifier = reqsig.Verifier({"server": key.public_key()})
    verified = verifier.verify_response(201, with_signature(response_headers, signed), b"created", request=request)
    assert verified.components == ("@status", "content-digest", '"@method";req', '"@path";req')
    with pytest.raises(reqsig.InvalidSignatureError):
        verifier.verify_response(201, with_signature(response_headers, signed), b"created", request=("GET", URL, JSON))
    default = reqsig.Signer(key, key_id="server").sign_response(204)
    assert verifier.verify_response(204, default).components == ("@status",)


def test_signature_headers_mapping(key: reqsig.Ed25519PrivateKey) -> None:
    from collections.abc import Mapping

    signed = reqsig.Signer(key, key_id="client-1").sign("POST", URL, JSON, BODY)
    assert isinstance(signed, Mapping)
    assert len(signed) == 3
    assert signed["signature"] == signed["Signature"] == signed.signature
    assert signed.get("Signature-Input") == signed.signature_input
    assert signed.get("X-Other") is None
    assert signed.get("X-Other", "none") == "none"
    assert "SIGNATURE-INPUT" in signed
    assert "Date" not in signed
    assert 5 not in signed  # type: ignore[comparison-overlap]
    assert dict(signed) == dict(signed.items())
    assert signed == dict(signed)
    assert signed.signature_input.startswith("sig1=(")
    assert signed.signature.startswith("sig1=:")
    with pytest.raises(KeyError):
        signed["Date"]
    target: Dict[str, str] = {}
    target.update(signed)
    assert list(target) == list(signed.keys())
    case_insensitive: requests.structures.CaseInsensitiveDict[str] = requests.structures.CaseInsensitiveDict()
    case_insensitive.update(signed)
    assert case_insensitive["signature"] == signed.signature
    assert repr(signed).startswith("SignatureHeaders({'Content-Digest': ")


def test_policy_constructors() -> None:
    default = reqsig.Policy()
    assert default == reqsig.Policy.default()
    assert default.require_created
    assert not default.require_nonce
    assert default.max_age == 300
    assert default.future_skew == 30
    server = reqsig.Policy.server()
    assert server.require_nonce
    assert server.nonce_retention == 330
    permissive = reqsig.Policy.permissive()
    assert permissive.max_age is None
    assert not permissive.require_created
    changed = server.replace(max_age=60, allowed_algorithms=["ed25519"], max_body_bytes=10)
    assert changed.max_age == 60
    assert changed.allowed_algorithms == ["ed25519"]
    assert changed.max_body_bytes == 10
    assert changed.require_nonce
    assert server.max_age == 300, "replace returns a copy"
    assert "max_age=60" in repr(changed)
    assert "max_body_bytes=10" in repr(changed)
    verifier = reqsig.Verifier({}, policy=permissive, max_age=5)
    assert verifier.policy.max_age == 5
    assert not verifier.policy.require_created
    assert reqsig.Verifier({}).policy == server


def test_required_components_policy(key: reqsig.Ed25519PrivateKey) -> None:
    signed = reqsig.Signer(key, key_id="client-1", components=["@method", "x-tenant"]).sign(
        "GET", URL, [("X-Tenant", "blue")]
    )
    headers = [("X-Tenant", "blue"), *signed.items()]
    with pytest.raises(reqsig.ComponentNotCoveredError):
        reqsig.Verifier({"client-1": key.public_key()}).verify("GET", URL, headers)
    only = reqsig.Verifier({"client-1": key.public_key()}, required_components=["x-tenant"])
    assert only.verify("GET", URL, headers).components == ("@method", "x-tenant")


def test_content_digest_functions() -> None:
    assert reqsig.content_digest(b'{"hello": "world"}\n') == "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:"
    value = reqsig.content_digest(bytearray(b"abc"), "sha-512")
    reqsig.verify_content_digest(value, memoryview(b"abc"))
    reqsig.verify_content_digest(value.encode(), b"abc")


def expected_base(method: str, authority: str, path: str, query: str, body: bytes, content_type: str,
                  params: str) -> str:
    """Build the RFC 9421 signature base of the default request components by hand."""
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    lines = [
        f'"@method": {method}',
        f'"@authority": {authority}',
        f'"@path": {path}',
        f'"@query": {query}',
        f'"content-digest": sha-256=:{digest}:',
        f'"content-type": {content_type}',
        f'"@signature-params": {params}',
    ]
    return "\n".join(lines)


def signature_bytes(signed: reqsig.SignatureHeaders) -> bytes:
    label, _, value = signed.signature.partition("=")
    assert label == "sig1"
    return base64.b64decode(value.strip(":"))


def test_hmac_signature_matches_independent_computation() -> None:
    secret = hashlib.sha256(b"independent check").digest()
    signed = reqsig.Signer(reqsig.HmacKey(secret), key_id="shared", now=NOW).sign(
        "POST", "https://Example.COM:443/a%20b/c?x=1&y=2", JSON, BODY
    )
    params = signed.signature_input.split("=", 1)[1]
    base = expected_base("POST", "example.com", "/a%20b/c", "?x=1&y=2", BODY, "application/json", params)
    assert params.startswith(
        '("@method" "@authority" "@path" "@query" "content-digest" "content-type");'
        f'created={NOW};keyid="shared";nonce="'
    )
    assert signed.base == base
    assert signature_bytes(signed) == hmac.new(secret, base.encode(), hashlib.sha256).digest()


def test_independent_hmac_signature_verifies() -> None:
    secret = hashlib.sha256(b"the other direction").digest()
    params = (
        '("@method" "@authority" "@path" "@query" "content-digest" "content-type");'
        f'created={NOW};keyid="shared";nonce="handmade-nonce-0001"'
    )
    base = expected_base("PATCH", "api.example.com", "/items", "?id=7", BODY, "application/json", params)
    tag = base64.b64encode(hmac.new(secret, base.encode(), hashlib.sha256).digest()).decode()
    digest = base64.b64encode(hashlib.sha256(BODY).digest()).decode()
    headers = [
        *JSON,
        ("Content-Digest", f"sha-256=:{digest}:"),
        ("Signature-Input", f"sig1={params}"),
        ("Signature", f"sig1=:{tag}:"),
    ]
    verified = reqsig.Verifier({"shared": reqsig.HmacKey(secret)}, now=NOW).verify("PATCH", URL, headers, BODY)
    assert verified.nonce == "handmade-nonce-0001"
    assert verified.digest_checked


def test_ed25519_signature_verifies_with_cryptography(key: reqsig.Ed25519PrivateKey) -> None:
    ed25519 = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ed25519")
    serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization")
    signed = reqsig.Signer(key, key_id="client-1").sign("POST", URL, JSON, BODY)
    params = signed.signature_input.split("=", 1)[1]
    base = expected_base("POST", "api.example.com", "/items", "?id=7", BODY, "application/json", params)
    public = serialization.load_pem_public_key(key.public_key().to_pem().encode())
    assert isinstance(public, ed25519.Ed25519PublicKey)
    public.verify(signature_bytes(signed), base.encode())

    # The other direction: a key and signature made by cryptography verify in reqsig.
    private = ed25519.Ed25519PrivateKey.generate()
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    params = f'("@method" "@authority" "@path" "@query");created={NOW};keyid="other";nonce="n-123"'
    base = "\n".join(
        ['"@method": GET', '"@authority": api.example.com', '"@path": /items', '"@query": ?id=7',
         f'"@signature-params": {params}']
    )
    signature = base64.b64encode(private.sign(base.encode())).decode()
    headers = [("Signature-Input", f"sig1={params}"), ("Signature", f"sig1=:{signature}:")]
    verifier = reqsig.Verifier({"other": reqsig.PublicKey.from_pem(pem)}, now=NOW)
    assert verifier.verify("GET", URL, headers).key_id == "other"


def test_jwk_export_is_valid_json(key: reqsig.Ed25519PrivateKey) -> None:
    jwk: Dict[str, Any] = json.loads(key.to_jwk(kid="client-1"))
    assert jwk["kty"] == "OKP"
    assert jwk["crv"] == "Ed25519"
    assert jwk["alg"] == "EdDSA"
    assert "d" in jwk
    assert "d" not in json.loads(key.public_key().to_jwk())


ORDER_BODY = b'{"order":{"item":"coffee","quantity":2}}'
ORDER_HEAD = [("Host", "api.example.com"), ("Content-Type", "application/json"),
              ("Content-Length", str(len(ORDER_BODY)))]


def http_message(method: str, target: str, headers: Headers, body: bytes) -> bytes:
    """Return a raw HTTP/1.1 request, as the command line reads and writes it."""
    head = f"{method} {target} HTTP/1.1\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers)
    return head.encode() + b"\r\n" + body


def parse_http_message(message: bytes) -> Tuple[str, str, Headers, bytes]:
    head, _, body = message.partition(b"\r\n\r\n")
    request_line, *lines = head.decode().split("\r\n")
    method, target, _ = request_line.split(" ")
    headers = [(name, value.strip()) for name, _, value in (line.partition(":") for line in lines)]
    return method, target, headers, body


def test_rust_cli_signature_verifies_here(key: reqsig.Ed25519PrivateKey, tmp_path: Path) -> None:
    (tmp_path / "client.pem").write_text(key.to_pem())
    (tmp_path / "order.http").write_bytes(http_message("POST", "/orders?customer=42", ORDER_HEAD, ORDER_BODY))
    signed = subprocess.run(
        [str(cli_binary()), "sign", "--key", str(tmp_path / "client.pem"), "--keyid", "client-1",
         str(tmp_path / "order.http")],
        check=True, capture_output=True,
    ).stdout

    method, target, headers, body = parse_http_message(signed)
    assert body == ORDER_BODY, "the command line must leave the body untouched"
    verifier = reqsig.Verifier({"client-1": key.public_key()})
    verified = verifier.verify(method, f"https://api.example.com{target}", headers, body)
    assert verified.key_id == "client-1"
    assert verified.digest_checked
    assert verified.nonce is not None
    with pytest.raises(reqsig.DigestMismatchError):
        verifier.verify(method, f"https://api.example.com{target}", headers, body.replace(b"2", b"3"))


def test_python_signature_verifies_in_rust_cli(key: reqsig.Ed25519PrivateKey, tmp_path: Path) -> None:
    (tmp_path / "client.pub").write_text(key.public_key().to_pem())
    signature = reqsig.Signer(key, key_id="client-1").sign(
        "POST", "https://api.example.com/orders?customer=42", ORDER_HEAD, ORDER_BODY
    )
    signed = http_message("POST", "/orders?customer=42", [*ORDER_HEAD, *signature.items()], ORDER_BODY)
    (tmp_path / "signed.http").write_bytes(signed)
    (tmp_path / "tampered.http").write_bytes(signed.replace(b"coffee", b"tea!!!"))
    command = [str(cli_binary()), "verify", "--key", str(tmp_path / "client.pub"), "--keyid", "client-1", "--json"]

    accepted = subprocess.run([*command, str(tmp_path / "signed.http")], capture_output=True)
    assert accepted.returncode == 0, accepted.stderr.decode()
    result = json.loads(accepted.stdout)
    assert result["valid"] is True
    assert result["keyid"] == "client-1"
    assert result["digest_checked"] is True
    assert result["nonce"] == reqsig.Verifier({"client-1": key.public_key()}).verify(
        "POST", "https://api.example.com/orders?customer=42", [*ORDER_HEAD, *signature.items()], ORDER_BODY
    ).nonce

    rejected = subprocess.run([*command, str(tmp_path / "tampered.http")], capture_output=True)
    assert rejected.returncode == 1
    assert json.loads(rejected.stdout)["error"] == "digest_mismatch"
