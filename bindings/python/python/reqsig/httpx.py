"""Sign every request that an ``httpx`` client sends, sync or async.

Use ``SignatureAuth`` as the client's or the request's ``auth``::

    auth = SignatureAuth(reqsig.Signer(key, key_id="client-1"), follow_redirects=True)
    with httpx.Client(auth=auth) as client:
        client.post("https://api.example.com/orders", json={"item": 42})

httpx runs the auth flow once per ``send``, so every request, and every
request sent again (a retry), gets its own signature with a fresh nonce.
``SignatureAuth`` replaces any ``Signature-Input`` and ``Signature`` fields
the request carries.

Redirects: when the client itself follows redirects
(``httpx.Client(follow_redirects=True)``), it does so below the auth flow.
It copies the first request's headers, signature included, to every hop,
even to another origin, and the auth flow never receives those hops. So let
the auth follow them instead: keep the client's ``follow_redirects=False`` (httpx's
default) and pass ``SignatureAuth(..., follow_redirects=True)``. The auth
flow then sends each hop that httpx builds (``Response.next_request``) with a
new signature, and sends hops to another origin (scheme, host and port)
without one unless ``sign_cross_origin=True``. With
``follow_redirects=False`` on both, the caller receives the redirect
response, and sending ``response.next_request`` through the client signs it
anew.
"""

from __future__ import annotations

from typing import Generator, List, Tuple

import httpx

from reqsig._clients import SIGNATURE_FIELDS, origin_of
from reqsig._reqsig import Signer

__all__ = ["SignatureAuth"]


class SignatureAuth(httpx.Auth):
    """Signs each request of an ``httpx.Client`` or ``httpx.AsyncClient``.

    ``follow_redirects`` makes the auth flow follow up to ``max_redirects``
    redirects itself, signing each hop; ``sign_cross_origin`` allows signing
    hops to another origin.
    """

    # The Content-Digest is computed from the body, so httpx must read it first.
    requires_request_body = True

    def __init__(
        self,
        signer: Signer,
        *,
        follow_redirects: bool = False,
        max_redirects: int = 20,
        sign_cross_origin: bool = False,
    ) -> None:
        if not isinstance(signer, Signer):
            raise TypeError(f"argument 'signer': expected reqsig.Signer, got {type(signer).__name__}")
        if isinstance(max_redirects, bool) or not isinstance(max_redirects, int):
            raise TypeError(f"argument 'max_redirects': expected int, got {type(max_redirects).__name__}")
        if max_redirects < 0:
            raise ValueError(f"argument 'max_redirects': {max_redirects} is negative")
        self.signer = signer
        self.follow_redirects = follow_redirects
        self.max_redirects = max_redirects
        self.sign_cross_origin = sign_cross_origin

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        origin = origin_of(str(request.url))
        _sign(self.signer, request)
        response = yield request
        hops = 0
        while self.follow_redirects and response.next_request is not None:
            if hops >= self.max_redirects:
                raise httpx.TooManyRedirects(
                    f"exceeded the maximum of {self.max_redirects} redirects", request=response.request
                )
            hop = response.next_request
            # httpx builds the hop from the previous request's body stream, which it has read.
            hop.read()
            for name in SIGNATURE_FIELDS:
                hop.headers.pop(name, None)
            if not hop.content:
                # The hop has no body, so a digest of the old one is wrong there.
                hop.headers.pop("Content-Digest", None)
            if origin_of(str(hop.url)) == origin or self.sign_cross_origin:
                _sign(self.signer, hop)
            response = yield hop
            hops += 1


def _sign(signer: Signer, request: httpx.Request) -> None:
    for name in SIGNATURE_FIELDS:
        request.headers.pop(name, None)
    url = request.url
    # netloc excludes user information, and raw_path is the percent-encoded path and query.
    target = f"{url.scheme}://{url.netloc.decode('ascii')}{url.raw_path.decode('ascii')}"
    headers: List[Tuple[bytes, bytes]] = list(request.headers.raw)
    signed = signer.sign(request.method, target, headers, request.content)
    for name, value in signed.items():
        request.headers[name] = value
