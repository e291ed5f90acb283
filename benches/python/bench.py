"""Sign and verify the typical POST per call from Python.

The request is the one of the Rust benchmarks: a POST with a 1 KiB JSON
body, six covered components, ``created``, ``expires``, ``keyid`` and
``nonce``. It is signed and verified through the reqsig bindings and
through the ``http-message-signatures`` package, side by side in one run.
Two floors are printed next to them. One is Python's own primitives
(``hashlib`` SHA-256 of the body plus the ``cryptography`` Ed25519 or
``hmac`` signature of the same base). The other is the Rust floor that
criterion measured on this machine, read from ``target/criterion`` (run
``cargo bench -p reqsig-benches --bench sign_verify`` first).

Each figure is the best of ``--repeat`` runs of ``--number`` calls, in
microseconds per call. The target: reqsig's Ed25519 sign and verify within
1.5 times the Rust floor. HMAC is reported without a target.

Usage: python benches/python/bench.py [--number N] [--repeat R] [--criterion DIR]
"""

import argparse
import datetime
import hashlib
import hmac
import json
import pathlib
import secrets
import sys
import time
from typing import Any, Callable, Dict, List, Optional

import http_message_signatures as hms
import reqsig
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from http_message_signatures import algorithms

URL = "https://api.example.com/v1/orders?customer=42"
HEADERS = {"content-type": "application/json", "content-length": "1024"}
COMPONENTS = ("@method", "@authority", "@path", "@query", "content-digest", "content-type")
REQUIRED = ("@method", "@authority", "@path", "@query", "content-digest")
KEY_ID = "bench-key"
LIFETIME = 300
ED25519_SEED = bytes([42]) * 32
HMAC_SECRET = bytes([7]) * 32
TARGET = 1.5


def json_body() -> bytes:
    """Return the 1 KiB JSON body of the Rust benchmarks, byte for byte."""
    body = '{"items":['
    i = 0
    while len(body) < 1000:
        if i > 0:
            body += ","
        body += f'{{"id":{i},"name":"item-{i:04}"}}'
        i += 1
    body += "]}"
    return body.encode().ljust(1024, b" ")[:1024]


BODY = json_body()


class Request:
    """The request interface ``http-message-signatures`` reads: method, url, headers."""

    def __init__(self, headers: Dict[str, str]) -> None:
        self.method = "POST"
        self.url = URL
        self.headers = headers


def best_per_call(run: Callable[[Any], object], make_argument: Callable[[], Any], number: int, repeat: int) -> float:
    """Return the best mean time of ``number`` calls over ``repeat`` runs, in microseconds.

    The arguments are made before each run starts, so their cost is not timed.
    """
    best = float("inf")
    for _ in range(repeat):
        arguments = [make_argument() for _ in range(number)]
        started = time.perf_counter_ns()
        for argument in arguments:
            run(argument)
        elapsed = time.perf_counter_ns() - started
        best = min(best, elapsed / number / 1000)
    return best


def criterion_median(directory: pathlib.Path, group: str, function: str) -> Optional[float]:
    """Return criterion's median estimate of one benchmark in microseconds, or None."""
    path = directory / group / function / "new" / "estimates.json"
    try:
        estimates = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return float(estimates["median"]["point_estimate"]) / 1000


