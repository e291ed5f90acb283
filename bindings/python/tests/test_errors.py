"""Every exception class raised by a real failing input, and argument errors naming the argument."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, List, Optional, Tuple, Type

import pytest

import reqsig
from reqsig import _errors

NOW = 1_700_000_000
URL = "https://api.example.com/items?id=7"
BODY = b'{"n": 1}'
Headers = List[Tuple[str, str]]


@pytest.fixture()
def key() -> reqsig.Ed25519PrivateKey:
    return reqsig.Ed25519PrivateKey.generate()


def signed(signer: reqsig.Signer, headers: Optional[Headers] = None, body: bytes = BODY) -> Headers:
    headers = list(headers or [("Content-Type", "application/json")])
    headers.extend(signer.sign("POST", URL, headers, body).items())
    return headers


def verifier_for(key: reqsig.Ed25519PrivateKey, **options: Any) -> reqsig.Verifier:
    options.setdefault("now", NOW)
    return reqsig.Verifier({"client-1": key.public_key()}, **options)


def expect(error_class: Type[reqsig.ReqsigError], code: str, call: Callable[[], object]) -> None:
    with pytest.raises(error_class) as raised:
        call()
    assert raised.value.code == code, str(raised.value)
    assert str(raised.value), "the message is empty"


def crafted(signature_input: str, signature: str = "sig1=:AAAA:") -> Headers:
    return [("Signature-Input", signature_input), ("Signature", signature)]


def test_spec_codes_all_have_a_class() -> None:
    spec = Path(__file__).resolve().parents[3] / "spec" / "README.md"
    table = spec.read_text(encoding="utf-8").split("## Error codes", 1)[1]
    first_cells = re.findall(r"^\| (`[^|]*) \|", table, flags=re.MULTILINE)
    codes = {code for cell in first_cells for code in re.findall(r"`([a-z_0-9]+)`", cell)}
    listed = set(_errors._CLASS_BY_CODE) | reqsig.InvalidKeyError.codes
    # resolver_pending cannot happen in Python, where key lookups are synchronous.
    assert codes - listed == {"resolver_pending"}
    assert len(codes) > 35


def test_codes_belong_to_one_class() -> None:
    seen: dict[str, str] = {}
    for cls in _errors._VERIFICATION_CLASSES:
        for code in cls.codes:
            assert code not in seen, f"{code} is listed by {seen.get(code)} and {cls.__name__}"
            seen[code] = cls.__name__


def test_hierarchy() -> None:
    assert issubclass(reqsig.VerificationError, reqsig.ReqsigError)
    assert issubclass(reqsig.InvalidKeyError, ValueError)
    assert not issubclass(reqsig.InvalidKeyError, KeyError)
    assert issubclass(reqsig.DigestMismatchError, reqsig.DigestError)
    assert issubclass(reqsig.ComponentNotCoveredError, reqsig.PolicyError)
    for cls in _errors._VERIFICATION_CLASSES:
        assert issubclass(cls, reqsig.VerificationError)


def test_invalid_key_error(key: reqsig.Ed25519PrivateKey) -> None:
    expect(reqsig.InvalidKeyError, "key_error", lambda: reqsig.HmacKey(b"too short"))
    expect(reqsig.InvalidKeyError, "key_error", lambda: reqsig.PrivateKey.from_pem("not a key"))
    ecdsa = reqsig.PrivateKey.generate("ecdsa-p256-sha256")
    expect(reqsig.InvalidKeyError, "key_error", lambda: reqsig.Ed25519PrivateKey.from_pem(ecdsa.to_pem()))
    expect(reqsig.InvalidKeyError, "key_error", lambda: reqsig.PublicKey.from_jwk(reqsig.HmacKey.generate().to_jwk()))


def test_signing_error(key: reqsig.Ed25519PrivateKey) -> None:
    missing = reqsig.Signer(key, components=["@method", "x-absent"])
    expect(reqsig.SigningError, "missing_component", lambda: missing.sign("GET", URL))
    signer = reqsig.Signer(key)
    already = signed(signer)
    expect(reqsig.SigningError, "invalid_parameter", lambda: signer.sign("POST", URL, already, BODY))
    wrong_digest = [("Content-Digest", reqsig.content_digest(b"other"))]
    expect(reqsig.SigningError, "digest_mismatch", lambda: signer.sign("POST", URL, wrong_digest, BODY))


def test_missing_signature_error(key: reqsig.Ed25519PrivateKey) -> None:
    headers = signed(reqsig.Signer(key, key_id="client-1", now=NOW))
    expect(reqsig.MissingSignatureError, "missing_signature", lambda: verifier_for(key).verify("GET", URL, []))
    by_label = verifier_for(key, label="other")
    expect(reqsig.MissingSignatureError, "missing_label", lambda: by_label.verify("POST", URL, headers, BODY))
    by_tag = verifier_for(key, tag="app")
    expect(reqsig.MissingSignatureError, "tag_not_found", lambda: by_tag.verify("POST", URL, headers, BODY))


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        (crafted("sig1=not-a-list"), "malformed_signature_input"),
        (crafted('sig1=("@method");created=1', "sig1=notbytes"), "malformed_signature"),
        (crafted('sig1=("@method"), sig1=("@path")'), "duplicate_label"),
        (crafted('sig1=("@nope");created=1'), "unknown_component"),
        (crafted('sig1=("@method" "@method");created=1'), "duplicate_component"),
        (crafted('sig1=("@method");created="yesterday"'), "invalid_parameter"),
        (crafted('sig1=("Bad Name");created=1'), "invalid_component"),
    ],
)
def test_malformed_signature_error(key: reqsig.Ed25519PrivateKey, headers: Headers, code: str) -> None:
    verifier = reqsig.Verifier({"client-1": key.public_key()}, policy=reqsig.Policy.permissive())
    expect(reqsig.MalformedSignatureError, code, lambda: verifier.verify("GET", URL, headers))


def test_limit_exceeded_error(key: reqsig.Ed25519PrivateKey) -> None:
    verifier = verifier_for(key, policy=reqsig.Policy.permissive())
    huge = crafted('sig1=("@method");created=1;keyid="' + "k" * 9000 + '"')
    expect(reqsig.LimitExceededError, "header_too_large", lambda: verifier.verify("GET", URL, huge))
    lines = [("Signature-Input", f'sig{i}=("@method")') for i in range(17)] + [("Signature", "sig0=:AAAA:")]
    expect(reqsig.LimitExceededError, "too_many_field_lines", lambda: verifier.verify("GET", URL, lines))
    long_nonce = signed(reqsig.Signer(key, key_id="client-1", nonce="n" * 200, now=NOW))
    expect(reqsig.LimitExceededError, "nonce_too_long", lambda: verifier.verify("POST", URL, long_nonce, BODY))
    small = verifier_for(key, max_body_bytes=4)
    headers = signed(reqsig.Signer(key, key_id="client-1", now=NOW))
    expect(reqsig.LimitExceededError, "body_too_large", lambda: small.verify("POST", URL, headers, BODY))


def test_policy_error(key: reqsig.Ed25519PrivateKey) -> None:
    no_nonce = signed(reqsig.Signer(key, key_id="client-1", nonce=None, now=NOW))
    expect(reqsig.PolicyError, "missing_parameter", lambda: verifier_for(key).verify("POST", URL, no_nonce, BODY))
    headers = signed(reqsig.Signer(key, key_id="client-1", tag="web", now=NOW))
    tagged = verifier_for(key, policy=reqsig.Policy.server(tag="app"))
    expect(reqsig.PolicyError, "tag_mismatch", lambda: tagged.verify("POST", URL, headers, BODY))
    hmac_only = verifier_for(key, allowed_algorithms=["hmac-sha256"])
    expect(reqsig.PolicyError, "algorithm_not_allowed", lambda: hmac_only.verify("POST", URL, headers, BODY))
    strict = verifier_for(key, policy=reqsig.Policy.permissive(reject_unknown_parameters=True))
    unknown = crafted('sig1=("@method");created=1;keyid="client-1";color="blue"')
    expect(reqsig.PolicyError, "unknown_parameter", lambda: strict.verify("GET", URL, unknown))


def test_component_not_covered_error(key: reqsig.Ed25519PrivateKey) -> None:
    headers = signed(reqsig.Signer(key, key_id="client-1", components=["@method", "@path"], now=NOW))
    expect(
        reqsig.ComponentNotCoveredError,
        "component_not_covered",
        lambda: verifier_for(key).verify("POST", URL, headers, BODY),
    )


def test_unknown_key_error(key: reqsig.Ed25519PrivateKey) -> None:
    headers = signed(reqsig.Signer(key, key_id="someone-else", now=NOW))
    expect(reqsig.UnknownKeyError, "unknown_key", lambda: verifier_for(key).verify("POST", URL, headers, BODY))
    by_callable = reqsig.Verifier(lambda key_id: None, now=NOW)
    expect(reqsig.UnknownKeyError, "unknown_key", lambda: by_callable.verify("POST", URL, headers, BODY))


def test_algorithm_mismatch_error(key: reqsig.Ed25519PrivateKey) -> None:
    headers = signed(reqsig.Signer(key, key_id="client-1", alg_parameter=True, now=NOW))
    verifier = reqsig.Verifier({"client-1": reqsig.HmacKey.generate()}, now=NOW)
    expect(reqsig.AlgorithmMismatchError, "algorithm_mismatch", lambda: verifier.verify("POST", URL, headers, BODY))


def test_missing_component_error(key: reqsig.Ed25519PrivateKey) -> None:
    signer = reqsig.Signer(
        key, key_id="client-1", components=["@method", "@authority", "@path", "@query", "x-tenant"], now=NOW
    )
    headers = signed(signer, [("X-Tenant", "blue")], b"")
    without = [(n, v) for n, v in headers if n != "X-Tenant"]
    verifier = verifier_for(key)
    expect(reqsig.MissingComponentError, "missing_component", lambda: verifier.verify("POST", URL, without))
    status_in_request = crafted('sig1=("@status");created=1;keyid="client-1"')
    permissive = verifier_for(key, policy=reqsig.Policy.permissive())
    expect(
        reqsig.MissingComponentError,
        "component_not_applicable",
        lambda: permissive.verify("GET", URL, status_in_request),
    )


def test_invalid_signature_error(key: reqsig.Ed25519PrivateKey) -> None:
    headers = signed(reqsig.Signer(key, key_id="client-1", now=NOW))
    other_path = URL.replace("items", "users")
    expect(reqsig.InvalidSignatureError, "invalid_signature", lambda: verifier_for(key).verify("POST", other_path, headers, BODY))


def test_expired_error(key: reqsig.Ed25519PrivateKey) -> None:
    expiring = signed(reqsig.Signer(key, key_id="client-1", expires_in=10, now=NOW))
    later = verifier_for(key, now=NOW + 60)
    expect(reqsig.ExpiredError, "expired", lambda: later.verify("POST", URL, expiring, BODY))
    old = signed(reqsig.Signer(key, key_id="client-1", now=NOW - 301))
    expect(reqsig.ExpiredError, "too_old", lambda: verifier_for(key).verify("POST", URL, old, BODY))


def test_created_in_future_error(key: reqsig.Ed25519PrivateKey) -> None:
    future = signed(reqsig.Signer(key, key_id="client-1", now=NOW + 31))
    expect(reqsig.CreatedInFutureError, "created_in_future", lambda: verifier_for(key).verify("POST", URL, future, BODY))


def test_digest_errors(key: reqsig.Ed25519PrivateKey) -> None:
    headers = signed(reqsig.Signer(key, key_id="client-1", now=NOW))
    expect(reqsig.DigestMismatchError, "digest_mismatch", lambda: verifier_for(key).verify("POST", URL, headers, b"{}"))
    expect(reqsig.DigestMismatchError, "digest_mismatch", lambda: reqsig.verify_content_digest(reqsig.content_digest(b"a"), b"b"))
    expect(reqsig.DigestError, "digest_unsupported", lambda: reqsig.verify_content_digest("md5=:AAAA:", b""))
    expect(reqsig.DigestError, "malformed_digest", lambda: reqsig.verify_content_digest("sha-256=nope", b""))


def test_invalid_message_error(key: reqsig.Ed25519PrivateKey) -> None:
    headers = crafted('sig1=("@authority");created=1;keyid="client-1"')
    verifier = verifier_for(key, policy=reqsig.Policy.permissive())
    expect(reqsig.InvalidMessageError, "invalid_message", lambda: verifier.verify("GET", "/items", headers))


def test_resolver_exception_propagates(key: reqsig.Ed25519PrivateKey) -> None:
    headers = signed(reqsig.Signer(key, key_id="client-1", now=NOW))

    def resolver(key_id: str) -> reqsig.PublicKey:
        raise LookupError(f"database down while looking up {key_id}")

    with pytest.raises(LookupError, match="database down while looking up client-1"):
        reqsig.Verifier(resolver, now=NOW).verify("POST", URL, headers, BODY)
    with pytest.raises(TypeError, match="argument 'keys'"):
        reqsig.Verifier(lambda key_id: "not a key", now=NOW).verify(  # type: ignore[arg-type, return-value]
            "POST", URL, headers, BODY
        )


def test_verify_headers_none_raises_type_error(key: reqsig.Ed25519PrivateKey) -> None:
    verifier = verifier_for(key)
    expected = "argument 'headers': expected a mapping or an iterable of (name, value) pairs, got NoneType"
    with pytest.raises(TypeError) as raised:
        verifier.verify("POST", URL, None, BODY)  # type: ignore[arg-type]
    assert str(raised.value) == expected
    with pytest.raises(TypeError) as raised:
        verifier.verify_response(200, None)  # type: ignore[arg-type]
    assert str(raised.value) == expected


def test_none_rejected_where_not_allowed(key: reqsig.Ed25519PrivateKey) -> None:
    # Typed as Any, so that None reaches the runtime checks.
    untyped: Any = reqsig
    cases: List[Tuple[str, Callable[[], object]]] = [
        ("label", lambda: untyped.Signer(key, label=None)),
        ("digest", lambda: untyped.Signer(key, digest=None)),
        ("created", lambda: untyped.Signer(key, created=None)),
        ("alg_parameter", lambda: untyped.Signer(key, alg_parameter=None)),
        ("key", lambda: untyped.Signer(None)),
        ("keys", lambda: untyped.Verifier(None)),
        ("method", lambda: untyped.Verifier({}).verify(None, URL, [])),
        ("url", lambda: untyped.Verifier({}).verify("GET", None, [])),
        ("status", lambda: untyped.Verifier({}).verify_response(None, [])),
    ]
    failures = [error_naming(TypeError, argument, call) for argument, call in cases]
    assert [failure for failure in failures if failure] == []


def test_none_accepted_where_documented(key: reqsig.Ed25519PrivateKey) -> None:
    signer = reqsig.Signer(
        key, key_id=None, components=None, expires_in=None, nonce=None, tag=None, now=None
    )
    assert signer.label == "sig1"
    headers = list(signer.sign("GET", URL, None, None).items())
    verifier = reqsig.Verifier(
        {key.thumbprint: key.public_key()}, policy=None, label=None, tag=None, now=None, require_nonce=False
    )
    verified = verifier.verify("GET", URL, headers, None)
    assert verified.key_id == key.thumbprint


def test_exception_constructible() -> None:
    error = reqsig.InvalidSignatureError("does not verify", "invalid_signature")
    assert error.code == "invalid_signature"
    assert str(error) == "does not verify"


def error_naming(error: Type[Exception], argument: str, call: Callable[[], object]) -> Optional[str]:
    """Return why the call fails the check, or None when it raises ``error`` naming the argument."""
    try:
        call()
    except error as raised:
        return None if f"argument '{argument}'" in str(raised) else f"{argument}: {str(raised)!r}"
    except Exception as other:
        return f"{argument}: raised {type(other).__name__}: {other}"
    return f"{argument}: raised nothing"


def test_wrong_argument_types_name_the_argument(key: reqsig.Ed25519PrivateKey) -> None:
    signer = reqsig.Signer(key)
    hmac = reqsig.HmacKey.generate()
    cases: List[Tuple[Type[Exception], str, Callable[[], object]]] = [
        (TypeError, "key", lambda: reqsig.Signer("secret")),  # type: ignore[arg-type]
        (TypeError, "key", lambda: reqsig.Signer(key.public_key())),  # type: ignore[arg-type]
        (TypeError, "components", lambda: reqsig.Signer(key, components="@method")),
        (TypeError, "components", lambda: reqsig.Signer(key, components=[1])),  # type: ignore[list-item]
        (ValueError, "components", lambda: reqsig.Signer(key, components=["@nope"])),
        (ValueError, "components", lambda: reqsig.Signer(key, components=["@method", "@method"])),
        (TypeError, "created", lambda: reqsig.Signer(key, created=1)),  # type: ignore[arg-type]
        (TypeError, "expires_in", lambda: reqsig.Signer(key, expires_in="60")),  # type: ignore[arg-type]
        (ValueError, "expires_in", lambda: reqsig.Signer(key, expires_in=-1)),
        (TypeError, "nonce", lambda: reqsig.Signer(key, nonce=7)),  # type: ignore[arg-type]
        (ValueError, "digest", lambda: reqsig.Signer(key, digest="md5")),
        (ValueError, "label", lambda: reqsig.Signer(key, label="Not A Label")),
        (ValueError, "key_id", lambda: reqsig.Signer(hmac)),
        (TypeError, "now", lambda: reqsig.Signer(key, now=1.5)),  # type: ignore[arg-type]
        (TypeError, "method", lambda: signer.sign(1, URL)),  # type: ignore[arg-type]
        (ValueError, "method", lambda: signer.sign("GE T", URL)),
        (TypeError, "url", lambda: signer.sign("GET", b"https://x")),  # type: ignore[arg-type]
        (ValueError, "url", lambda: signer.sign("GET", "ftp://example.com/")),
        (ValueError, "url", lambda: signer.sign("GET", "https://user:pw@example.com/")),
        (TypeError, "headers", lambda: signer.sign("GET", URL, 5)),  # type: ignore[arg-type]
        (TypeError, "headers", lambda: signer.sign("GET", URL, "Host: x")),  # type: ignore[arg-type]
        (ValueError, "headers", lambda: signer.sign("GET", URL, [("Host",)])),  # type: ignore[list-item]
        (TypeError, "headers", lambda: signer.sign("GET", URL, {"X-Count": 3})),  # type: ignore[arg-type]
        (TypeError, "body", lambda: signer.sign("POST", URL, None, "text")),  # type: ignore[arg-type]
        (TypeError, "body", lambda: signer.sign("POST", URL, None, 12)),  # type: ignore[arg-type]
        (TypeError, "request", lambda: signer.sign_response(200, request=["GET", URL, []])),  # type: ignore[arg-type]
        (ValueError, "status", lambda: signer.sign_response(42)),
        (TypeError, "keys", lambda: reqsig.Verifier(5)),  # type: ignore[arg-type]
        (TypeError, 'keys["k"]', lambda: reqsig.Verifier({"k": key})),  # type: ignore[dict-item]
        (TypeError, "policy", lambda: reqsig.Verifier({}, policy={"max_age": 1})),  # type: ignore[arg-type]
        (ValueError, "max_age", lambda: reqsig.Verifier({}, max_age=-1)),
        (TypeError, "max_age", lambda: reqsig.Verifier({}, max_age="300")),  # type: ignore[arg-type]
        (TypeError, "colour", lambda: reqsig.Verifier({}, colour="blue")),  # type: ignore[call-arg]
        (TypeError, "label", lambda: reqsig.Verifier({}, label=1)),  # type: ignore[arg-type]
        (TypeError, "kid", lambda: key.to_jwk(kid=1)),  # type: ignore[arg-type]
        (TypeError, "alg_parameter", lambda: reqsig.Signer(key, alg_parameter="yes")),  # type: ignore[arg-type]
        (TypeError, "status", lambda: signer.sign_response("200")),  # type: ignore[arg-type]
        (TypeError, "seed", lambda: reqsig.Ed25519PrivateKey.from_seed("seed")),  # type: ignore[arg-type]
        (ValueError, "tag", lambda: reqsig.Verifier({}, label="sig1", tag="app")),
        (ValueError, "scheme", lambda: reqsig.Verifier({}, scheme="ftp")),
        (TypeError, "require_nonce", lambda: reqsig.Policy(require_nonce="yes")),  # type: ignore[arg-type]
        (ValueError, "allowed_algorithms", lambda: reqsig.Policy(allowed_algorithms=["rot13"])),
        (TypeError, "allowed_algorithms", lambda: reqsig.Policy(allowed_algorithms="ed25519")),
        (TypeError, "max_body_bytes", lambda: reqsig.Policy.server(max_body_bytes=True)),
        (TypeError, "colour", lambda: reqsig.Policy.permissive(colour="blue")),  # type: ignore[call-arg]
        (ValueError, "algorithm", lambda: reqsig.content_digest(b"", "md5")),
        (TypeError, "body", lambda: reqsig.content_digest("text")),  # type: ignore[arg-type]
        (TypeError, "value", lambda: reqsig.verify_content_digest(1, b"")),  # type: ignore[arg-type]
        (TypeError, "secret", lambda: reqsig.HmacKey("secret" * 8)),  # type: ignore[arg-type]
        (TypeError, "data", lambda: reqsig.PrivateKey.load(5)),  # type: ignore[arg-type]
        (TypeError, "jwk", lambda: reqsig.PublicKey.from_jwk(5)),  # type: ignore[arg-type]
        (ValueError, "alg", lambda: reqsig.PrivateKey.generate("rot13")),
    ]
    failures = [error_naming(error, argument, call) for error, argument, call in cases]
    assert [failure for failure in failures if failure] == []
