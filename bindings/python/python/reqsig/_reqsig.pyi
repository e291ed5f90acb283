"""Type stubs of the reqsig._reqsig extension module (the Rust core's bindings).

Everything here is re-exported by ``reqsig``; import it from there.
"""

import datetime
import os
from typing import Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

from typing_extensions import NotRequired, Self, TypeAlias, TypedDict, disjoint_base, final

__all__ = [
    "__version__",
    "Ed25519PrivateKey",
    "Ed25519PublicKey",
    "Gate",
    "HmacKey",
    "Identity",
    "KeyRecord",
    "KeyUsage",
    "MemoryRegistry",
    "MemoryReplayStore",
    "Pending",
    "Policy",
    "PrivateKey",
    "PublicKey",
    "RedisReplayStore",
    "RegistryFile",
    "Rejection",
    "ResponseSigner",
    "SignatureHeaders",
    "Signer",
    "UsageSnapshot",
    "Verified",
    "Verifier",
    "content_digest",
    "verify_content_digest",
]

__version__: str

_HeaderValue: TypeAlias = Union[str, bytes]
_Headers: TypeAlias = Union[
    Mapping[str, _HeaderValue],
    Mapping[bytes, _HeaderValue],
    Sequence[Tuple[Union[str, bytes], _HeaderValue]],
]
"""Header fields: a mapping, or ``(name, value)`` pairs for repeated fields.

Names and values are ``str`` or ``bytes``; a ``str`` value is encoded as UTF-8,
and the core rejects non-ASCII bytes in any covered value.
"""

_Body: TypeAlias = Union[bytes, bytearray, memoryview]
"""A message body. ``None`` means no body."""

_KeyData: TypeAlias = Union[str, bytes, bytearray]
_JwkData: TypeAlias = Union[str, bytes, bytearray, Mapping[str, object]]
_RequestTuple: TypeAlias = Union[
    Tuple[str, str, Optional[_Headers]],
    Tuple[str, str, Optional[_Headers], Optional[_Body]],
]
"""The request a response responds to: ``(method, url, headers)`` or ``(method, url, headers, body)``."""

_VerificationKey: TypeAlias = Union["PublicKey", "HmacKey"]

class _ScopeSpec(TypedDict):
    """The methods and paths a key may call, shaped as a ``[[keys.scopes]]`` table of the registry file.

    ``paths`` are patterns of ``/``-separated segments matched against the
    raw ``@path``: ``*`` matches one segment, a final ``**`` the rest.
    ``methods`` absent or empty allows every method. Methods match exactly,
    so write them in uppercase.
    """

    paths: Sequence[str]
    methods: NotRequired[Sequence[str]]

class _RateLimitSpec(TypedDict):
    """A rate limit, shaped as the ``rate_limit`` table of the registry file:
    ``requests`` per ``per_seconds``, with bursts up to ``burst`` (default ``requests``).
    """

    requests: int
    per_seconds: int
    burst: NotRequired[int]

class _ScopeDict(TypedDict):
    methods: List[str]
    paths: List[str]

class _RateLimitDict(TypedDict):
    requests: int
    per_seconds: int
    burst: int

_Timestamp: TypeAlias = Union[int, datetime.datetime]
"""Whole seconds since the Unix epoch, or a ``datetime`` with a time zone."""

@disjoint_base
class PrivateKey:
    """A private key of a public-key algorithm, bound to one algorithm.

    Loading binds the algorithm: from the JWK ``alg`` member, from the key
    type where only one algorithm fits, or from ``alg``. Instances are
    immutable, cannot be pickled, and their ``repr`` shows only the algorithm
    and the public thumbprint. Ed25519 keys are ``Ed25519PrivateKey``
    instances. ECDSA P-256 and P-384 keys are supported; RSA private keys
    raise ``InvalidKeyError``, because this build verifies RSA signatures but
    does not sign with RSA (the ``rsa`` crate's private-key operations leak
    timing, RUSTSEC-2023-0071).

    Loading methods take the key's contents, not a file path: read the file
    first, for example ``PrivateKey.load(pathlib.Path(path).read_bytes())``.
    They raise ``InvalidKeyError`` for malformed input, a path given in place
    of the contents, or a key of another algorithm, and ``ValueError`` for an
    unknown ``alg`` name.
    """

    @classmethod
    def generate(cls, alg: Optional[str] = None) -> Self:
        """Generate a new key: Ed25519 unless ``alg`` names ``ecdsa-p256-sha256`` or ``ecdsa-p384-sha384``."""
    @classmethod
    def load(cls, data: _JwkData, alg: Optional[str] = None) -> Self:
        """Load a private key from PEM, JWK or DER, recognised from the content."""
    @classmethod
    def from_pem(cls, data: _KeyData, alg: Optional[str] = None) -> Self:
        """Load a private key from PEM: PKCS#8 ``PRIVATE KEY``, PKCS#1 or SEC1."""
    @classmethod
    def from_der(cls, data: _KeyData, alg: Optional[str] = None) -> Self:
        """Load a private key from PKCS#8, PKCS#1 or SEC1 DER."""
    @classmethod
    def from_jwk(cls, jwk: _JwkData, alg: Optional[str] = None) -> Self:
        """Load a private JWK (RFC 7517, RFC 8037), given as JSON text or as a mapping."""
    @property
    def algorithm(self) -> str:
        """The algorithm the key is bound to, such as ``ed25519``."""
    @property
    def thumbprint(self) -> str:
        """The RFC 7638 SHA-256 thumbprint of the public key in base64url, the default key id."""
    def public_key(self) -> PublicKey:
        """Return the public key (an ``Ed25519PublicKey`` for Ed25519)."""
    def to_pem(self) -> str:
        """Encode the key as PKCS#8 PEM. The text contains the private key."""
    def to_der(self) -> bytes:
        """Encode the key as PKCS#8 DER. The bytes contain the private key."""
    def to_jwk(self, kid: Optional[str] = None) -> str:
        """Encode the key as a private JWK (JSON text) with ``alg`` and, when given, ``kid``."""

