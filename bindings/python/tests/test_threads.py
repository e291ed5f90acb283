"""Signing and verifying release the interpreter, and are safe from several threads."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, List

import reqsig

URL = "https://api.example.com/upload"


def body_taking_at_least(seconds: float) -> bytes:
    """Return a body whose Content-Digest takes at least ``seconds`` to compute here."""
    size = 1 << 20
    while True:
        body = bytes(size)
        started = time.perf_counter()
        reqsig.content_digest(body)
        if time.perf_counter() - started >= seconds or size >= 1 << 28:
            return body
        size *= 2


def longest_pause_while(work: Callable[[], object]) -> tuple[float, float]:
    """Run ``work`` in a thread and return (its duration, the longest gap between two
    iterations of a loop in this thread meanwhile).

    If ``work`` kept the interpreter, this thread could not run during it and
    the longest gap would be about its whole duration.
    """
    duration: List[float] = []

    def run() -> None:
        begin = time.perf_counter()
        work()
        duration.append(time.perf_counter() - begin)

    worker = threading.Thread(target=run)
    longest = 0.0
    # Timing starts before start(): a worker that kept the interpreter would
    # block this thread inside start() as well as inside the loop.
    last = time.perf_counter()
    worker.start()
    while worker.is_alive():
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
    worker.join()
    return duration[0], longest


def test_sign_and_verify_release_the_interpreter() -> None:
    key = reqsig.Ed25519PrivateKey.generate()
    signer = reqsig.Signer(key, key_id="client-1")
    verifier = reqsig.Verifier({"client-1": key.public_key()}, max_body_bytes=1 << 28)
    body = body_taking_at_least(0.1)
    signed = signer.sign("PUT", URL, None, body)

    for work in (
        lambda: signer.sign("PUT", URL, None, body),
        lambda: verifier.verify("PUT", URL, signed, body),
        lambda: reqsig.content_digest(body),
    ):
        duration, longest = longest_pause_while(work)
        assert duration >= 0.05, "the body is too small to measure"
        assert longest < duration / 2, f"this thread paused {longest:.3f} s of {duration:.3f} s"


def test_concurrent_signing_and_verifying() -> None:
    key = reqsig.Ed25519PrivateKey.generate()
    signer = reqsig.Signer(key, key_id="client-1")
    calls: List[str] = []

    def resolve(key_id: str) -> reqsig.PublicKey:
        calls.append(key_id)
        return key.public_key()

    verifier = reqsig.Verifier(resolve)

    def round_trip(i: int) -> str | None:
        body = f"request {i}".encode()
        signed = signer.sign("POST", f"{URL}?i={i}", None, body)
        return verifier.verify("POST", f"{URL}?i={i}", signed, body).nonce

    with ThreadPoolExecutor(max_workers=8) as pool:
        nonces = list(pool.map(round_trip, range(64)))
    assert len(set(nonces)) == 64
    assert len(calls) == 64
