"""Servers for the middleware tests: FastAPI under uvicorn, Flask under
Werkzeug's development server or ``wsgiref``, and ``redis-server``.

Every server listens on 127.0.0.1 on a port the operating system picks and
runs in a thread (Redis in a child process) until the test stops it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx
import uvicorn
from fastapi import FastAPI, Request
from flask import Flask, jsonify
from flask import request as flask_request
from werkzeug.serving import make_server as make_werkzeug_server

import reqsig
from reqsig.asgi import IDENTITY_KEY
from reqsig.asgi import VerifyMiddleware as AsgiMiddleware
from reqsig.wsgi import VerifyMiddleware as WsgiMiddleware

REPOSITORY = Path(__file__).resolve().parents[3]

Headers = List[Tuple[str, str]]


def describe(identity: Optional[reqsig.Identity], body: bytes, header_names: Iterable[str]) -> Dict[str, Any]:
    """Return what an application saw of a request, for the test to compare."""
    return {
        "client_id": identity.client_id if identity else None,
        "key_id": identity.key_id if identity else None,
        "label": identity.label if identity else None,
        "body_sha256": hashlib.sha256(body).hexdigest(),
        "body_length": len(body),
        "headers": sorted(name.lower() for name in header_names),
    }


def fastapi_app() -> FastAPI:
    """Return a FastAPI application that echoes the identity and the body it received."""
    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "DELETE"])
    async def echo(request: Request, path: str) -> Dict[str, Any]:
        body = await request.body()
        return describe(request.scope.get(IDENTITY_KEY), body, request.headers.keys())

    return app


def flask_app() -> Flask:
    """Return a Flask application that echoes the identity and the body it received."""
    app = Flask(__name__)

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "DELETE"])
    @app.route("/<path:path>", methods=["GET", "POST", "PUT", "DELETE"])
    def echo(path: str) -> Any:
        body = flask_request.get_data()
        identity = flask_request.environ.get(IDENTITY_KEY)
        return jsonify(describe(identity, body, flask_request.headers.keys()))

    return app


@dataclass
class Running:
    """A server running in a thread of the test process."""

    kind: str
    port: int
    stop: Callable[[], None]
    gate: reqsig.Gate

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _wait_until(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.01)


def start_uvicorn(app: Any, gate: reqsig.Gate) -> Running:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    _wait_until(lambda: server.started, "uvicorn to start")

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()

    return Running("asgi", port, stop, gate)


def start_werkzeug(app: Any, gate: reqsig.Gate) -> Running:
    server = make_werkzeug_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

    return Running("wsgi", server.server_port, stop, gate)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def start_wsgiref(app: Any, gate: reqsig.Gate) -> Running:
    server: WSGIServer = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

    return Running("wsgiref", server.server_port, stop, gate)


def start_app(kind: str, gate: reqsig.Gate, **options: Any) -> Running:
    """Start the echo application of ``kind`` behind the middleware with ``options``."""
    if kind == "asgi":
        return start_uvicorn(AsgiMiddleware(fastapi_app(), gate, **options), gate)
    if kind == "wsgi":
        return start_werkzeug(WsgiMiddleware(flask_app(), gate, **options), gate)
    if kind == "wsgiref":
        return start_wsgiref(WsgiMiddleware(flask_app(), gate, **options), gate)
    raise ValueError(f"unknown server kind {kind!r}")


def http_client() -> httpx.Client:
    """Return a client that ignores proxy settings of the environment, so it only reaches loopback."""
    return httpx.Client(trust_env=False, timeout=20)


def signed_headers(
    signer: reqsig.Signer, method: str, url: str, body: Optional[bytes] = None, headers: Sequence[Tuple[str, str]] = ()
) -> Headers:
    """Return ``headers`` with the signature fields of the request added."""
    signature = signer.sign(method, url, list(headers), body)
    return [*headers, *signature.items()]


@dataclass
class RedisServer:
    """A ``redis-server`` child process on 127.0.0.1."""

    process: "subprocess.Popen[bytes]"
    port: int

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_redis() -> RedisServer:
    """Start ``redis-server`` on a free loopback port, or fail saying how to install it."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(
            "redis-server is not installed: run scripts/test.sh, which installs it, or `apt-get install redis-server`"
        )
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = RedisServer(process, port)

    def listening() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with status {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            return False

    try:
        _wait_until(listening, f"redis-server to listen on 127.0.0.1:{port}")
    except BaseException:
        server.stop()
        raise
    return server


def cli_binary() -> Path:
    """Return the ``reqsig`` binary that the workspace build made.

    It is looked up in ``$CARGO_TARGET_DIR/debug`` or ``<repository>/target/debug``.
    """
    target = Path(os.environ.get("CARGO_TARGET_DIR") or REPOSITORY / "target")
    if not target.is_absolute():
        target = REPOSITORY / target
    binary = target / "debug" / "reqsig"
    if not binary.is_file():
        raise RuntimeError(
            f"the reqsig command line is missing at {binary}: build it first with `cargo build -p reqsig-cli` "
            "(scripts/test.sh builds it before the Python stage)"
        )
    return binary