@final
class Ed25519PrivateKey(PrivateKey):
    """An Ed25519 private key, the default algorithm."""

    @classmethod
    def from_seed(cls, seed: bytes) -> Self:
        """Build a key from its 32-byte seed, the RFC 8032 private key."""
    def public_key(self) -> Ed25519PublicKey:
        """Return the public key."""

@disjoint_base
class PublicKey:
    """A public key, bound to one algorithm: Ed25519, ECDSA P-256 or P-384, or RSA.

    An RSA key fits two algorithms, so loading one without a JWK ``alg``
    member or the id-RSASSA-PSS OID needs ``alg`` (``rsa-pss-sha512`` or
    ``rsa-v1_5-sha256``). Keys compare equal when algorithm and key match,
    and are hashable. Ed25519 keys are ``Ed25519PublicKey`` instances.

    Loading methods take the key's contents, not a file path, as those of
    ``PrivateKey`` do.
    """

    @classmethod
    def load(cls, data: _JwkData, alg: Optional[str] = None) -> Self:
        """Load a public key from PEM, JWK or DER, recognised from the content."""
    @classmethod
    def from_pem(cls, data: _KeyData, alg: Optional[str] = None) -> Self:
        """Load a public key from PEM (SPKI or PKCS#1), or the public half of a private key PEM."""
    @classmethod
    def from_der(cls, data: _KeyData, alg: Optional[str] = None) -> Self:
        """Load a public key from SPKI or PKCS#1 DER."""
    @classmethod
    def from_jwk(cls, jwk: _JwkData, alg: Optional[str] = None) -> Self:
        """Load a public JWK, given as JSON text or as a mapping."""
    @property
    def algorithm(self) -> str:
        """The algorithm the key is bound to, such as ``ed25519``."""
    @property
    def thumbprint(self) -> str:
        """The RFC 7638 SHA-256 thumbprint in base64url, the default key id of the private key's signatures."""
    def to_pem(self) -> str:
        """Encode the key as SPKI PEM (``PUBLIC KEY``)."""
    def to_der(self) -> bytes:
        """Encode the key as SPKI DER."""
    def to_jwk(self, kid: Optional[str] = None) -> str:
        """Encode the key as a public JWK (JSON text) with ``alg`` and, when given, ``kid``."""
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Ed25519PublicKey(PublicKey):
    """An Ed25519 public key."""

    @classmethod
    def from_public_bytes(cls, data: bytes) -> Self:
        """Build a key from its 32 raw bytes."""

@final
class HmacKey:
    """A shared HMAC-SHA256 secret of at least 32 bytes, used to sign and to verify.

    HMAC keys have no public thumbprint, so a ``Signer`` needs an explicit
    ``key_id``. The secret never appears in ``repr`` and the key cannot be
    pickled. A secret shorter than 32 bytes raises ``InvalidKeyError``
    (RFC 7518 section 3.2).
    """

    def __new__(cls, secret: bytes) -> Self: ...
    @staticmethod
    def generate() -> HmacKey:
        """Generate a random 32-byte secret."""
    @staticmethod
    def from_jwk(jwk: _JwkData) -> HmacKey:
        """Load an ``oct`` JWK, given as JSON text or as a mapping."""
    @property
    def algorithm(self) -> str:
        """Always ``hmac-sha256``."""
    def to_jwk(self, kid: Optional[str] = None) -> str:
        """Encode the key as an ``oct`` JWK (JSON text). The text contains the secret."""

