"""WSGI middleware that verifies the signature of every request (Flask, Django).

``VerifyMiddleware`` runs the server-side checks of ``reqsig.Gate``, which
are the Rust gate's (``reqsig-gate``): the same order of checks, error codes
and responses as the tower middleware and ``reqsig serve``. An unsigned
request or a bad signature gets 401, with ``WWW-Authenticate`` and
``Accept-Signature``. A key outside its scopes or source networks gets 403,
a key over its rate limit 429 with ``Retry-After``, and a body over the
gate's limit 413. Each rejection has a JSON body
``{"error": "<code>", "detail": "..."}``.

Flask::

    import reqsig
    from flask import Flask, request
    from reqsig.wsgi import VerifyMiddleware

    app = Flask(__name__)
    gate = reqsig.Gate(reqsig.RegistryFile("registry.toml"))
    app.wsgi_app = VerifyMiddleware(app.wsgi_app, gate)

    @app.post("/orders")
    def create() -> dict[str, str]:
        identity: reqsig.Identity = request.environ["reqsig.identity"]
        return {"client": identity.client_id}

Django: wrap the application in ``wsgi.py``,
``application = VerifyMiddleware(get_wsgi_application(), gate)``, and read
``request.META["reqsig.identity"]``.

A request that passes reaches the application with its ``Identity`` in
``environ["reqsig.identity"]``. A public route (``Gate(public_routes=...)``)
passes without a check and without that key. When the signature covers
``content-digest``, the middleware reads ``wsgi.input`` up to
``gate.max_body_bytes`` (``CONTENT_LENGTH`` bytes, or to the end when the
server sets ``wsgi.input_terminated``), checks it, and gives the
application a fresh ``io.BytesIO`` with the same bytes. Otherwise
``wsgi.input`` is left unread.

The header fields checked are rebuilt from ``HTTP_*``, ``CONTENT_TYPE`` and
``CONTENT_LENGTH``. The request-target is ``REQUEST_URI`` or ``RAW_URI``
when the server provides one (Werkzeug, gunicorn, uWSGI), else
``SCRIPT_NAME`` and ``PATH_INFO`` percent-encoded again with
``QUERY_STRING``. The client address is ``REMOTE_ADDR``. Behind a proxy,
set it from the proxy's headers first (Werkzeug's ``ProxyFix``) and give
the gate the ``scheme`` and ``authority`` that clients sign. WSGI loses
some of what a client signed, so such requests fail verification:

- A field sent on several lines reaches the application joined by the
  server, and ``wsgiref`` and Werkzeug join with ``","`` where RFC 9421
  joins with ``", "``. A signature that covers such a field then fails.
- ``_`` and ``-`` in field names both become ``_`` in the environ.
- Without ``REQUEST_URI``, a path the client encoded more than needed is
  encoded differently again.

The replay store and the rate limits of a gate live in the process. Servers
with several worker processes need ``RedisReplayStore``, and each process
counts rate limits and usage on its own.
"""

from __future__ import annotations

import http
import io
import logging
from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Optional, Tuple
from urllib.parse import quote

from reqsig._errors import SigningError
from reqsig._reqsig import Gate, Identity, Rejection, ResponseSigner
from reqsig._server import (
    FRAMING_FIELDS,
    IDENTITY_KEY,
    check_options,
    covered_fields,
    error_body,
    peer_of,
    response_signature,
)

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = ["IDENTITY_KEY", "VerifyMiddleware"]

_logger = logging.getLogger("reqsig.wsgi")

# Characters left as they are when a path is percent-encoded again: the
# RFC 3986 sub-delims, ':' and '@' of a path segment, and '/'.
_PATH_SAFE = "/:@!$&'()*+,;=~"

# The environ keys that hold header fields without the HTTP_ prefix.
_UNPREFIXED = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}

_READ_SIZE = 64 * 1024

Headers = List[Tuple[str, bytes]]


