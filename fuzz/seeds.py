#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target into fuzz/corpus/<target>/.

The seeds come from spec/vectors/: the RFC 9421 messages, signatures and
keys, the RFC 9530 Content-Digest examples, the RFC 9421 component examples
and the structured-field test suite, plus the example of spec/registry.md.
Each file is named after the SHA-1 of its content, as libFuzzer names corpus
files, so running this script twice adds nothing, and a seed that
`cargo fuzz cmin` already kept is not duplicated.

Usage: python3 fuzz/seeds.py   (from anywhere; it finds the repository root)
"""

import base64
import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "spec" / "vectors"
CORPUS = ROOT / "fuzz" / "corpus"


def load(name):
    return json.loads((VECTORS / name).read_text())


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def crlf(message):
    """Returns the message with CRLF line ends in its header section, body untouched."""
    head, separator, body = message.partition("\n\n")
    return head.replace("\n", "\r\n") + ("\r\n\r\n" + body if separator else "")


def with_signature(message, signature_input, signature):
    """Adds Signature-Input and Signature lines at the end of a message's header section."""
    head, separator, body = message.partition("\n\n")
    lines = f"{head}\nSignature-Input: {signature_input}\nSignature: {signature}"
    return lines + ("\n\n" + body if separator else "")


def structured_field_raws(*names):
    for name in names:
        for test in json.loads((VECTORS / "structured-field-tests" / name).read_text()):
            if "raw" in test:
                yield ", ".join(test["raw"])


def rfc9421_seeds(rfc9421):
    for case in rfc9421["cases"]:
        write("signature_fields", f"{case['signature_input']}\n{case['signature']}")
        write("components", case["covered_components"])
        signed = case.get("signed_message") or with_signature(
            case["message"], case["signature_input"], case["signature"]
        )
        write("verify", signed)
        write("verify", crlf(signed))
        write("wire", signed)
    for message in rfc9421["messages"].values():
        write("wire", message)
        write("wire", crlf(message))
        match = re.search(r"^Content-Digest: (.*)$", message, re.MULTILINE)
        if match:
            body = message.partition("\n\n")[2]
            write("content_digest", f"{match.group(1)}\n{body}")
    write(
        "signature_fields",
        'sig1=("@method" "@target-uri" "content-digest");created;nonce;keyid="k1"\n',
    )


def key_seeds(rfc9421):
    jwks = []
    for key in rfc9421["keys"].values():
        for name in ("public_pem", "private_pem"):
            if name in key:
                write("keys", key[name])
                body = "".join(line for line in key[name].splitlines() if not line.startswith("-----"))
                write("keys", base64.b64decode(body))
        if "jwk" in key:
            write("keys", json.dumps(key["jwk"]))
            jwks.append(key["jwk"])
        if "secret_base64" in key:
            secret = base64.b64decode(key["secret_base64"])
            jwk = {"kty": "oct", "k": base64.urlsafe_b64encode(secret).decode().rstrip("=")}
            write("keys", json.dumps(jwk))
    write("keys", json.dumps({"keys": jwks}))


def component_seeds():
    for entry in load("rfc9421-components.json")["entries"]:
        if "component_identifier" in entry:
            write("components", entry["component_identifier"])
        if "message" in entry:
            write("wire", entry["message"])
    for raw in structured_field_raws("item.json", "string.json", "param-list.json"):
        write("components", raw)


def digest_seeds():
    for vector in load("rfc9530.json")["vectors"]:
        body = base64.b64decode(vector.get("body_base64", ""))
        field = vector.get("field_value_as_printed") or vector.get("field_value", "")
        write("content_digest", field.encode() + b"\n" + body)
    for raw in structured_field_raws("dictionary.json", "binary.json", "param-dict.json"):
        write("content_digest", raw + "\n")
        write("signature_fields", raw + "\nsig1=:AAAA:")


def wire_seeds():
    chunked = (
        "POST /upload?x=1 HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: gzip, chunked\r\n"
        "\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nExpires: never\r\n\r\n"
    )
    write("wire", chunked)
    write("wire", "OPTIONS * HTTP/1.1\nHost: example.com\n\n")
    write("wire", "CONNECT example.com:443 HTTP/1.1\nHost: example.com:443\n\n")
    write("wire", "GET http://Example.COM:80/a/../b?q=%2F HTTP/1.0\nX: a\n  folded\n\n")


def registry_seeds():
    text = (ROOT / "spec" / "registry.md").read_text()
    example = re.search(r"```toml\n(.*?)```", text, re.DOTALL).group(1)
    write("registry", example)
    write(
        "registry",
        """version = 1
allow_hmac = true

[[keys]]
key_id = "shared"
client_id = "batch"
algorithm = "hmac-sha256"
secret_file = "secret.bin"
not_before = 1700000000
status = "revoked"

[[keys]]
key_id = "env"
client_id = "batch"
algorithm = "hmac-sha256"
secret_env = "REQSIG_SECRET"

[[keys]]
key_id = "jwk"
client_id = "web"
algorithm = "ed25519"
public_key = '{"kty":"OKP","crv":"Ed25519","x":"JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs"}'
created = 2026-01-05T09:00:00+02:00
source_cidrs = ["192.0.2.1", "2001:db8::/32"]
rate_limit = { requests = 5, per_seconds = 1 }

[[keys.scopes]]
paths = ["/*/items/**", "/"]
""",
    )


def main():
    rfc9421 = load("rfc9421.json")
    rfc9421_seeds(rfc9421)
    key_seeds(rfc9421)
    component_seeds()
    digest_seeds()
    wire_seeds()
    registry_seeds()
    for folder in sorted(CORPUS.iterdir()):
        print(f"{folder.name}: {sum(1 for _ in folder.iterdir())} files")


if __name__ == "__main__":
    main()