@final
class Policy:
    """The rules a ``Verifier`` applies beyond checking the signature itself.

    ``Policy()`` and ``Policy.default()`` require a request signature to
    cover ``@method``, ``@authority``, ``@path`` and ``@query``, where
    ``@target-uri`` may replace the last three. A request with a body must
    also have ``content-digest`` covered. The ``created`` parameter is
    required, and may be at most 300 s old and 30 s in the future. ``Policy.server()``, the default of
    ``Verifier``, also requires ``nonce``. ``Policy.permissive()`` requires
    nothing and accepts any age: it exists to check test vectors and other
    implementations, never to authenticate requests.

    Every constructor takes these keyword options, which change the policy
    it starts from:

    - ``require_created``, ``require_expires``, ``require_nonce`` (bool):
      require the parameter.
    - ``tag`` (str or None): require this exact ``tag`` parameter.
    - ``max_age`` (int seconds, or None for any age), ``future_skew`` (int
      seconds): the time window of ``created``.
    - ``allowed_algorithms`` (sequence of names, or None for all).
    - ``reject_unknown_parameters`` (bool): reject parameters RFC 9421 does
      not define.
    - ``verify_digest`` (bool): check a covered ``Content-Digest`` against
      the body. Turn it off only when the body is checked elsewhere, for
      example while streaming with ``verify_content_digest``.
    - ``required_components`` (sequence of component names): replaces the
      required components of requests and responses, each required on its own.
    - ``max_header_bytes``, ``max_field_lines``, ``max_signatures``,
      ``max_components``, ``max_nonce_bytes``, ``max_body_bytes`` (int): limits
      on untrusted input.

    A ``Verifier`` does not remember nonces: a server that requires them
    stores each verified nonce for ``nonce_retention`` seconds and rejects a
    repeated one.
    """

    def __new__(
        cls,
        *,
        require_created: bool = ...,
        require_expires: bool = ...,
        require_nonce: bool = ...,
        tag: Optional[str] = ...,
        max_age: Optional[int] = ...,
        future_skew: int = ...,
        allowed_algorithms: Optional[Sequence[str]] = ...,
        reject_unknown_parameters: bool = ...,
        verify_digest: bool = ...,
        required_components: Sequence[str] = ...,
        max_header_bytes: int = ...,
        max_field_lines: int = ...,
        max_signatures: int = ...,
        max_components: int = ...,
        max_nonce_bytes: int = ...,
        max_body_bytes: int = ...,
    ) -> Self: ...
    @classmethod
    def default(
        cls,
        *,
        require_created: bool = ...,
        require_expires: bool = ...,
        require_nonce: bool = ...,
        tag: Optional[str] = ...,
        max_age: Optional[int] = ...,
        future_skew: int = ...,
        allowed_algorithms: Optional[Sequence[str]] = ...,
        reject_unknown_parameters: bool = ...,
        verify_digest: bool = ...,
        required_components: Sequence[str] = ...,
        max_header_bytes: int = ...,
        max_field_lines: int = ...,
        max_signatures: int = ...,
        max_components: int = ...,
        max_nonce_bytes: int = ...,
        max_body_bytes: int = ...,
    ) -> Policy:
        """Return the default policy (the same as ``Policy()``) with the given options changed."""
    @classmethod
    def server(
        cls,
        *,
        require_created: bool = ...,
        require_expires: bool = ...,
        require_nonce: bool = ...,
        tag: Optional[str] = ...,
        max_age: Optional[int] = ...,
        future_skew: int = ...,
        allowed_algorithms: Optional[Sequence[str]] = ...,
        reject_unknown_parameters: bool = ...,
        verify_digest: bool = ...,
        required_components: Sequence[str] = ...,
        max_header_bytes: int = ...,
        max_field_lines: int = ...,
        max_signatures: int = ...,
        max_components: int = ...,
        max_nonce_bytes: int = ...,
        max_body_bytes: int = ...,
    ) -> Policy:
        """Return the server policy (the default plus a required ``nonce``) with the given options changed."""
    @classmethod
    def permissive(
        cls,
        *,
        require_created: bool = ...,
        require_expires: bool = ...,
        require_nonce: bool = ...,
        tag: Optional[str] = ...,
        max_age: Optional[int] = ...,
        future_skew: int = ...,
        allowed_algorithms: Optional[Sequence[str]] = ...,
        reject_unknown_parameters: bool = ...,
        verify_digest: bool = ...,
        required_components: Sequence[str] = ...,
        max_header_bytes: int = ...,
        max_field_lines: int = ...,
        max_signatures: int = ...,
        max_components: int = ...,
        max_nonce_bytes: int = ...,
        max_body_bytes: int = ...,
    ) -> Policy:
        """Return a policy that requires no component or parameter and accepts any age, for test vectors."""
    def replace(
        self,
        *,
        require_created: bool = ...,
        require_expires: bool = ...,
        require_nonce: bool = ...,
        tag: Optional[str] = ...,
        max_age: Optional[int] = ...,
        future_skew: int = ...,
        allowed_algorithms: Optional[Sequence[str]] = ...,
        reject_unknown_parameters: bool = ...,
        verify_digest: bool = ...,
        required_components: Sequence[str] = ...,
        max_header_bytes: int = ...,
        max_field_lines: int = ...,
        max_signatures: int = ...,
        max_components: int = ...,
        max_nonce_bytes: int = ...,
        max_body_bytes: int = ...,
    ) -> Policy:
        """Return a copy with the given options changed."""
    @property
    def require_created(self) -> bool: ...
    @property
    def require_expires(self) -> bool: ...
    @property
    def require_nonce(self) -> bool: ...
    @property
    def tag(self) -> Optional[str]: ...
    @property
    def max_age(self) -> Optional[int]: ...
    @property
    def future_skew(self) -> int: ...
    @property
    def allowed_algorithms(self) -> Optional[List[str]]: ...
    @property
    def reject_unknown_parameters(self) -> bool: ...
    @property
    def verify_digest(self) -> bool: ...
    @property
    def max_header_bytes(self) -> int: ...
    @property
    def max_field_lines(self) -> int: ...
    @property
    def max_signatures(self) -> int: ...
    @property
    def max_components(self) -> int: ...
    @property
    def max_nonce_bytes(self) -> int: ...
    @property
    def max_body_bytes(self) -> int: ...
    @property
    def nonce_retention(self) -> int:
        """How long a server must remember a nonce, in seconds: the maximum age plus the future skew."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class SignatureHeaders(Mapping[str, str]):
    """The header fields a signature adds, as a read-only mapping of name to value.

    The keys are ``Content-Digest`` (only when the signer computed it),
    ``Signature-Input`` and ``Signature``; lookups ignore case. Each value is
    one dictionary member, such as ``sig1=(...);created=...``: when the
    message already carries a ``Signature-Input`` or ``Signature`` field, add
    the new value as another field line or join it to the old one with ``", "``.
    """

    @property
    def label(self) -> str:
        """The label of the signature."""
    @property
    def signature_input(self) -> str:
        """The ``Signature-Input`` member."""
    @property
    def signature(self) -> str:
        """The ``Signature`` member."""
    @property
    def content_digest(self) -> Optional[str]:
        """The ``Content-Digest`` value the signer added, or ``None``."""
    @property
    def base(self) -> str:
        """The signature base that was signed (RFC 9421 section 2.5), for debugging."""
    def __getitem__(self, name: str, /) -> str: ...
    def __iter__(self) -> Iterator[str]: ...
    def __len__(self) -> int: ...
    def __contains__(self, name: object, /) -> bool: ...
    def keys(self) -> List[str]:  # type: ignore[override]
        """Return the header names."""
    def values(self) -> List[str]:  # type: ignore[override]
        """Return the header values."""
    def items(self) -> List[Tuple[str, str]]:  # type: ignore[override]
        """Return the ``(name, value)`` pairs."""
    def get(self, name: str, default: Optional[str] = None) -> Optional[str]:  # type: ignore[override]
        """Return the value of a header, or ``default``."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Signer:
    """Signs requests and responses with one key under one profile.

    The defaults are the core's (``Signer::default_components``). A request
    signature covers ``@method``, ``@authority``, ``@path`` and ``@query``,
    and with a body also ``content-digest`` and, when present,
    ``content-type``. A response signature covers ``@status``, and with a
    body ``content-digest`` and ``content-type``. The parameters are ``created``
    (now), ``keyid`` and a random 128-bit ``nonce``.

    - ``key``: a ``PrivateKey`` or an ``HmacKey``.
    - ``key_id``: the ``keyid`` parameter. It defaults to the public key's
      RFC 7638 thumbprint, and HMAC keys need one.
    - ``label``: the signature label.
    - ``components``: the covered components, replacing the defaults. Each
      is a bare name (``@method``, ``content-type``) or a serialized
      identifier with parameters (``"@query-param";name="id"``).
    - ``created``: add the ``created`` parameter.
    - ``expires_in``: add ``expires``, this many seconds after ``created``.
    - ``nonce``: ``True`` for a random nonce per signature, a ``str`` for a
      fixed one (for tests), ``None`` or ``False`` for none.
    - ``tag``: the ``tag`` parameter.
    - ``alg_parameter``: add the ``alg`` parameter naming the key's algorithm.
    - ``digest``: the ``Content-Digest`` algorithm, ``sha-256`` or ``sha-512``.
    - ``now``: a fixed time in seconds since the Unix epoch, for tests and
      reproducible signatures; ``None`` reads the system clock.

    Invalid values raise ``ValueError`` and values of the wrong type raise
    ``TypeError``, each naming the argument.
    """

    def __new__(
        cls,
        key: Union[PrivateKey, HmacKey],
        *,
        key_id: Optional[str] = None,
        label: str = "sig1",
        components: Optional[Sequence[str]] = None,
        created: bool = True,
        expires_in: Optional[int] = None,
        nonce: Union[bool, str, None] = True,
        tag: Optional[str] = None,
        alg_parameter: bool = False,
        digest: str = "sha-256",
        now: Optional[int] = None,
    ) -> Self: ...
    @property
    def key_id(self) -> str:
        """The ``keyid`` that signatures carry."""
    @property
    def label(self) -> str:
        """The signature label."""
    @property
    def algorithm(self) -> str:
        """The algorithm of the key."""
    @property
    def components(self) -> Optional[Tuple[str, ...]]:
        """The configured components, or ``None`` when the defaults apply."""
    def sign(
        self,
        method: str,
        url: str,
        headers: Optional[_Headers] = None,
        body: Optional[_Body] = None,
    ) -> SignatureHeaders:
        """Sign a request and return the header fields to add to it.

        ``url`` is an absolute ``http`` or ``https`` URL, or an origin-form
        target (``/path?query``) whose authority is in a ``Host`` header and
        whose scheme is then ``https``. A ``Host`` header, when given, is the
        authority that is signed, as a server will see it.

        ``Content-Digest`` is added when it is covered and the headers have
        none, and one already present must match the body. The message is not
        changed. Raises ``SigningError`` when the request lacks a covered
        component or already carries a signature with this label.
        """
    def sign_response(
        self,
        status: int,
        headers: Optional[_Headers] = None,
        body: Optional[_Body] = None,
        *,
        request: Optional[_RequestTuple] = None,
    ) -> SignatureHeaders:
        """Sign a response. Pass the request it responds to when components carry ``req``."""