def measure(algorithm: str, number: int, repeat: int, criterion: pathlib.Path) -> List[Dict[str, Any]]:
    now = int(time.time())
    created = datetime.datetime.fromtimestamp(now, tz=datetime.timezone.utc)
    expires = created + datetime.timedelta(seconds=LIFETIME)

    if algorithm == "ed25519":
        key = reqsig.Ed25519PrivateKey.from_seed(ED25519_SEED)
        verifying_key: Any = key.public_key()
        signing_key: Any = key
        private = Ed25519PrivateKey.from_private_bytes(ED25519_SEED)
        public = private.public_key()
        peer_algorithm: Any = algorithms.ED25519
        resolver = hms.MappingKeyResolver(public_keys={KEY_ID: public}, private_keys={KEY_ID: private})
    else:
        signing_key = verifying_key = reqsig.HmacKey(HMAC_SECRET)
        peer_algorithm = algorithms.HMAC_SHA256
        resolver = hms.MappingKeyResolver(public_keys={KEY_ID: HMAC_SECRET}, private_keys={KEY_ID: HMAC_SECRET})

    signer = reqsig.Signer(signing_key, key_id=KEY_ID, components=list(COMPONENTS), expires_in=LIFETIME, now=now)
    verifier = reqsig.Verifier({KEY_ID: verifying_key}, now=now)
    signature = signer.sign("POST", URL, HEADERS, BODY)
    signed = dict(HEADERS)
    signed.update(signature.items())
    verifier.verify("POST", URL, signed, BODY)
    base = signature.base.encode()

    peer_signer = hms.HTTPMessageSigner(signature_algorithm=peer_algorithm, key_resolver=resolver)
    peer_verifier = hms.HTTPMessageVerifier(signature_algorithm=peer_algorithm, key_resolver=resolver)
    max_age = datetime.timedelta(seconds=LIFETIME)

    def peer_sign(request: Request) -> None:
        peer_signer.sign(
            request,
            key_id=KEY_ID,
            created=created,
            expires=expires,
            nonce=secrets.token_urlsafe(16),
            label="sig1",
            include_alg=False,
            covered_component_ids=COMPONENTS,
            body=BODY,
        )

    peer_signed = Request(dict(HEADERS))
    peer_sign(peer_signed)
    peer_verifier.verify(peer_signed, max_age=max_age, require_components=REQUIRED, body=BODY)

    if algorithm == "ed25519":
        raw_signature = private.sign(base)

        def primitive_sign(_: object) -> None:
            hashlib.sha256(BODY).digest()
            private.sign(base)

        def primitive_verify(_: object) -> None:
            hashlib.sha256(BODY).digest()
            public.verify(raw_signature, base)

    else:
        raw_tag = hmac.new(HMAC_SECRET, base, "sha256").digest()

        def primitive_sign(_: object) -> None:
            hashlib.sha256(BODY).digest()
            hmac.new(HMAC_SECRET, base, "sha256").digest()

        def primitive_verify(_: object) -> None:
            hashlib.sha256(BODY).digest()
            hmac.compare_digest(hmac.new(HMAC_SECRET, base, "sha256").digest(), raw_tag)

    def no_argument() -> None:
        return None

    def fresh_request() -> Request:
        return Request(dict(HEADERS))

    rows = []
    for operation, ours, theirs, primitive in (
        (
            "sign",
            lambda _: signer.sign("POST", URL, HEADERS, BODY),
            peer_sign,
            primitive_sign,
        ),
        (
            "verify",
            lambda _: verifier.verify("POST", URL, signed, BODY),
            lambda _: peer_verifier.verify(peer_signed, max_age=max_age, require_components=REQUIRED, body=BODY),
            primitive_verify,
        ),
    ):
        peer_argument = fresh_request if operation == "sign" else no_argument
        rows.append(
            {
                "algorithm": algorithm,
                "operation": operation,
                "reqsig": best_per_call(ours, no_argument, number, repeat),
                "peer": best_per_call(theirs, peer_argument, number, repeat),
                "python floor": best_per_call(primitive, no_argument, number, repeat),
                "rust floor": criterion_median(criterion, algorithm, f"floor {operation}"),
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--number", type=int, default=2000, help="calls per timed run (default 2000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs; the best is kept (default 5)")
    parser.add_argument(
        "--criterion",
        type=pathlib.Path,
        default=pathlib.Path(__file__).resolve().parents[2] / "target" / "criterion",
        help="criterion's output directory (default target/criterion)",
    )
    options = parser.parse_args()

    print(f"reqsig {reqsig.__version__}, http-message-signatures, Python {sys.version.split()[0]}")
    print(
        f"{'':20} {'reqsig µs':>10} {'h-m-s µs':>10} {'h-m-s/reqsig':>13} "
        f"{'py floor µs':>12} {'Rust floor µs':>14} {'reqsig/Rust floor':>18}  target"
    )
    for algorithm in ("ed25519", "hmac-sha256"):
        for row in measure(algorithm, options.number, options.repeat, options.criterion):
            rust = row["rust floor"]
            ratio = row["reqsig"] / rust if rust else None
            if ratio is None:
                verdict = "no criterion figure"
            elif algorithm == "ed25519":
                verdict = f"<= {TARGET}: {'met' if ratio <= TARGET else 'not met'}"
            else:
                verdict = "none"
            print(
                f"{algorithm + ' ' + row['operation']:20} {row['reqsig']:10.2f} {row['peer']:10.2f} "
                f"{row['peer'] / row['reqsig']:13.1f} {row['python floor']:12.2f} "
                f"{rust if rust else float('nan'):14.2f} {ratio if ratio else float('nan'):18.2f}  {verdict}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
