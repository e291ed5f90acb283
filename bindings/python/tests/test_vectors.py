"""The RFC 9421 and RFC 9530 examples of spec/vectors, through the Python API.

Deterministic signatures (Ed25519, HMAC) are rebuilt byte for byte. Every
signature the RFC prints is verified with a permissive policy at the time of
its ``created`` parameter, and the ones the RFC marks as failing are rejected.
These vectors are the cross-language check: the same data drives the Rust
tests in crates/reqsig/tests/rfc9421.rs.
"""

from __future__ import annotations

import base64
import re
from typing import Any, Dict, List, Optional, Tuple

import pytest

import reqsig

Case = Dict[str, Any]


def cases(rfc9421: Dict[str, Any]) -> List[Case]:
    result: List[Case] = rfc9421["cases"]
    return result


def public_key(rfc9421: Dict[str, Any], case: Case) -> reqsig.PublicKey | reqsig.HmacKey:
    key = rfc9421["keys"][case["keyid"]]
    if case["algorithm"] == "hmac-sha256":
        return reqsig.HmacKey(base64.b64decode(key["secret_base64"]))
    return reqsig.PublicKey.from_pem(key["public_pem"], alg=case["algorithm"])


def private_key(rfc9421: Dict[str, Any], case: Case) -> reqsig.PrivateKey | reqsig.HmacKey:
    key = rfc9421["keys"][case["keyid"]]
    if case["algorithm"] == "hmac-sha256":
        return reqsig.HmacKey(base64.b64decode(key["secret_base64"]))
    return reqsig.PrivateKey.from_pem(key["private_pem"], alg=case["algorithm"])


def headers_of(parts: Dict[str, Any]) -> List[Tuple[str, str]]:
    return [(name, value) for name, value in parts["headers"]]


def body_of(parts: Dict[str, Any]) -> bytes:
    return base64.b64decode(parts.get("body_base64") or "")


def request_tuple(parts: Dict[str, Any]) -> Tuple[str, str, List[Tuple[str, str]], bytes]:
    return parts["method"], parts["target"], headers_of(parts), body_of(parts)


def signed_headers(case: Case) -> List[Tuple[str, str]]:
    """Return the message's headers with the case's signature in place of any other."""
    headers = [
        (name, value)
        for name, value in headers_of(case["message_parts"])
        if name.lower() not in ("signature-input", "signature")
    ]
    headers.append(("Signature-Input", case["signature_input"]))
    headers.append(("Signature", case["signature"]))
    return headers


def created_of(case: Case) -> int:
    """Return the case's ``created`` parameter; a few cases print only the Signature-Input."""
    match = re.search(r";created=(\d+)", case["signature_input"])
    assert match is not None, case["name"]
    return int(match.group(1))


def verify_case(rfc9421: Dict[str, Any], case: Case) -> reqsig.Verified:
    parts = case["message_parts"]
    verifier = reqsig.Verifier(
        {case["keyid"]: public_key(rfc9421, case)},
        policy=reqsig.Policy.permissive(),
        label=case["label"],
        now=created_of(case),
        scheme=parts.get("scheme"),
    )
    if parts["type"] == "response":
        request: Optional[Tuple[str, str, List[Tuple[str, str]], bytes]] = None
        if "request_parts" in case:
            request = request_tuple(case["request_parts"])
        return verifier.verify_response(parts["status"], signed_headers(case), body_of(parts), request=request)
    return verifier.verify(parts["method"], parts["target"], signed_headers(case), body_of(parts))


def test_vector_file_has_every_case(rfc9421: Dict[str, Any]) -> None:
    assert len(cases(rfc9421)) == 19