@final
class Verified:
    """A signature that verified, with what it covers, for authorization decisions."""

    @property
    def label(self) -> str:
        """The signature label."""
    @property
    def key_id(self) -> str:
        """The key id that verified it."""
    @property
    def algorithm(self) -> str:
        """The algorithm of the key, never taken from the signature's ``alg`` parameter."""
    @property
    def components(self) -> Tuple[str, ...]:
        """The covered components in the signer's order, as ``Signer(components=...)`` takes them."""
    @property
    def created(self) -> Optional[int]:
        """The ``created`` parameter, in seconds since the Unix epoch."""
    @property
    def expires(self) -> Optional[int]:
        """The ``expires`` parameter."""
    @property
    def nonce(self) -> Optional[str]:
        """The ``nonce`` parameter, which a server that requires nonces checks for reuse."""
    @property
    def tag(self) -> Optional[str]:
        """The ``tag`` parameter."""
    @property
    def alg(self) -> Optional[str]:
        """The ``alg`` parameter, when the signer sent one."""
    @property
    def digest_checked(self) -> bool:
        """Whether a covered ``Content-Digest`` was checked against the body."""
    @property
    def signature_params(self) -> str:
        """The serialized components and parameters, as in ``Signature-Input``."""

@final
class Verifier:
    """Verifies signed requests and responses under a ``Policy``.

    - ``keys``: a mapping of key id to ``PublicKey`` or ``HmacKey``, which
      is copied when the verifier is created. Or a callable that takes a key
      id and returns the key, or ``None`` for an unknown id. An exception
      from the callable propagates unchanged.
    - ``policy``: the rules; ``Policy.server()`` when ``None``.
    - ``label``, ``tag``: verify the signature with this label or ``tag``
      parameter. By default the first signature that passes is returned.
    - ``now``: a fixed time in seconds since the Unix epoch, for tests and
      replays; ``None`` reads the system clock.
    - ``scheme``, ``authority``: the scheme (``http`` or ``https``) and
      authority the client used, for a server behind a proxy. They override
      the URL and the ``Host`` header.
    - any ``Policy`` option, such as ``max_age=600``, changes the policy.

    Failures raise a ``VerificationError`` subclass whose ``code`` is the
    core's error code. The verifier does not remember nonces.
    """

    def __new__(
        cls,
        keys: Union[Mapping[str, _VerificationKey], Callable[[str], Optional[_VerificationKey]]],
        *,
        policy: Optional[Policy] = None,
        label: Optional[str] = None,
        tag: Optional[str] = None,
        now: Optional[int] = None,
        scheme: Optional[str] = None,
        authority: Optional[str] = None,
        require_created: bool = ...,
        require_expires: bool = ...,
        require_nonce: bool = ...,
        max_age: Optional[int] = ...,
        future_skew: int = ...,
        allowed_algorithms: Optional[Sequence[str]] = ...,
        reject_unknown_parameters: bool = ...,
        verify_digest: bool = ...,
        required_components: Sequence[str] = ...,
        max_header_bytes: int = ...,
        max_field_lines: int = ...,
        max_signatures: int = ...,
        max_components: int = ...,
        max_nonce_bytes: int = ...,
        max_body_bytes: int = ...,
    ) -> Self: ...
    @property
    def policy(self) -> Policy:
        """The policy in force, with the constructor's options applied."""
    @property
    def label(self) -> Optional[str]:
        """The label whose signature is verified, if one was chosen."""
    @property
    def tag(self) -> Optional[str]:
        """The tag whose signature is verified, if one was chosen."""
    def verify(
        self,
        method: str,
        url: str,
        headers: _Headers,
        body: Optional[_Body] = None,
    ) -> Verified:
        """Verify a request and return what its signature covers.

        ``url`` is the absolute URL or the origin-form target (``/path?query``)
        with the authority in a ``Host`` header. ``headers`` is required, and
        ``None`` raises ``TypeError``. ``body`` is the whole body.
        ``None`` is the same as ``b""``, so a request whose signature covers
        a body fails unless the body is given or the policy's
        ``verify_digest`` is off.
        """
    def verify_response(
        self,
        status: int,
        headers: _Headers,
        body: Optional[_Body] = None,
        *,
        request: Optional[_RequestTuple] = None,
    ) -> Verified:
        """Verify a response. Pass the request it responds to when components carry ``req``."""

