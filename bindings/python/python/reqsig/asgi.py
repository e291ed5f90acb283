"""ASGI middleware that verifies the signature of every request (Starlette, FastAPI).

``VerifyMiddleware`` runs the server-side checks of ``reqsig.Gate``, which
are the Rust gate's (``reqsig-gate``): the same order of checks, error codes
and responses as the tower middleware and ``reqsig serve``. An unsigned
request or a bad signature gets 401, with ``WWW-Authenticate`` and
``Accept-Signature``. A key outside its scopes or source networks gets 403,
a key over its rate limit 429 with ``Retry-After``, and a body over the
gate's limit 413. Each rejection has a JSON body
``{"error": "<code>", "detail": "..."}``::

    import reqsig
    from fastapi import FastAPI, Request
    from reqsig.asgi import VerifyMiddleware

    gate = reqsig.Gate(reqsig.RegistryFile("registry.toml"))
    app = FastAPI()
    app.add_middleware(VerifyMiddleware, gate=gate)

    @app.post("/orders")
    async def create(request: Request) -> dict[str, str]:
        identity: reqsig.Identity = request.scope["reqsig.identity"]
        return {"client": identity.client_id}

A request that passes reaches the application with its ``Identity`` in
``scope["reqsig.identity"]``. A public route (``Gate(public_routes=...)``)
passes without a check and without that key. When the signature covers
``content-digest``, the middleware reads the body up to
``gate.max_body_bytes``, checks it, and replays the same ``http.request``
messages to the application, so it reads exactly the bytes that were hashed.
Otherwise the body streams to the application unread.

The gate's calls block: key lookup, a reload of the registry file, the
signature, and with ``RedisReplayStore`` a round trip to Redis. So the
middleware runs them with ``asyncio.to_thread``, in the event loop's
default executor, and the event loop keeps serving other requests
meanwhile. The Rust code runs with the interpreter released. The thread hop
costs some tens of microseconds per request. A bridge from the gate's tokio
futures to asyncio futures would save it, but needs more machinery.

The request-target checked is ``scope["raw_path"]`` (the bytes the client
sent) with ``scope["query_string"]``. A server that gives no ``raw_path``
gets ``scope["path"]`` percent-encoded again, which differs from what the
client signed when the client encoded more characters than needed. The
client address is ``scope["client"]``. Behind a proxy, let the server
rewrite it from the proxy's headers (uvicorn's ``--proxy-headers`` with
``--forwarded-allow-ips``), and give the gate the ``scheme`` and
``authority`` that clients sign.

WebSocket connections are rejected by default (``websocket="reject"``):
their messages carry no signatures, so letting them through unchecked would
open a hole beside the verified routes. ``websocket="verify"`` checks the
signature of the opening handshake (a GET) like any request and passes the
identity in the scope. ``websocket="allow"`` lets every connection through
unchecked. Lifespan and other scope types pass through.

With ``sign_responses=ResponseSigner(...)`` the middleware buffers each
response to a verified request and signs it under reqsig's response profile.

The replay store and the rate limits of a gate live in the process. Servers
with several worker processes need ``RedisReplayStore``, and each process
counts rate limits and usage on its own.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from typing import Any, Awaitable, Callable, Deque, List, MutableMapping, Optional, Tuple, Union
from urllib.parse import quote

from reqsig._errors import SigningError
from reqsig._reqsig import Gate, Identity, Pending, Rejection, ResponseSigner
from reqsig._server import (
    FRAMING_FIELDS,
    IDENTITY_KEY,
    check_options,
    check_websocket_mode,
    covered_fields,
    error_body,
    peer_of,
    response_signature,
)

__all__ = ["IDENTITY_KEY", "VerifyMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Header = Tuple[bytes, bytes]

_logger = logging.getLogger("reqsig.asgi")

# The response extensions that send a body without http.response.body
# messages. They are hidden from the application while responses are
# signed, so that the whole body passes through the middleware.
_BODYLESS_EXTENSIONS = ("http.response.pathsend", "http.response.zerocopy")

# Characters left as they are when a path is percent-encoded again: the
# RFC 3986 sub-delims, ':' and '@' of a path segment, and '/'.
_PATH_SAFE = "/:@!$&'()*+,;=~"


class VerifyMiddleware:
    """Verifies each HTTP request with a ``reqsig.Gate`` before it reaches the ASGI application.

    - ``app``: the ASGI application.
    - ``gate``: the ``reqsig.Gate`` with the keys, replay store and policy.
    - ``strip_unsigned_headers``: pass the application only the header
      fields the signature covered, plus ``host``, ``content-length`` and
      ``transfer-encoding``.
    - ``sign_responses``: a ``reqsig.ResponseSigner`` that signs every
      response to a verified request.
    - ``websocket``: ``"reject"`` (default), ``"verify"`` or ``"allow"``,
      as the module documentation explains.
    """

    def __init__(
        self,
        app: ASGIApp,
        gate: Gate,
        *,
        strip_unsigned_headers: bool = False,
        sign_responses: Optional[ResponseSigner] = None,
        websocket: str = "reject",
    ) -> None:
        check_options(gate, strip_unsigned_headers, sign_responses)
        self.app = app
        self.gate = gate
        self.strip_unsigned_headers = strip_unsigned_headers
        self.sign_responses = sign_responses
        self.websocket = check_websocket_mode(websocket)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        head = _request_head(scope, scope["method"])
        body_present = False
        if not _declares_body(scope["headers"]):
            # An HTTP/2 or HTTP/3 body may come without Content-Length: read
            # the first body message, so a body the head hides is still checked.
            first = await receive()
            body_present = first["type"] == "http.request" and bool(
                first.get("body") or first.get("more_body")
            )
            receive = _replay([first], receive)
        try:
            outcome = await asyncio.to_thread(self.gate.check, *head, body_present=body_present)
        except ValueError as error:
            _logger.warning("rejected an unreadable request: %s", error)
            await _send_response(send, 400, [], error_body("invalid_request", str(error)))
            return
        if outcome is None:
            await self.app(scope, receive, send)
            return
        if isinstance(outcome, Rejection):
            await _send_rejection(send, outcome)
            return

        replayed: Optional[List[Message]] = None
        if outcome.needs_body:
            read = await self._read_body(outcome, scope, receive)
            if read is None:
                return
            if isinstance(read, Rejection):
                await _send_rejection(send, read)
                return
            body, replayed = read
            result = await asyncio.to_thread(self.gate.complete, outcome, body)
        else:
            result = self.gate.complete(outcome, None)
        if isinstance(result, Rejection):
            await _send_rejection(send, result)
            return

        scope = self._scope_for_app(scope, result)
        if replayed is not None:
            receive = _replay(replayed, receive)
        if self.sign_responses is not None:
            signing = _SigningSend(send, self.sign_responses, self.gate, head, result.label)
            await self.app(scope, receive, signing)
        else:
            await self.app(scope, receive, send)

    async def _read_body(
        self, pending: Pending, scope: Scope, receive: Receive
    ) -> Union[None, Rejection, Tuple[bytes, List[Message]]]:
        """Read the body up to the gate's limit.

        Returns the body and the messages that carried it, the 413 rejection,
        or ``None`` when the client disconnected.
        """
        limit = self.gate.max_body_bytes
        declared = _content_length(scope["headers"])
        if declared is not None and declared > limit:
            return self.gate.body_too_large(pending)
        chunks: List[bytes] = []
        messages: List[Message] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            if message["type"] != "http.request":
                continue
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return self.gate.body_too_large(pending)
            chunks.append(chunk)
            messages.append(message)
            if not message.get("more_body", False):
                return b"".join(chunks), messages

    def _scope_for_app(self, scope: Scope, identity: Identity) -> Scope:
        """Copy the scope with the identity added, as ASGI requires of middleware that changes it."""
        scope = dict(scope)
        scope[IDENTITY_KEY] = identity
        if self.strip_unsigned_headers:
            keep = covered_fields(identity) | FRAMING_FIELDS
            scope["headers"] = [
                (name, value) for name, value in scope["headers"] if name.decode("latin-1").lower() in keep
            ]
        if self.sign_responses is not None and scope.get("extensions"):
            extensions = dict(scope["extensions"])
            for name in _BODYLESS_EXTENSIONS:
                extensions.pop(name, None)
            scope["extensions"] = extensions
        return scope

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.websocket == "allow":
            await self.app(scope, receive, send)
            return
        if self.websocket == "reject":
            await _deny_websocket(
                scope,
                send,
                403,
                [(b"content-type", b"application/json")],
                error_body("websocket_rejected", "this server does not accept WebSocket connections"),
            )
            return
        head = _request_head(scope, "GET")
        try:
            outcome = await asyncio.to_thread(self.gate.check, *head)
        except ValueError as error:
            _logger.warning("rejected an unreadable WebSocket handshake: %s", error)
            await _deny_websocket(
                scope, send, 400, [(b"content-type", b"application/json")], error_body("invalid_request", str(error))
            )
            return
        if outcome is None:
            await self.app(scope, receive, send)
            return
        if isinstance(outcome, Rejection):
            result: Union[Identity, Rejection] = outcome
        else:
            # A handshake has no body, so an empty one is what a covered digest must match.
            result = self.gate.complete(outcome, b"" if outcome.needs_body else None)
        if isinstance(result, Rejection):
            headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in result.headers]
            await _deny_websocket(scope, send, result.status, headers, result.body)
            return
        await self.app(self._scope_for_app(scope, result), receive, send)


_Head = Tuple[str, str, List[Header], Optional[str]]


def _request_head(scope: Scope, method: str) -> _Head:
    """Return the gate's arguments: method, request-target, header fields and client address."""
    raw_path = scope.get("raw_path")
    if raw_path:
        # Some servers leave the query in raw_path; query_string carries it anyway.
        path = raw_path.decode("latin-1").split("?", 1)[0]
    else:
        path = quote(scope.get("path") or "/", safe=_PATH_SAFE)
    query = scope.get("query_string", b"")
    target = f"{path}?{query.decode('latin-1')}" if query else path
    client = scope.get("client")
    peer = peer_of(client[0] if client else None)
    return method, target, list(scope["headers"]), peer