class VerifyMiddleware:
    """Verifies each request with a ``reqsig.Gate`` before it reaches the WSGI application.

    - ``app``: the WSGI application.
    - ``gate``: the ``reqsig.Gate`` with the keys, replay store and policy.
    - ``strip_unsigned_headers``: remove from the environ the header fields
      the signature did not cover, except ``Host``, ``Content-Length`` and
      ``Transfer-Encoding``.
    - ``sign_responses``: a ``reqsig.ResponseSigner`` that signs every
      response to a verified request; the response is buffered for that.
    """

    def __init__(
        self,
        app: WSGIApplication,
        gate: Gate,
        *,
        strip_unsigned_headers: bool = False,
        sign_responses: Optional[ResponseSigner] = None,
    ) -> None:
        check_options(gate, strip_unsigned_headers, sign_responses)
        self.app = app
        self.gate = gate
        self.strip_unsigned_headers = strip_unsigned_headers
        self.sign_responses = sign_responses

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD") or "GET"
        target = _request_target(environ)
        headers = _request_headers(environ)
        body_present = _hidden_body(environ)
        try:
            outcome = self.gate.check(
                method, target, headers, peer_of(environ.get("REMOTE_ADDR")), body_present=body_present
            )
        except ValueError as error:
            _logger.warning("rejected an unreadable request: %s", error)
            return _respond(start_response, 400, [], error_body("invalid_request", str(error)))
        if outcome is None:
            return self.app(environ, start_response)
        if isinstance(outcome, Rejection):
            return _reject(start_response, outcome)

        if outcome.needs_body:
            body = _read_body(environ, self.gate.max_body_bytes)
            if body is None:
                return _reject(start_response, self.gate.body_too_large(outcome))
            result = self.gate.complete(outcome, body)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["wsgi.input_terminated"] = True
        else:
            result = self.gate.complete(outcome, None)
        if isinstance(result, Rejection):
            return _reject(start_response, result)

        environ[IDENTITY_KEY] = result
        if self.strip_unsigned_headers:
            _strip_unsigned(environ, result)
        if self.sign_responses is not None:
            return self._signed(environ, start_response, (method, target, headers), result.label)
        return self.app(environ, start_response)

    def _signed(
        self,
        environ: WSGIEnvironment,
        start_response: StartResponse,
        request: Tuple[str, str, Headers],
        label: str,
    ) -> Iterable[bytes]:
        """Run the application with its response buffered, then send it signed."""
        assert self.sign_responses is not None
        captured: Dict[str, Any] = {}
        chunks: List[bytes] = []

        def capture(
            status: str, headers: List[Tuple[str, str]], exc_info: Optional[OptExcInfo] = None
        ) -> Any:
            # Nothing was sent yet, so a later call (with exc_info) replaces the first.
            captured["status"], captured["headers"] = status, headers
            return chunks.append

        result = self.app(environ, capture)
        try:
            chunks.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = captured["status"], list(captured["headers"])
        body = b"".join(chunks)
        try:
            added = response_signature(
                self.sign_responses, self.gate, int(status.split(" ", 1)[0]), headers, body, request, label
            )
        except SigningError as error:
            _logger.error("failed to sign the response: %s", error)
            return _respond(
                start_response, 500, [], error_body("response_signing_failed", "the response could not be signed")
            )
        start_response(status, headers + added)
        return [body]


def _request_target(environ: WSGIEnvironment) -> str:
    for key in ("REQUEST_URI", "RAW_URI"):
        raw = environ.get(key)
        if raw:
            return str(raw)
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    # PEP 3333 gives the decoded path as bytes read as latin-1.
    target = quote(path.encode("latin-1"), safe=_PATH_SAFE) or "/"
    query = environ.get("QUERY_STRING")
    return f"{target}?{query}" if query else target


def _request_headers(environ: WSGIEnvironment) -> Headers:
    headers: Headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").lower()
        elif key in _UNPREFIXED and value:
            name = _UNPREFIXED[key]
        else:
            continue
        headers.append((name, _environ_bytes(value)))
    return headers