@final
class KeyRecord:
    """One registered key and the rules that apply to requests signed with it.

    The fields are those of a ``[[keys]]`` table of the registry file
    (``spec/registry.md``):

    - ``key_id``: the key id that signatures carry in ``keyid``.
    - ``client_id``: the client the key belongs to. Several keys may share
      one client, which is how keys are rotated.
    - ``key``: a ``PublicKey``, or an ``HmacKey`` for a shared secret.
    - ``scopes``: what the key may call, such as
      ``[{"methods": ["GET", "POST"], "paths": ["/orders/**"]}]``; ``None``
      or empty allows every request.
    - ``source_cidrs``: networks the key may be used from, such as
      ``["10.0.0.0/8"]``; a bare address is one host, and ``None`` or empty
      allows any address.
    - ``rate_limit``: such as ``{"requests": 100, "per_seconds": 60, "burst": 20}``;
      it counts verified requests of this key in this process.
    - ``not_before``, ``not_after``: the validity, in Unix seconds or as a
      ``datetime`` with a time zone.
    - ``status``: ``"active"`` (default) or ``"revoked"``.

    Invalid values raise ``ValueError`` and values of the wrong type
    ``TypeError``, each naming the argument.
    """

    def __new__(
        cls,
        key_id: str,
        client_id: str,
        key: _VerificationKey,
        *,
        scopes: Optional[Sequence[_ScopeSpec]] = None,
        source_cidrs: Optional[Sequence[str]] = None,
        rate_limit: Optional[_RateLimitSpec] = None,
        not_before: Optional[_Timestamp] = None,
        not_after: Optional[_Timestamp] = None,
        status: Optional[str] = None,
    ) -> Self: ...
    def replace(
        self,
        *,
        key_id: str = ...,
        client_id: str = ...,
        key: _VerificationKey = ...,
        scopes: Optional[Sequence[_ScopeSpec]] = ...,
        source_cidrs: Optional[Sequence[str]] = ...,
        rate_limit: Optional[_RateLimitSpec] = ...,
        not_before: Optional[_Timestamp] = ...,
        not_after: Optional[_Timestamp] = ...,
        status: str = ...,
    ) -> KeyRecord:
        """Return a copy with the given fields changed, such as ``record.replace(status="revoked")``."""
    @property
    def key_id(self) -> str: ...
    @property
    def client_id(self) -> str: ...
    @property
    def algorithm(self) -> str:
        """The algorithm the key verifies, such as ``ed25519``."""
    @property
    def public_key(self) -> Optional[PublicKey]:
        """The public key, or ``None`` for an HMAC secret."""
    @property
    def scopes(self) -> List[_ScopeDict]:
        """The scopes, each with its ``methods`` (empty allows all) and ``paths``."""
    @property
    def source_cidrs(self) -> List[str]: ...
    @property
    def rate_limit(self) -> Optional[_RateLimitDict]: ...
    @property
    def not_before(self) -> Optional[int]:
        """The start of validity in Unix seconds."""
    @property
    def not_after(self) -> Optional[int]:
        """The end of validity in Unix seconds."""
    @property
    def status(self) -> str:
        """``"active"`` or ``"revoked"``."""