def test_deterministic_signatures_rebuilt(rfc9421: Dict[str, Any]) -> None:
    rebuilt = []
    for case in cases(rfc9421):
        deterministic = case["algorithm"] in ("ed25519", "hmac-sha256")
        if not deterministic or not case["expect_valid"] or case["message_parts"]["type"] != "request":
            continue
        params = case["signature_params"]
        signer = reqsig.Signer(
            private_key(rfc9421, case),
            key_id=params["keyid"],
            label=case["label"],
            components=case["covered_component_identifiers"],
            created="created" in params,
            nonce=params.get("nonce"),
            tag=params.get("tag"),
            alg_parameter="alg" in params,
            now=params.get("created"),
        )
        parts = case["message_parts"]
        signed = signer.sign(parts["method"], parts["target"], headers_of(parts), body_of(parts))

        assert signed.base == case["signature_base"], case["name"]
        assert signed.signature_input == case["signature_input"], case["name"]
        assert signed.signature == case["signature"], case["name"]
        assert signed.content_digest is None, case["name"]
        rebuilt.append(case["name"])
    # B.2.5 (HMAC), B.2.6 and the four valid B.4 variants (Ed25519).
    assert "rfc9421-b.2.5" in rebuilt
    assert "rfc9421-b.2.6" in rebuilt
    assert len(rebuilt) == 6


@pytest.mark.parametrize("name", [f"case-{i}" for i in range(19)])
def test_vector_verifies_as_the_rfc_says(rfc9421: Dict[str, Any], name: str) -> None:
    case = cases(rfc9421)[int(name.split("-")[1])]
    if case["expect_valid"]:
        verified = verify_case(rfc9421, case)
        assert verified.label == case["label"]
        assert verified.key_id == case["keyid"]
        assert verified.algorithm == case["algorithm"]
        assert verified.created == created_of(case)
        assert list(verified.components) == [
            reqsig_component(identifier) for identifier in case["covered_component_identifiers"]
        ]
    else:
        with pytest.raises(reqsig.InvalidSignatureError) as raised:
            verify_case(rfc9421, case)
        assert raised.value.code == "invalid_signature"


def reqsig_component(identifier: str) -> str:
    """Return a component as Verified.components shows it: bare when it has no parameters."""
    if identifier.count('"') == 2 and identifier.endswith('"'):
        return identifier.strip('"')
    return identifier


def test_changed_vector_byte_fails(rfc9421: Dict[str, Any]) -> None:
    case = next(c for c in cases(rfc9421) if c["name"] == "rfc9421-b.2.6")
    parts = case["message_parts"]
    headers = [(n, v.replace("application/json", "application/jsom")) for n, v in signed_headers(case)]
    verifier = reqsig.Verifier(
        {case["keyid"]: public_key(rfc9421, case)},
        policy=reqsig.Policy.permissive(),
        now=created_of(case),
    )
    with pytest.raises(reqsig.InvalidSignatureError):
        verifier.verify(parts["method"], parts["target"], headers, body_of(parts))


def test_vector_key_thumbprint_matches_jwk(rfc9421: Dict[str, Any]) -> None:
    key = rfc9421["keys"]["test-key-ed25519"]
    from_pem = reqsig.Ed25519PublicKey.from_pem(key["public_pem"])
    from_jwk = reqsig.Ed25519PublicKey.from_jwk(key["jwk"])
    assert from_pem == from_jwk
    assert from_pem.thumbprint == from_jwk.thumbprint


def test_content_digest_vectors(rfc9530: Dict[str, Any]) -> None:
    checked = 0
    for vector in rfc9530["vectors"]:
        body = base64.b64decode(vector["body_base64"])
        supported = [m for m in vector["members"] if m["algorithm"] in ("sha-256", "sha-512")]
        for member in supported:
            expected = f"{member['algorithm']}=:{member['value_base64_computed']}:"
            assert reqsig.content_digest(body, member["algorithm"]) == expected, vector["section"]
            checked += 1
        if supported:
            reqsig.verify_content_digest(vector["field_value_correct"], body)
        else:
            with pytest.raises(reqsig.DigestError) as raised:
                reqsig.verify_content_digest(vector["field_value_correct"], body)
            assert raised.value.code == "digest_unsupported"
    assert checked >= 20
