"""Key classes: loading, encoding, algorithm binding, equality, and secrets kept out of sight."""

from __future__ import annotations

import base64
import json
import pickle
from pathlib import Path
from typing import Any, Dict

import pytest

import reqsig


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_ed25519_round_trips() -> None:
    key = reqsig.Ed25519PrivateKey.generate()
    assert isinstance(key, reqsig.PrivateKey)
    assert key.algorithm == "ed25519"
    for loaded in (
        reqsig.Ed25519PrivateKey.from_pem(key.to_pem()),
        reqsig.PrivateKey.from_pem(key.to_pem().encode()),
        reqsig.PrivateKey.from_der(key.to_der()),
        reqsig.PrivateKey.from_jwk(key.to_jwk()),
        reqsig.PrivateKey.from_jwk(json.loads(key.to_jwk())),
        reqsig.PrivateKey.load(key.to_pem()),
        reqsig.PrivateKey.load(key.to_der()),
        reqsig.PrivateKey.load(json.loads(key.to_jwk())),
    ):
        assert type(loaded) is reqsig.Ed25519PrivateKey
        assert loaded.thumbprint == key.thumbprint
    public = key.public_key()
    assert type(public) is reqsig.Ed25519PublicKey
    assert public.thumbprint == key.thumbprint
    assert reqsig.PublicKey.from_pem(public.to_pem()) == public
    assert reqsig.PublicKey.from_der(public.to_der()) == public
    assert reqsig.PublicKey.from_jwk(public.to_jwk(kid="k1")) == public
    assert json.loads(public.to_jwk(kid="k1"))["kid"] == "k1"
    assert reqsig.PublicKey.from_pem(key.to_pem()) == public, "a private PEM gives its public half"


def test_ed25519_vector_key(rfc9421: Dict[str, Any]) -> None:
    jwk = rfc9421["keys"]["test-key-ed25519"]["jwk"]
    from_jwk = reqsig.Ed25519PrivateKey.from_jwk(jwk)
    from_seed = reqsig.Ed25519PrivateKey.from_seed(b64url_decode(jwk["d"]))
    from_bytes = reqsig.Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
    assert from_jwk.thumbprint == from_seed.thumbprint == from_bytes.thumbprint
    assert from_seed.public_key() == from_bytes


def test_ecdsa_keys() -> None:
    for alg in ("ecdsa-p256-sha256", "ecdsa-p384-sha384"):
        key = reqsig.PrivateKey.generate(alg)
        assert type(key) is reqsig.PrivateKey
        assert key.algorithm == alg
        assert reqsig.PrivateKey.load(key.to_pem()).thumbprint == key.thumbprint
        public = reqsig.PublicKey.load(key.public_key().to_jwk())
        assert type(public) is reqsig.PublicKey
        assert public.algorithm == alg
        assert public == key.public_key()
    with pytest.raises(reqsig.InvalidKeyError):
        reqsig.Ed25519PrivateKey.generate("ecdsa-p256-sha256")


def test_rsa_keys_bind_to_one_algorithm(rfc9421: Dict[str, Any]) -> None:
    pem = rfc9421["keys"]["test-key-rsa"]["public_pem"]
    with pytest.raises(reqsig.InvalidKeyError, match="rsa-pss-sha512 and rsa-v1_5-sha256"):
        reqsig.PublicKey.from_pem(pem)
    key = reqsig.PublicKey.from_pem(pem, alg="rsa-v1_5-sha256")
    assert key.algorithm == "rsa-v1_5-sha256"
    with pytest.raises(reqsig.InvalidKeyError):
        reqsig.PublicKey.from_pem(pem, alg="ed25519")
    private = rfc9421["keys"]["test-key-rsa-pss"]["private_pem"]
    with pytest.raises(reqsig.InvalidKeyError, match="rsa-signing"):
        reqsig.PrivateKey.from_pem(private, alg="rsa-pss-sha512")


def test_hmac_key() -> None:
    key = reqsig.HmacKey.generate()
    assert key.algorithm == "hmac-sha256"
    jwk = json.loads(key.to_jwk(kid="shared"))
    assert jwk["kty"] == "oct"
    assert jwk["kid"] == "shared"
    again = reqsig.HmacKey.from_jwk(jwk)
    signer = reqsig.Signer(key, key_id="shared", now=1)
    verifier = reqsig.Verifier({"shared": again}, now=1)
    headers = list(signer.sign("GET", "https://example.com/").items())
    assert verifier.verify("GET", "https://example.com/", headers).key_id == "shared"
    with pytest.raises(reqsig.InvalidKeyError):
        reqsig.HmacKey(b"x" * 31)
    with pytest.raises(reqsig.InvalidKeyError, match="HmacKey"):
        reqsig.PrivateKey.from_jwk(key.to_jwk())


def test_repr_hides_secrets() -> None:
    key = reqsig.Ed25519PrivateKey.generate()
    d = json.loads(key.to_jwk())["d"]
    pem_body = "".join(key.to_pem().splitlines()[1:-1])
    text = repr(key)
    assert key.thumbprint in text
    assert d not in text
    assert pem_body not in text
    secret = b"s" * 32
    hmac = reqsig.HmacKey(secret)
    assert "redacted" in repr(hmac)
    assert "sss" not in repr(hmac)
    assert base64.urlsafe_b64encode(secret).decode().rstrip("=") not in repr(hmac)