@final
class MemoryRegistry:
    """Key records held in memory, for a ``Gate``.

    Records can be added, replaced and removed while the gate verifies
    requests, and each change applies to the next lookup. Revoke a key with
    ``registry.add(record.replace(status="revoked"))``.
    """

    def __new__(cls, records: Optional[Iterable[KeyRecord]] = None) -> Self: ...
    def add(self, record: KeyRecord) -> None:
        """Add a record, replacing the one with the same key id."""
    def remove(self, key_id: str) -> bool:
        """Remove the record of a key id and report whether there was one."""
    def get(self, key_id: str) -> Optional[KeyRecord]:
        """Return the record of a key id, or ``None``."""
    def records(self) -> List[KeyRecord]:
        """Return every record, sorted by key id."""
    def __len__(self) -> int: ...
    def __contains__(self, key_id: object, /) -> bool: ...

@final
class RegistryFile:
    """A key registry file in TOML (``spec/registry.md``), reloaded when it changes.

    The file must be valid when it is opened. Otherwise ``RegistryError``
    is raised, naming the file, and for a bad entry the key and the field.
    Lookups check the file's modification time and size at most once per
    ``check_interval`` seconds (default 1). A changed file is loaded in full
    and replaces the records at once. An edit that fails to load keeps the
    last good records in force, and the error is logged to the ``reqsig.gate``
    logger. ``reqsig keys add``, ``revoke`` and ``remove`` edit the file.
    """

    def __new__(cls, path: Union[str, os.PathLike[str]], *, check_interval: Optional[float] = None) -> Self: ...
    @property
    def path(self) -> str: ...
    @property
    def check_interval(self) -> float:
        """Seconds between checks of the file for changes."""
    def reload(self) -> bool:
        """Check the file now, reload it when it changed, and report whether it did.

        Raises ``RegistryError`` when the changed file does not load; the last
        good records stay in force.
        """
    def records(self) -> List[KeyRecord]:
        """Return every record in force, sorted by key id."""
    def get(self, key_id: str) -> Optional[KeyRecord]:
        """Return the record of a key id, or ``None``."""
    def __len__(self) -> int: ...

@final
class MemoryReplayStore:
    """Nonces remembered in this process's memory, for a ``Gate``.

    It keeps at most ``capacity`` unexpired nonces (default one million).
    A full store rejects requests with 503 ``replay_store_unavailable``
    rather than forget a nonce that could still be replayed. It serves one
    process only: a server with several worker processes needs
    ``RedisReplayStore``, or a replay sent to another worker is accepted.
    """

    def __new__(cls, capacity: Optional[int] = None) -> Self: ...
    @property
    def capacity(self) -> int: ...
    def __len__(self) -> int:
        """Return the number of nonces stored, including expired ones not yet dropped."""

@final
class RedisReplayStore:
    """Nonces remembered in Redis, shared by every process and host that uses the same database.

    Each verified request costs one ``SET key 1 NX PX retention``, under
    ``prefix`` followed by a SHA-256 of the key id and the nonce. No
    connection is made until the first request. When Redis does not respond
    within about a second, the gate rejects the request with 503
    ``replay_store_unavailable`` (it fails closed) and reconnects later.

    ``url`` is a ``redis://`` or ``rediss://`` URL; an invalid one raises
    ``ValueError``, whose message never contains the URL, since the URL
    may hold a password. Create the gate in each worker process, or before
    the fork as long as the parent checks no request: a connection opened in
    the parent does not work in a forked child.
    """

    def __new__(cls, url: str, *, prefix: Optional[str] = None) -> Self: ...
    @property
    def prefix(self) -> str:
        """The key prefix, ``reqsig:nonce:`` by default."""