def _declares_body(headers: List[Header]) -> bool:
    """Report whether the head announces a body with ``Content-Length`` or ``Transfer-Encoding``."""
    return any(name.lower() in (b"content-length", b"transfer-encoding") for name, _ in headers)


def _content_length(headers: List[Header]) -> Optional[int]:
    values = [value for name, value in headers if name.lower() == b"content-length"]
    if len(values) != 1:
        return None
    try:
        return int(values[0])
    except ValueError:
        return None


def _replay(messages: List[Message], receive: Receive) -> Receive:
    """Return a ``receive`` that yields the buffered messages first, then the server's."""
    queue: Deque[Message] = collections.deque(messages)

    async def replayed() -> Message:
        if queue:
            return queue.popleft()
        return await receive()

    return replayed


async def _send_response(send: Send, status: int, headers: List[Header], body: bytes) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    if not any(name == b"content-type" for name, _ in headers):
        headers.append((b"content-type", b"application/json"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _send_rejection(send: Send, rejection: Rejection) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in rejection.headers]
    await _send_response(send, rejection.status, headers, rejection.body)


async def _deny_websocket(scope: Scope, send: Send, status: int, headers: List[Header], body: bytes) -> None:
    """Refuse a WebSocket handshake: with an HTTP response when the server
    supports the ``websocket.http.response`` extension, else with a close
    before accepting, to which the server responds with 403.
    """
    if "websocket.http.response" in scope.get("extensions", {}):
        headers = [*headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        await send({"type": "websocket.close", "code": 1008})


class _SigningSend:
    """A ``send`` that buffers the response and sends it again with its signature."""

    def __init__(self, send: Send, signer: ResponseSigner, gate: Gate, head: _Head, label: str) -> None:
        self.send = send
        self.signer = signer
        self.gate = gate
        self.request = (head[0], head[1], head[2])
        self.label = label
        self.start: Optional[Message] = None
        self.chunks: List[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
            return
        if message["type"] != "http.response.body" or self.start is None:
            await self.send(message)
            return
        self.chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        start, body = self.start, b"".join(self.chunks)
        headers: List[Header] = list(start.get("headers", []))
        try:
            added = await asyncio.to_thread(
                response_signature,
                self.signer,
                self.gate,
                start["status"],
                headers,
                body,
                self.request,
                self.label,
            )
        except SigningError as error:
            _logger.error("failed to sign the response: %s", error)
            await _send_response(
                self.send, 500, [], error_body("response_signing_failed", "the response could not be signed")
            )
            return
        headers += [(name.encode("latin-1"), value.encode("latin-1")) for name, value in added]
        await self.send({**start, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})
