"""The exceptions reqsig raises, and the choice of class for a core error.

Every exception carries ``code``, the stable error code of the Rust core
(``reqsig::Error::code``), which servers send to clients and count in
metrics. Verification failures are ``VerificationError`` subclasses, one per
step of the verifier. Each subclass lists the codes it covers in ``codes``.

Arguments of the wrong type or value raise the builtin ``TypeError`` or
``ValueError``, naming the argument. Those are programming errors, not
failures of an input.
"""

from __future__ import annotations

from typing import ClassVar, FrozenSet, Type


class ReqsigError(Exception):
    """Base class of the errors reqsig raises for keys, signing and verification."""

    codes: ClassVar[FrozenSet[str]] = frozenset()
    code: str
    """The stable error code, such as ``invalid_signature``."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class InvalidKeyError(ReqsigError, ValueError):
    """A key failed to load, convert, generate or sign (code ``key_error``).

    It is also a ``ValueError``, as a malformed key is a bad value.
    """

    codes = frozenset({"key_error"})


class SigningError(ReqsigError):
    """Signing failed: a covered component is missing, the label is taken,
    or an existing Content-Digest does not match the body.
    """


class RegistryError(ReqsigError):
    """A key registry file could not be read or is invalid (code ``registry_error``).

    The message names the file, and for a bad entry the key id and the field.
    """

    codes = frozenset({"registry_error"})


class VerificationError(ReqsigError):
    """A signature or a Content-Digest failed verification.

    Catch this class to reject a request. ``code`` is the reason.
    """


class LimitExceededError(VerificationError):
    """A header field, signature list, component list, nonce or body exceeds a limit of the policy."""

    codes = frozenset(
        {
            "header_too_large",
            "too_many_field_lines",
            "too_many_signatures",
            "too_many_components",
            "nonce_too_long",
            "body_too_large",
        }
    )


class MissingSignatureError(VerificationError):
    """The message has no signature, or none with the label or tag the verifier selects."""

    codes = frozenset({"missing_signature", "missing_label", "tag_not_found"})


class MalformedSignatureError(VerificationError):
    """``Signature-Input`` or ``Signature`` does not parse, or lists invalid components or parameters."""

    codes = frozenset(
        {
            "malformed_signature_input",
            "malformed_signature",
            "duplicate_label",
            "invalid_component",
            "duplicate_component",
            "unknown_component",
            "invalid_parameter",
        }
    )


class PolicyError(VerificationError):
    """The signature lacks a parameter, tag or algorithm that the policy requires."""

    codes = frozenset({"missing_parameter", "unknown_parameter", "tag_mismatch", "algorithm_not_allowed"})


class ComponentNotCoveredError(PolicyError):
    """The signature does not cover a component that the policy requires."""

    codes = frozenset({"component_not_covered", "incomplete_signature_coverage"})


class UnknownKeyError(VerificationError):
    """No usable key: the key id is unknown (``unknown_key``) or the key is refused (``key_rejected``)."""

    codes = frozenset({"unknown_key", "key_rejected"})


class AlgorithmMismatchError(VerificationError):
    """The signature's ``alg`` parameter names another algorithm than the key's."""

    codes = frozenset({"algorithm_mismatch"})


class MissingComponentError(VerificationError):
    """A covered component is absent from the message or does not apply to it."""

    codes = frozenset({"missing_component", "component_not_applicable"})


class InvalidSignatureError(VerificationError):
    """The signature does not verify with the key over the signature base."""

    codes = frozenset({"invalid_signature"})


class ExpiredError(VerificationError):
    """The signature's ``expires`` has passed, or ``created`` is older than the maximum age."""

    codes = frozenset({"expired", "too_old"})


class CreatedInFutureError(VerificationError):
    """The signature's ``created`` lies further in the future than the allowed clock skew."""

    codes = frozenset({"created_in_future"})


class DigestError(VerificationError):
    """``Content-Digest`` is missing, malformed or carries no supported algorithm."""

    codes = frozenset({"digest_unsupported", "malformed_digest", "missing_digest"})


class DigestMismatchError(DigestError):
    """A ``Content-Digest`` value does not match the body."""

    codes = frozenset({"digest_mismatch"})


class InvalidMessageError(VerificationError):
    """The message cannot be read: no authority, several Host lines, or an invalid target."""

    codes = frozenset({"invalid_message"})


_VERIFICATION_CLASSES: tuple[Type[VerificationError], ...] = (
    LimitExceededError,
    MissingSignatureError,
    MalformedSignatureError,
    PolicyError,
    ComponentNotCoveredError,
    UnknownKeyError,
    AlgorithmMismatchError,
    MissingComponentError,
    InvalidSignatureError,
    ExpiredError,
    CreatedInFutureError,
    DigestError,
    DigestMismatchError,
    InvalidMessageError,
)

_CLASS_BY_CODE: dict[str, Type[VerificationError]] = {
    code: cls for cls in _VERIFICATION_CLASSES for code in cls.codes
}


def from_rust(operation: str, code: str, message: str) -> ReqsigError:
    """Build the exception for a failure of the Rust core.

    ``operation`` is ``key``, ``sign``, ``registry`` or ``verify``. Key errors
    become ``InvalidKeyError`` in every operation. A verification code that no
    subclass lists (such as ``resolver_pending``, or a code added to the core
    later) becomes a plain ``VerificationError``.
    """
    if code == "key_error":
        return InvalidKeyError(message, code)
    if operation == "sign":
        return SigningError(message, code)
    if operation == "registry":
        return RegistryError(message, code)
    return _CLASS_BY_CODE.get(code, VerificationError)(message, code)
