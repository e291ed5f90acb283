"""Helpers shared by the ASGI and WSGI middleware."""

from __future__ import annotations

import ipaddress
import json
from typing import Optional, Sequence, Set, Tuple, Union

from reqsig._reqsig import Gate, Identity, ResponseSigner

#: The key under which the middleware stores the verified ``Identity``, in
#: the ASGI scope and in the WSGI environ.
IDENTITY_KEY = "reqsig.identity"

#: Header fields kept by ``strip_unsigned_headers`` although the signature
#: does not cover them, because they frame the message.
FRAMING_FIELDS = frozenset({"host", "content-length", "transfer-encoding"})

WEBSOCKET_MODES = ("reject", "verify", "allow")

_Field = Tuple[Union[str, bytes], Union[str, bytes]]


def check_options(gate: object, strip_unsigned_headers: object, sign_responses: object) -> None:
    """Raise ``TypeError`` naming the argument when a middleware option has the wrong type."""
    if not isinstance(gate, Gate):
        raise TypeError(f"argument 'gate': expected reqsig.Gate, got {type(gate).__name__}")
    if not isinstance(strip_unsigned_headers, bool):
        raise TypeError(
            f"argument 'strip_unsigned_headers': expected bool, got {type(strip_unsigned_headers).__name__}"
        )
    if sign_responses is not None and not isinstance(sign_responses, ResponseSigner):
        raise TypeError(
            f"argument 'sign_responses': expected reqsig.ResponseSigner or None, got {type(sign_responses).__name__}"
        )


def peer_of(host: Optional[str]) -> Optional[str]:
    """Return the client address the server reported, or ``None`` when it is not an IP address.

    A server listening on a Unix socket reports a path or nothing. The gate
    then treats the address as unknown and rejects keys restricted to networks.
    """
    if not host:
        return None
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    return host


def covered_fields(identity: Identity) -> Set[str]:
    """Return the names of the header fields the signature covers (not derived, ``req`` or ``tr`` ones)."""
    names = set()
    for component in identity.components:
        if component.startswith('"'):
            end = component.index('"', 1)
            name, parameters = component[1:end], component[end + 1 :].split(";")
            if "req" in parameters or "tr" in parameters:
                continue
        else:
            name = component
        if not name.startswith("@"):
            names.add(name)
    return names


def error_body(code: str, detail: str) -> bytes:
    """Return the JSON body of an error that the middleware itself sends, shaped as the gate's."""
    return json.dumps({"error": code, "detail": detail}).encode()


def check_websocket_mode(websocket: object) -> str:
    """Return the ``websocket`` option after checking it."""
    if not isinstance(websocket, str):
        raise TypeError(f"argument 'websocket': expected str, got {type(websocket).__name__}")
    if websocket not in WEBSOCKET_MODES:
        raise ValueError(f"argument 'websocket': {websocket!r} is not one of {', '.join(WEBSOCKET_MODES)}")
    return websocket


def response_signature(
    signer: ResponseSigner,
    gate: Gate,
    status: int,
    headers: Sequence[_Field],
    body: bytes,
    request: Tuple[str, str, Sequence[_Field]],
    label: str,
) -> list[Tuple[str, str]]:
    """Sign a response and return the header fields to add, with lowercase names."""
    signed = signer.sign(
        status, headers, body, request=request, request_label=label, scheme=gate.scheme, authority=gate.authority
    )
    return [(name.lower(), value) for name, value in signed.items()]
