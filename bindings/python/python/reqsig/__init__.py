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

On a server, a ``Gate`` runs the server-side checks of the Rust gate: key
registry (``RegistryFile`` or ``MemoryRegistry``), key status and validity,
scopes, source addresses, rate limits, a replay store (``MemoryReplayStore``
or ``RedisReplayStore``) and usage counters. ``reqsig.asgi`` (Starlette,
FastAPI) and ``reqsig.wsgi`` (Flask, Django) put it in front of an
application.
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
    RegistryError,
    ReqsigError,
    SigningError,
    UnknownKeyError,
    VerificationError,
)
from reqsig._reqsig import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
    Gate,
    HmacKey,
    Identity,
    KeyRecord,
    KeyUsage,
    MemoryRegistry,
    MemoryReplayStore,
    Pending,
    Policy,
    PrivateKey,
    PublicKey,
    RedisReplayStore,
    RegistryFile,
    Rejection,
    ResponseSigner,
    SignatureHeaders,
    Signer,
    UsageSnapshot,
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
    "Gate",
    "HmacKey",
    "Identity",
    "InvalidKeyError",
    "InvalidMessageError",
    "InvalidSignatureError",
    "KeyRecord",
    "KeyUsage",
    "LimitExceededError",
    "MemoryRegistry",
    "MemoryReplayStore",
    "MalformedSignatureError",
    "MissingComponentError",
    "MissingSignatureError",
    "Pending",
    "Policy",
    "PolicyError",
    "PrivateKey",
    "PublicKey",
    "RedisReplayStore",
    "RegistryError",
    "RegistryFile",
    "Rejection",
    "ReqsigError",
    "ResponseSigner",
    "SignatureHeaders",
    "Signer",
    "SigningError",
    "UnknownKeyError",
    "UsageSnapshot",
    "Verified",
    "VerificationError",
    "Verifier",
    "__version__",
    "content_digest",
    "verify_content_digest",
]