@final
class Identity:
    """The signer of an accepted request, handed to the application."""

    @property
    def client_id(self) -> str:
        """The client the key belongs to."""
    @property
    def key_id(self) -> str:
        """The key id that verified."""
    @property
    def label(self) -> str:
        """The signature's label."""
    @property
    def algorithm(self) -> str:
        """The key's algorithm."""
    @property
    def components(self) -> Tuple[str, ...]:
        """The covered components in the signer's order, as ``Signer(components=...)`` takes them."""
    @property
    def tag(self) -> Optional[str]:
        """The ``tag`` parameter."""
    @property
    def created(self) -> Optional[int]:
        """The ``created`` parameter, in Unix seconds."""
    @property
    def expires(self) -> Optional[int]:
        """The ``expires`` parameter."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Rejection:
    """A request the gate turned away, ready to be sent as a response.

    Send ``status``, ``headers`` and ``body``. ``reason`` and
    ``reason_code`` are for logs and metrics only: they may tell a revoked
    key from an unknown one, which clients must not learn.
    """

    @property
    def status(self) -> int:
        """401, 403, 413, 429, 431 or 503."""
    @property
    def code(self) -> str:
        """The stable code sent to the client, such as ``missing_signature``."""
    @property
    def detail(self) -> str:
        """The explanation sent to the client."""
    @property
    def headers(self) -> List[Tuple[str, str]]:
        """The response's header fields: ``content-type``, with 401 also
        ``www-authenticate`` and ``accept-signature``, and ``retry-after`` when set.
        """
    @property
    def body(self) -> bytes:
        """The JSON body, ``{"error": "<code>", "detail": "..."}``."""
    @property
    def retry_after(self) -> Optional[int]:
        """Seconds for ``Retry-After``, with 429 and 503."""
    @property
    def key_id(self) -> Optional[str]:
        """The key id the signature named, when the key is registered."""
    @property
    def reason(self) -> str:
        """The full reason, for logs only."""
    @property
    def reason_code(self) -> str:
        """The code of the full reason, such as ``key_revoked``, for logs and metrics only."""

@final
class Pending:
    """A verified request whose body may still need its Content-Digest checked.

    Finish it with ``Gate.complete``, or with ``Gate.body_too_large`` when
    the body exceeds ``Gate.max_body_bytes``; either may run once.
    """

    @property
    def needs_body(self) -> bool:
        """Whether ``Gate.complete`` needs the whole body, to check the
        ``content-digest`` that the signature covers.
        """
    @property
    def identity(self) -> Identity:
        """The identity the request gets once it is accepted."""

@final
class KeyUsage:
    """The counters of one key."""

    @property
    def accepted(self) -> int:
        """Requests accepted."""
    @property
    def rejected(self) -> Dict[str, int]:
        """Rejections by code, with refused keys under ``key_revoked``,
        ``key_expired``, ``key_not_yet_valid`` or ``test_key_refused``.
        """
    @property
    def last_used(self) -> Optional[int]:
        """When the key last signed an accepted request, in Unix seconds."""

@final
class UsageSnapshot:
    """A copy of a gate's per-key counters at one moment. They count this process only."""

    @property
    def keys(self) -> Dict[str, KeyUsage]:
        """The counters of each key id seen in a signature (at most 100 000 key ids)."""
    @property
    def unattributed(self) -> Dict[str, int]:
        """Rejections that name no key (unsigned or unparsable requests), by code."""
    def to_prometheus(self) -> str:
        """Render the counters in the Prometheus text exposition format."""

