"""Sign every request that the ``requests`` library sends.

Use ``SignatureAuth`` like any other ``requests`` authentication::

    session = requests.Session()
    session.auth = SignatureAuth(reqsig.Signer(key, key_id="client-1"))
    session.post("https://api.example.com/orders", json={"item": 42})

Each prepared request gets its own signature, with a fresh nonce.
``SignatureAuth`` replaces any ``Signature-Input`` and ``Signature`` fields
the request carries.

Redirects: ``requests`` follows a redirect by copying the previous request's
headers and does not call the authentication again. So ``SignatureAuth``
registers a response hook that, on a redirect response, computes the next
request with the session's own redirect logic (``Session.resolve_redirects``
with ``yield_requests=True``, the call ``requests`` uses for
``Response.next``) and signs it before ``requests`` copies it. A redirect to
another origin (scheme, host and port) is sent without a signature unless
``sign_cross_origin=True``. The hop is predicted with a plain session, so a
signature that covers ``Cookie``, ``Authorization`` or ``Proxy-Authorization``
may not match on a redirected request, because the real session sets those
from its cookie jar, netrc and proxy settings.

Retries: urllib3's ``Retry`` (``HTTPAdapter(max_retries=...)``) resends the
same bytes below ``requests``, so a retried request repeats the nonce and a
server that remembers nonces rejects it. Retry by calling the session method
again (``session.post(...)``), which prepares and signs a new request.
``session.send`` of an already prepared request does not sign it again.

Bodies must be in memory (``bytes``, ``str``, JSON or form data), because
the ``Content-Digest`` is computed from them. A file or generator body
raises ``TypeError``.
"""

from __future__ import annotations

from importlib import metadata
from typing import Any, List, Tuple, Union

import requests
from requests.auth import AuthBase
from requests.models import PreparedRequest, Response

from reqsig._clients import SIGNATURE_FIELDS, Origin, origin_of, without_userinfo
from reqsig._reqsig import Signer

__all__ = ["SignatureAuth"]

_HeaderPairs = List[Tuple[str, Union[str, bytes]]]


class SignatureAuth(AuthBase):
    """Signs each request of a ``requests`` session with a ``reqsig.Signer``.

    ``sign_cross_origin`` allows signing redirected requests to another
    origin. By default they are sent without a signature.
    """

    def __init__(self, signer: Signer, *, sign_cross_origin: bool = False) -> None:
        if not isinstance(signer, Signer):
            raise TypeError(f"argument 'signer': expected reqsig.Signer, got {type(signer).__name__}")
        self.signer = signer
        self.sign_cross_origin = sign_cross_origin

    def __call__(self, request: PreparedRequest) -> PreparedRequest:
        _sign(self.signer, request)
        hooks: list[Any] = request.hooks.setdefault("response", [])
        hooks[:] = [hook for hook in hooks if not isinstance(hook, _RedirectHook)]
        hooks.append(_RedirectHook(self, origin_of(request.url or "")))
        return request


class _RedirectHook:
    """The response hook that signs the next request of a redirect.

    ``requests`` copies the redirected request from the one that received the
    redirect response after this hook returns, so the hook replaces that
    request's signature with one for the next request.
    """

    def __init__(self, auth: SignatureAuth, origin: Origin) -> None:
        self.auth = auth
        self.origin = origin

    def __call__(self, response: Response, **kwargs: Any) -> Response:
        if not response.is_redirect:
            return response
        sent = response.request
        if not isinstance(sent, PreparedRequest):
            return response
        # `sent` is the object that requests copies for the next hop, so a
        # copy keeps what was sent visible as response.request.
        response.request = sent.copy()
        next_hop = _next_request(response, sent)
        for name in SIGNATURE_FIELDS:
            sent.headers.pop(name, None)
        if next_hop is None:
            return response
        if next_hop.body is None:
            # The next request has no body, so a digest of the old one is wrong there.
            sent.headers.pop("Content-Digest", None)
            next_hop.headers.pop("Content-Digest", None)
        same_origin = origin_of(next_hop.url or "") == self.origin
        if same_origin or self.auth.sign_cross_origin:
            signed = self.auth.signer.sign(
                next_hop.method or "GET",
                without_userinfo(next_hop.url or ""),
                _header_pairs(next_hop),
                _body_bytes(next_hop.body),
            )
            sent.headers.update(signed)
        return response


def _next_request(response: Response, sent: PreparedRequest) -> PreparedRequest | None:
    """Compute the request that follows a redirect response, as requests will."""
    session = requests.Session()
    session.trust_env = False
    try:
        hops = session.resolve_redirects(response, sent, yield_requests=True)
        try:
            next_hop: Any = next(iter(hops), None)
        finally:
            close = getattr(hops, "close", None)
            if close is not None:
                close()
    finally:
        session.close()
    return next_hop if isinstance(next_hop, PreparedRequest) else None


def _sign(signer: Signer, request: PreparedRequest) -> None:
    for name in SIGNATURE_FIELDS:
        request.headers.pop(name, None)
    signed = signer.sign(
        request.method or "GET",
        without_userinfo(request.url or ""),
        _header_pairs(request),
        _body_bytes(request.body),
    )
    request.headers.update(signed)


def _header_pairs(request: PreparedRequest) -> _HeaderPairs:
    pairs: _HeaderPairs = []
    for name, value in request.headers.items():
        if name.lower() in ("signature-input", "signature"):
            continue
        pairs.append((name, value))
    return pairs


# urllib3 2 sends a str body as UTF-8, while urllib3 1 leaves it to
# http.client, which sends ISO-8859-1.
_STR_BODY_ENCODING = "iso-8859-1" if metadata.version("urllib3").startswith("1.") else "utf-8"


def _body_bytes(body: Any) -> bytes:
    """Return the bytes urllib3 sends for a request body."""
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode(_STR_BODY_ENCODING)
    if isinstance(body, (bytearray, memoryview)):
        return bytes(body)
    raise TypeError(
        "argument 'body': SignatureAuth needs the request body in memory to compute its "
        f"Content-Digest, got {type(body).__name__}; read the file or join the generator first"
    )
