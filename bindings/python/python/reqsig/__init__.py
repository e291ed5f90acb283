"""Sign and verify HTTP requests with HTTP Message Signatures (RFC 9421).

A client signs each request with its private key, and a server verifies the
signature with the public key it finds by key id. ``Content-Digest``
(RFC 9530) binds the body to the signature. The cryptography, parsing and
policy checks run in the Rust core, with the interpreter released.

Sign with a ``Signer``::

    key = reqsig.Ed25519PrivateKey.generate()
    signer = reqsig.Signer(key, key_id="client-1")
    headers = signer.sign("POST", "https://api.example.com/orders",
                          {"Content-Type": "application/json"}, b'{"item": 42}')

and verify with a ``Verifier`` that has the public keys::

    verifier = reqsig.Verifier({"client-1": key.public_key()})
    verified = verifier.verify(method, url, headers, body)

``reqsig.requests`` and ``reqsig.httpx`` sign every request of those clients.
"""

from __future__ import annotations

import collections.abc

from reqsig._errors import (
    AlgorithmMismatchError,
    ComponentNotCoveredError,
    CreatedInFutureError,
    DigestError,
    DigestMismatchError,
    ExpiredError,
    InvalidKeyError,
    InvalidMessageError,
    InvalidSignatureError,
    LimitExceededError,
    MalformedSignatureError,
    MissingComponentError,
    MissingSignatureError,
    PolicyError,
    ReqsigError,
    SigningError,
    UnknownKeyError,
    VerificationError,
)
from reqsig._reqsig import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
    HmacKey,
    Policy,
    PrivateKey,
    PublicKey,
    SignatureHeaders,
    Signer,
    Verified,
    Verifier,
    __version__,
    content_digest,
    verify_content_digest,
)

# SignatureHeaders implements the mapping methods in Rust. Registering it
# makes isinstance(headers, Mapping) true, so that requests'
# CaseInsensitiveDict.update and other Mapping consumers accept it.
collections.abc.Mapping.register(SignatureHeaders)

__all__ = [
    "AlgorithmMismatchError",
    "ComponentNotCoveredError",
    "CreatedInFutureError",
    "DigestError",
    "DigestMismatchError",
    "Ed25519PrivateKey",
    "Ed25519PublicKey",
    "ExpiredError",
    "HmacKey",
    "InvalidKeyError",
    "InvalidMessageError",
    "InvalidSignatureError",
    "LimitExceededError",
    "MalformedSignatureError",
    "MissingComponentError",
    "MissingSignatureError",
    "Policy",
    "PolicyError",
    "PrivateKey",
    "PublicKey",
    "ReqsigError",
    "SignatureHeaders",
    "Signer",
    "SigningError",
    "UnknownKeyError",
    "Verified",
    "VerificationError",
    "Verifier",
    "__version__",
    "content_digest",
    "verify_content_digest",
]