@final
class Gate:
    """The server-side verifier behind ``reqsig.asgi`` and ``reqsig.wsgi``.

    It runs the checks of the Rust gate (``reqsig-gate``), which the tower
    middleware and ``reqsig serve`` run too, in the order and with the error
    codes of ``spec/README.md``. Public routes pass first. Then come the
    concurrency cap (503) and the per-address limit (429). The signature is
    verified next: header limits (431), parsing, key lookup and status,
    signature and time window, each rejected with 401. Then the key's scopes and
    networks (403), its rate limit (429), the replay store (401
    ``replayed_nonce``, or 503 when the store fails), and finally the body
    against its Content-Digest (413 or 401). An unknown, revoked or expired
    key answers ``invalid_signature`` like a bad signature, so clients cannot
    probe key ids; the counters and the ``reqsig.gate`` logger get the full
    reason.

    - ``keys``: a ``RegistryFile`` or a ``MemoryRegistry``.
    - ``replay_store``: a ``MemoryReplayStore`` or a ``RedisReplayStore``;
      ``None`` keeps one million nonces in memory.
    - ``policy``: what a signature must cover; ``Policy.server()`` when
      ``None``. Its ``max_body_bytes`` is the body limit. The gate checks a
      covered Content-Digest itself, whatever ``verify_digest`` says.
    - ``tag_policies``: a policy per ``tag`` parameter. A request whose
      signature carries one of these tags is verified on that signature
      under that policy.
    - ``public_routes``: scopes whose requests pass without a signature,
      such as ``[{"methods": ["GET"], "paths": ["/health"]}]``.
    - ``scheme``, ``authority``: the scheme (``http`` or ``https``) and
      authority that clients sign, for a server behind a TLS-terminating
      proxy. Without them the authority is the ``Host`` field and the scheme
      ``https``.
    - ``per_source_limit``: a rate limit per client address, applied before
      any signature is checked.
    - ``max_concurrent_verifications``: a cap on checks in progress; further
      requests get 503 ``busy``.
    - ``allow_rfc9421_test_keys``: accept the published keys of RFC 9421
      Appendix B, whose private keys are public (for interoperability tests).
    - ``dangerous_expose_rejection_reasons``: send clients the full reason,
      which lets anyone probe which key ids exist. For development only.

    The replay store (unless it is Redis), the rate limits and the usage
    counters belong to this process. Every call runs with the interpreter
    released, and one gate serves any number of threads at once.
    """

    def __new__(
        cls,
        keys: Union[RegistryFile, MemoryRegistry],
        *,
        replay_store: Union[MemoryReplayStore, RedisReplayStore, None] = None,
        policy: Optional[Policy] = None,
        tag_policies: Optional[Dict[str, Policy]] = None,
        public_routes: Optional[Sequence[_ScopeSpec]] = None,
        scheme: Optional[str] = None,
        authority: Optional[str] = None,
        per_source_limit: Optional[_RateLimitSpec] = None,
        max_concurrent_verifications: Optional[int] = None,
        allow_rfc9421_test_keys: bool = False,
        dangerous_expose_rejection_reasons: bool = False,
    ) -> Self: ...
    @property
    def policy(self) -> Policy:
        """The policy for signatures without a configured tag."""
    @property
    def max_body_bytes(self) -> int:
        """The largest body buffered to check a Content-Digest; a larger one gets 413."""
    @property
    def scheme(self) -> Optional[str]:
        """The configured scheme, or ``None``."""
    @property
    def authority(self) -> Optional[str]:
        """The configured authority, or ``None``."""
    def check(
        self,
        method: str,
        target: str,
        headers: _Headers,
        peer: Optional[str] = None,
        *,
        body_present: bool = False,
    ) -> Union[Pending, Rejection, None]:
        """Run every check that needs only the request head.

        ``target`` is the request-target as the client sent it, such as
        ``/orders?page=2``, with no decoding. ``peer`` is the client's IP
        address, or ``None`` when unknown; keys restricted to networks are
        then rejected. Pass ``body_present=True`` when a body arrives although
        the head has neither ``Content-Length`` nor ``Transfer-Encoding`` (an
        HTTP/2 request may do that), so the request is held to the rules for
        requests with a body. Returns ``None`` for a public route, a ``Rejection``
        to send, or a ``Pending`` to finish with ``complete``. The rejection
        is already logged and counted. Blocks while it waits for the key
        source and the replay store, so async servers call it in a thread.

        Raises ``ValueError`` naming the argument when the method, target or
        a header field cannot be represented, to which a server responds with 400.
        """
    def complete(self, pending: Pending, body: Optional[_Body] = None) -> Union[Identity, Rejection]:
        """Check the body's Content-Digest when ``pending.needs_body``, count
        the request, and return its identity, or the 401 ``Rejection`` to send.

        Pass the whole body when ``pending.needs_body`` is true, else
        ``None``. Raises ``ValueError`` when ``pending`` was finished already.
        """
    def body_too_large(self, pending: Pending) -> Rejection:
        """Return the 413 ``Rejection`` for a body over ``max_body_bytes``,
        logged and counted; this finishes ``pending``.
        """
    def usage(self) -> UsageSnapshot:
        """Return a copy of the per-key usage counters."""

@final
class ResponseSigner:
    """Signs a server's responses, so clients can check that each comes from
    the server and answers their request.

    The signature (labelled ``sig1``, tagged ``reqsig-response``) covers
    ``@status``, ``content-type`` when present, ``content-digest`` when
    there is a body (added when absent), and from the request ``@method``,
    ``@authority``, ``@path``, ``@query``, and the request's
    ``Signature`` and ``Signature-Input`` of ``request_label``. Covering the
    request's signature binds the response to that one request. The
    parameters are ``created`` and ``keyid``.
    """

    def __new__(cls, key: Union[PrivateKey, HmacKey], key_id: str) -> Self: ...
    @property
    def key_id(self) -> str: ...
    @property
    def algorithm(self) -> str: ...
    def sign(
        self,
        status: int,
        headers: Optional[_Headers],
        body: Optional[_Body] = None,
        *,
        request: Tuple[str, str, _Headers],
        request_label: str,
        scheme: Optional[str] = None,
        authority: Optional[str] = None,
    ) -> SignatureHeaders:
        """Sign a response and return the header fields to add to it.

        ``request`` is the verified request as ``(method, target, headers)``,
        with its signature fields, and ``request_label`` is the label of its
        signature (``Identity.label``). ``scheme`` and ``authority`` are the
        gate's, for a server behind a proxy. Raises ``SigningError`` when the
        request lacks a component, such as the signature of that label.
        """

def content_digest(body: _Body, algorithm: str = "sha-256") -> str:
    """Compute the ``Content-Digest`` value of a body, such as ``sha-256=:...:``."""

def verify_content_digest(value: Union[str, bytes], body: _Body) -> None:
    """Check a ``Content-Digest`` value against the whole body.

    Every ``sha-256`` and ``sha-512`` member must match. Raises
    ``DigestMismatchError`` when one does not, and ``DigestError`` when the
    value is malformed or has no supported algorithm.
    """
