"""Signs and verifies interoperability jobs with the PyPI package http-message-signatures.

The reqsig-interop tests run this script as ``python python_peer.py OP`` with OP
``sign``, ``verify`` or ``version``. For ``sign`` and ``verify`` it reads
``{"jobs": [...]}`` as JSON on standard input and writes ``{"results": [...]}``
on standard output, one result per job, in order. The job format is documented
in ``tests/interop/src/exchange.rs``. A failing job does not stop the others:
its result carries ``"ok": false`` and the exception as ``"error"``.
"""

import base64
import datetime
import json
import sys
import warnings
from importlib.metadata import version

import http_message_signatures as hms
from http_message_signatures import algorithms

ALGORITHMS = {
    cls.algorithm_id: cls
    for cls in (
        algorithms.ED25519,
        algorithms.HMAC_SHA256,
        algorithms.ECDSA_P256_SHA256,
        algorithms.ECDSA_P384_SHA384,
        algorithms.RSA_PSS_SHA512,
        algorithms.RSA_V1_5_SHA256,
    )
}


class FieldLines:
    """Header field lines in message order, with the mapping interface the package reads and writes.

    ``items()`` returns every line, so repeated fields keep their separate lines.
    Setting a name replaces all of its lines with one; names match without regard to case.
    """

    def __init__(self, lines):
        self.lines = [(name, value) for name, value in lines]

    def items(self):
        return list(self.lines)

    def __iter__(self):
        return iter(dict.fromkeys(name for name, _ in self.lines))

    def __contains__(self, name):
        return any(field.lower() == name.lower() for field, _ in self.lines)

    def __setitem__(self, name, value):
        self.__delitem__(name)
        self.lines.append((name, value))

    def __delitem__(self, name):
        self.lines = [(field, value) for field, value in self.lines if field.lower() != name.lower()]


class Request:
    """A request as the package reads it: method, absolute URL and header lines."""

    def __init__(self, data):
        self.method = data["method"]
        self.url = data["url"]
        self.headers = FieldLines(data["headers"])
        self.body = base64.b64decode(data["body"])

    def to_json(self):
        return {
            "method": self.method,
            "url": self.url,
            "headers": self.headers.items(),
            "body": base64.b64encode(self.body).decode(),
        }


class Response:
    """A response as the package reads it: status, header lines and the request it responds to."""

    def __init__(self, data, request):
        self.status_code = data["status"]
        self.headers = FieldLines(data["headers"])
        self.body = base64.b64decode(data["body"])
        self.request = request

    def to_json(self):
        return {
            "status": self.status_code,
            "headers": self.headers.items(),
            "body": base64.b64encode(self.body).decode(),
        }


def load_messages(job):
    request = Request(job["request"])
    response = Response(job["response"], request) if job.get("response") else None
    return request, response


def target_of(spec, request, response):
    return response if spec["target"] == "response" else request


def timestamp(seconds):
    return None if seconds is None else datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)


def private_key(key):
    if key.get("secret") is not None:
        return base64.b64decode(key["secret"])
    return key["private_pem"].encode()


def public_key(key):
    if key.get("secret") is not None:
        return base64.b64decode(key["secret"])
    return key["public_pem"].encode()


def sign_job(job):
    request, response = load_messages(job)
    for spec in job["signatures"]:
        message = target_of(spec, request, response)
        key = job["keys"][spec["keyid"]]
        resolver = hms.MappingKeyResolver(public_keys={}, private_keys={spec["keyid"]: private_key(key)})
        signer = hms.HTTPMessageSigner(signature_algorithm=ALGORITHMS[key["alg"]], key_resolver=resolver)
        # With body bytes the package computes Content-Digest itself, or checks the one present.
        # It rejects a message that already has a digest unless use_existing_digest is set.
        body = message.body if spec["covers_digest"] else None
        keep_digest = body is not None or "content-digest" in message.headers
        signer.sign(
            message,
            key_id=spec["keyid"],
            created=timestamp(spec["created"]),
            expires=timestamp(spec.get("expires")),
            nonce=spec.get("nonce"),
            label=spec["label"],
            tag=spec.get("tag"),
            include_alg=spec["include_alg"],
            covered_component_ids=spec["components"],
            append_if_signature_exists=True,
            body=body,
            use_existing_digest=keep_digest,
        )
    result = {"request": request.to_json()}
    if response is not None:
        result["response"] = response.to_json()
    return result


def verify_job(job):
    request, response = load_messages(job)
    for spec in job["signatures"]:
        message = target_of(spec, request, response)
        key = job["keys"][spec["keyid"]]
        resolver = hms.MappingKeyResolver(public_keys={spec["keyid"]: public_key(key)}, private_keys={})
        verifier = hms.HTTPMessageVerifier(signature_algorithm=ALGORITHMS[key["alg"]], key_resolver=resolver)
        # Select by label even when the signature has no tag; the package warns about that, which is expected here.
        verifier.allow_label_only_selection = True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            results = verifier.verify(
                message,
                max_age=None,
                expect_tag=spec.get("tag"),
                expect_label=spec["label"],
                body=message.body if spec["covers_digest"] else None,
            )
        if [result.label for result in results] != [spec["label"]]:
            raise RuntimeError(f"expected one verified signature {spec['label']!r}, got {results!r}")
    return {}


def run(op, jobs):
    handler = sign_job if op == "sign" else verify_job
    results = []
    for job in jobs:
        try:
            result = {"id": job["id"], "ok": True, **handler(job)}
        except Exception as error:  # every failure of one job is reported in its result
            result = {"id": job["id"], "ok": False, "error": f"{type(error).__name__}: {error}"}
        results.append(result)
    return results


def main():
    op = sys.argv[1] if len(sys.argv) == 2 else None
    if op == "version":
        print(json.dumps({"package": "http-message-signatures", "version": version("http-message-signatures")}))
        return
    if op not in ("sign", "verify"):
        sys.exit("usage: python_peer.py sign|verify|version < jobs.json")
    jobs = json.load(sys.stdin)["jobs"]
    json.dump({"results": run(op, jobs)}, sys.stdout)


if __name__ == "__main__":
    main()