@pytest.mark.parametrize(
    "make",
    [
        reqsig.Ed25519PrivateKey.generate,
        lambda: reqsig.Ed25519PrivateKey.generate().public_key(),
        reqsig.HmacKey.generate,
        reqsig.Policy.server,
    ],
)
def test_classes_are_frozen_and_not_picklable(make: Any) -> None:
    value = make()
    with pytest.raises((TypeError, pickle.PicklingError)):
        pickle.dumps(value)
    with pytest.raises(AttributeError):
        value.algorithm = "hmac-sha256"


def test_private_classes_cannot_be_constructed() -> None:
    with pytest.raises(TypeError):
        reqsig.PrivateKey()
    with pytest.raises(TypeError):
        reqsig.PublicKey()


def test_public_key_equality_and_hash() -> None:
    first = reqsig.Ed25519PrivateKey.generate().public_key()
    second = reqsig.Ed25519PrivateKey.generate().public_key()
    assert first == reqsig.PublicKey.from_pem(first.to_pem())
    assert first != second
    assert first != "not a key"
    assert len({first, reqsig.PublicKey.from_pem(first.to_pem()), second}) == 2


def test_path_given_to_load_gets_hint() -> None:
    with pytest.raises(reqsig.InvalidKeyError) as raised:
        reqsig.PrivateKey.load("client.pem")
    message = str(raised.value)
    assert message.startswith("argument 'data': 'client.pem' looks like a file path"), message
    assert "PrivateKey.load takes the key's contents" in message, message
    assert "PrivateKey.load(pathlib.Path('client.pem').read_bytes())" in message, message


@pytest.mark.parametrize(
    ("load", "function", "argument"),
    [
        (reqsig.PrivateKey.from_pem, "PrivateKey.from_pem", "data"),
        (reqsig.PrivateKey.from_der, "PrivateKey.from_der", "data"),
        (reqsig.PrivateKey.from_jwk, "PrivateKey.from_jwk", "jwk"),
        (reqsig.Ed25519PrivateKey.load, "Ed25519PrivateKey.load", "data"),
        (reqsig.PublicKey.load, "PublicKey.load", "data"),
        (reqsig.PublicKey.from_pem, "PublicKey.from_pem", "data"),
        (reqsig.PublicKey.from_jwk, "PublicKey.from_jwk", "jwk"),
        (reqsig.HmacKey.from_jwk, "HmacKey.from_jwk", "jwk"),
    ],
)
def test_path_given_to_loaders_gets_hint(load: Any, function: str, argument: str) -> None:
    with pytest.raises(reqsig.InvalidKeyError) as raised:
        load("keys/server.key")
    message = str(raised.value)
    assert message.startswith(f"argument '{argument}': 'keys/server.key' looks like a file path"), message
    assert f"{function}(pathlib.Path('keys/server.key').read_bytes())" in message, message


def test_existing_file_path_gets_hint(tmp_path: Path) -> None:
    key = reqsig.Ed25519PrivateKey.generate()
    path = tmp_path / "id_ed25519"
    path.write_text(key.to_pem())
    with pytest.raises(reqsig.InvalidKeyError, match="looks like a file path") as raised:
        reqsig.PrivateKey.load(str(path))
    assert repr(str(path)) in str(raised.value)
    assert reqsig.PrivateKey.load(path.read_bytes()).thumbprint == key.thumbprint


def test_path_object_gets_hint(tmp_path: Path) -> None:
    with pytest.raises(TypeError) as raised:
        reqsig.PrivateKey.load(tmp_path / "client.pem")  # type: ignore[arg-type]
    message = str(raised.value)
    assert message.startswith("argument 'data': expected the key's contents"), message
    assert "pathlib.Path(...).read_bytes()" in message, message
    assert message.endswith("got PosixPath"), message


def test_non_path_input_keeps_decode_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing")
    for data in ("hello", missing, "two\nlines.pem", b"client-key"):
        with pytest.raises(reqsig.InvalidKeyError) as raised:
            reqsig.PrivateKey.load(data)
        message = str(raised.value)
        assert "file path" not in message, message
        assert message.startswith("invalid PEM, JWK or DER key: the content is not PEM"), message


def test_empty_key_input_says_so() -> None:
    for data in (b"", "", "  \n"):
        with pytest.raises(reqsig.InvalidKeyError) as raised:
            reqsig.PrivateKey.load(data)
        message = str(raised.value)
        assert "the input is empty" in message, message


def test_key_errors_name_no_rust_types() -> None:
    public_pem = reqsig.Ed25519PrivateKey.generate().public_key().to_pem()
    with pytest.raises(reqsig.InvalidKeyError) as raised:
        reqsig.PrivateKey.from_pem(public_pem)
    message = str(raised.value)
    assert "load this one as a public (verifying) key" in message, message
    assert "VerifyingKey" not in message, message
    with pytest.raises(reqsig.InvalidKeyError) as raised:
        reqsig.HmacKey(b"x" * 31)
    message = str(raised.value)
    assert "use a random secret of at least 32 bytes" in message, message
    assert "SigningKey" not in message, message