def _environ_bytes(value: str) -> bytes:
    """Return the bytes of an environ value, which PEP 3333 stores as latin-1 text."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def _hidden_body(environ: WSGIEnvironment) -> bool:
    """Report whether a body arrives that the head does not announce.

    A server that sets ``wsgi.input_terminated`` may pass a body without
    ``CONTENT_LENGTH``, as an HTTP/2 request can send one. One byte is read
    to find out, and ``wsgi.input`` is replaced so the application still
    reads the whole body.
    """
    if environ.get("CONTENT_LENGTH") or environ.get("HTTP_TRANSFER_ENCODING"):
        return False
    if not environ.get("wsgi.input_terminated"):
        return False
    stream = environ["wsgi.input"]
    first = stream.read(1)
    if not first:
        return False
    environ["wsgi.input"] = _PrefixedInput(first, stream)
    return True


class _PrefixedInput:
    """A ``wsgi.input`` that returns bytes read ahead before the rest of the stream."""

    def __init__(self, prefix: bytes, rest: Any) -> None:
        self._prefix = prefix
        self._rest = rest

    def read(self, size: Optional[int] = -1) -> bytes:
        if size is None or size < 0:
            data, self._prefix = self._prefix + bytes(self._rest.read()), b""
            return data
        head, self._prefix = self._prefix[:size], self._prefix[size:]
        return head + (bytes(self._rest.read(size - len(head))) if size > len(head) else b"")

    def readline(self, size: Optional[int] = -1) -> bytes:
        limit = -1 if size is None else size
        if not self._prefix:
            return bytes(self._rest.readline(limit))
        newline = self._prefix.find(b"\n")
        cut = len(self._prefix) if newline < 0 else newline + 1
        if 0 <= limit < cut:
            cut = limit
        head, self._prefix = self._prefix[:cut], self._prefix[cut:]
        if self._prefix or head.endswith(b"\n") or len(head) == limit:
            return head
        return head + bytes(self._rest.readline(-1 if limit < 0 else limit - len(head)))

    def readlines(self, hint: int = -1) -> List[bytes]:
        lines: List[bytes] = []
        total = 0
        while True:
            line = self.readline()
            if not line:
                return lines
            lines.append(line)
            total += len(line)
            if 0 < hint <= total:
                return lines

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")


def _read_body(environ: WSGIEnvironment, limit: int) -> Optional[bytes]:
    """Read the body, or return ``None`` when it exceeds ``limit`` bytes."""
    stream = environ["wsgi.input"]
    declared = environ.get("CONTENT_LENGTH")
    if declared:
        try:
            remaining = int(declared)
        except ValueError:
            remaining = 0
        if remaining > limit:
            return None
    elif environ.get("wsgi.input_terminated"):
        remaining = limit + 1
    else:
        return b""
    chunks: List[bytes] = []
    size = 0
    while remaining > 0:
        chunk = stream.read(min(_READ_SIZE, remaining))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        remaining -= len(chunk)
    if size > limit:
        return None
    return b"".join(chunks)


def _strip_unsigned(environ: WSGIEnvironment, identity: Identity) -> None:
    keep = covered_fields(identity) | FRAMING_FIELDS
    for key in list(environ):
        if key.startswith("HTTP_"):
            name = key[5:].replace("_", "-").lower()
        elif key in _UNPREFIXED:
            name = _UNPREFIXED[key]
        else:
            continue
        if name not in keep:
            del environ[key]


def _respond(
    start_response: StartResponse, status: int, headers: List[Tuple[str, str]], body: bytes
) -> List[bytes]:
    headers = [*headers, ("content-length", str(len(body)))]
    if not any(name == "content-type" for name, _ in headers):
        headers.append(("content-type", "application/json"))
    start_response(f"{status} {http.HTTPStatus(status).phrase}", headers)
    return [body]


def _reject(start_response: StartResponse, rejection: Rejection) -> List[bytes]:
    return _respond(start_response, rejection.status, list(rejection.headers), rejection.body)
